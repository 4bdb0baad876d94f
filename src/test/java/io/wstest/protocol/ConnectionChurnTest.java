package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.ProtocolServer;
import io.wstest.testsupport.RawWebSocket;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connection count stays exact under churn: 500 sockets opened and closed concurrently on both servers, four
 * verticle instances each, in every way a peer can leave (clean close before or after reading, TCP dropped after
 * the upgrade, TCP dropped during the handshake). Sampled all along, no count is ever negative; afterwards every
 * count is back to 0.
 */
@ExtendWith(VertxExtension.class)
class ConnectionChurnTest {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionChurnTest.class);
  /** Sockets open at once, at most: one per lane. */
  private static final int LANES = 25;
  private static final int SOCKETS_PER_LANE = 20;
  /** How often the counts are sampled while the churn runs, and while waiting for the last server-side closes. */
  private static final long SAMPLE_EVERY_MS = 20;
  /** Bound on the wait for the server to see the last closes after the clients saw them: 10 s of samples. */
  private static final int MAX_SETTLE_SAMPLES = 500;

  /** The ways a peer leaves; lanes cycle through them, alternating servers. */
  private enum Leave {
    /** welcome, info (its counts are checked), close 1000 */
    AFTER_INFO,
    /** close 1000 straight after the handshake, the welcome unread */
    AT_ONCE,
    /** welcome, close 1000 */
    AFTER_WELCOME,
    /** the upgrade completes, then TCP is dropped without a close frame */
    DROP_AFTER_UPGRADE,
    /** the upgrade request is sent and TCP dropped without waiting for the answer */
    DROP_DURING_HANDSHAKE
  }

  private InProcessService service;
  private WebClient http;
  private NetClient tcp;
  /** The service runs in the test's Vert.x, so this is the very registry /health and info read. */
  private ConnectionRegistry registry;
  private final List<Integer> healthSamples = Collections.synchronizedList(new ArrayList<>());
  private final List<String> negativeCounts = Collections.synchronizedList(new ArrayList<>());
  private final List<JsonObject> infoCounts = Collections.synchronizedList(new ArrayList<>());
  /** A /health request is out; only touched on the sampling timer's context, where its reply also lands. */
  private boolean sampling;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void countStaysExactAndNeverNegativeWhile500SocketsOpenAndClose(Vertx vertx, VertxTestContext ctx) {
    http = WebClient.create(vertx);
    tcp = vertx.createNetClient();
    InProcessService.start(vertx, Map.of("INSTANCES", "4"))
      .compose(s -> {
        service = s;
        registry = ConnectionRegistry.of(vertx);
        long sampler = vertx.setPeriodic(SAMPLE_EVERY_MS, id -> sample());
        List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < LANES; lane++) {
          lanes.add(runLane(vertx, lane, 0));
        }
        return Future.all(lanes).eventually(() -> {
          vertx.cancelTimer(sampler);
          return Future.succeededFuture();
        });
      })
      .compose(v -> {
        ctx.verify(() -> {
          LOG.info("{} /health samples during the churn, highest {}", healthSamples.size(),
            healthSamples.stream().mapToInt(Integer::intValue).max().orElse(-1));
          assertFalse(healthSamples.isEmpty(), "/health was sampled during the churn");
          assertTrue(negativeCounts.isEmpty(), "negative counts: " + negativeCounts);
          assertEquals(LANES * SOCKETS_PER_LANE / Leave.values().length, infoCounts.size());
          for (JsonObject counts : infoCounts) {
            // the asking socket is open, so its server and its verticle instance count it
            assertEquals(counts.getInteger("total"), counts.getInteger("http") + counts.getInteger("raw"));
            assertTrue(counts.getInteger(counts.getString("asked_on")) >= 1, counts.encode());
            assertTrue(counts.getInteger("this_verticle_instance") >= 1, counts.encode());
          }
        });
        return settledCounts(1);
      })
      .onComplete(ctx.succeeding(counts -> ctx.verify(() -> {
        assertEquals(0, counts.health(), "/health active_websocket_connections after every socket closed");
        assertEquals(0, counts.http(), "open sockets on the HTTP server");
        assertEquals(0, counts.raw(), "open sockets on the raw server");
        assertEquals(0, counts.admitted(), "MAX_CONNECTIONS places all given back");
        // every socket that got its 101 was counted once; only dropped handshakes may not have become sockets
        long dropped = LANES * SOCKETS_PER_LANE / Leave.values().length;
        long opened = registry.openedTotal();
        LOG.info("{} connection attempts, {} became sockets", LANES * SOCKETS_PER_LANE, opened);
        assertTrue(opened >= LANES * SOCKETS_PER_LANE - dropped && opened <= LANES * SOCKETS_PER_LANE,
          "opened_total " + opened);
        assertTrue(negativeCounts.isEmpty(), "negative counts: " + negativeCounts);
        ctx.completeNow();
      })));
  }

  /** One lane: its sockets one after another, each opened and closed before the next. */
  private Future<Void> runLane(Vertx vertx, int lane, int done) {
    if (done == SOCKETS_PER_LANE) {
      return Future.succeededFuture();
    }
    int n = lane * SOCKETS_PER_LANE + done;
    ProtocolServer server = n % 2 == 0 ? ProtocolServer.HTTP : ProtocolServer.RAW;
    Leave leave = Leave.values()[n % Leave.values().length];
    return churnOne(vertx, server, leave).compose(v -> runLane(vertx, lane, done + 1));
  }

  private Future<Void> churnOne(Vertx vertx, ProtocolServer server, Leave leave) {
    switch (leave) {
      case AFTER_INFO:
        return server.connect(vertx, service).compose(client -> client.next("welcome")
          .compose(w -> client.request(new JsonObject().put("type", "info")))
          .compose(info -> {
            infoCounts.add(info.getJsonObject("connections").copy().put("asked_on", server.wireName()));
            return closeAndAwait(client);
          }));
      case AT_ONCE:
        return server.connect(vertx, service).compose(this::closeAndAwait);
      case AFTER_WELCOME:
        return server.connect(vertx, service).compose(client -> client.next("welcome").compose(w -> closeAndAwait(client)));
      case DROP_AFTER_UPGRADE:
        return tcp.connect(server.port(service), "127.0.0.1").compose(socket -> {
          Promise<Void> upgraded = Promise.promise();
          Buffer head = Buffer.buffer();
          socket.handler(data -> {
            head.appendBuffer(data);
            if (head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
              upgraded.tryComplete();
            }
          });
          socket.closeHandler(v -> upgraded.tryFail("closed before the upgrade answer"));
          writeUpgrade(socket, server);
          return upgraded.future().compose(v -> {
            String status = head.toString(StandardCharsets.ISO_8859_1);
            return status.startsWith("HTTP/1.1 101") ? socket.close()
              : Future.failedFuture("upgrade refused: " + status);
          });
        });
      case DROP_DURING_HANDSHAKE:
        return tcp.connect(server.port(service), "127.0.0.1").compose(socket -> {
          writeUpgrade(socket, server);
          return socket.close();
        });
      default:
        throw new IllegalArgumentException(leave.name());
    }
  }

  private void writeUpgrade(NetSocket socket, ProtocolServer server) {
    socket.write(RawWebSocket.upgradeRequest(server.port(service), server.path()));
  }

  /** A clean client close: completes once the closing handshake is over on the client's side. */
  private Future<Void> closeAndAwait(WsTestClient client) {
    return client.close().compose(v -> client.closed()).mapEmpty();
  }

  /** One sample of every count; skipped while the previous /health request is still out. */
  private void sample() {
    checkNotNegative("registry http", registry.active(ProtocolServer.HTTP.wireName()));
    checkNotNegative("registry raw", registry.active(ProtocolServer.RAW.wireName()));
    checkNotNegative("registry admitted", registry.admitted());
    if (sampling) {
      return;
    }
    sampling = true;
    activeFromHealth().onComplete(ar -> {
      sampling = false;
      if (ar.succeeded()) {
        healthSamples.add(ar.result());
        checkNotNegative("/health", ar.result());
      }
    });
  }

  private void checkNotNegative(String what, int value) {
    if (value < 0) {
      negativeCounts.add(what + "=" + value);
    }
  }

  private Future<Integer> activeFromHealth() {
    return http.get(service.httpPort(), "127.0.0.1", "/health").send()
      .map(response -> response.bodyAsJsonObject().getInteger("active_websocket_connections"));
  }

  /** /health and the registry's counts read together. */
  private record Counts(int health, int http, int raw, int admitted) {
    boolean allZero() {
      return health == 0 && http == 0 && raw == 0 && admitted == 0;
    }
  }

  /**
   * Polls until /health and every registry count are 0, at most {@link #MAX_SETTLE_SAMPLES} times: a client sees
   * its close a moment before the server's close handler runs, and a handshake the client dropped may still be
   * completing on the server; the server sends no event for either. Completes with the last counts read.
   */
  private Future<Counts> settledCounts(int attempt) {
    return activeFromHealth().compose(health -> {
      checkNotNegative("/health while settling", health);
      Counts counts = new Counts(health, registry.active(ProtocolServer.HTTP.wireName()),
        registry.active(ProtocolServer.RAW.wireName()), registry.admitted());
      if (counts.allZero() || attempt >= MAX_SETTLE_SAMPLES) {
        return Future.succeededFuture(counts);
      }
      return service.vertx().timer(SAMPLE_EVERY_MS, TimeUnit.MILLISECONDS)
        .compose(t -> settledCounts(attempt + 1));
    });
  }
}
