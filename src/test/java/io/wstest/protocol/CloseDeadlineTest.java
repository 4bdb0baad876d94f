package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.PrometheusText;
import io.wstest.testsupport.RawWebSocket;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that stopped reading never receives a close frame (it waits behind the full write queue), so the server
 * drops the TCP connection after CLOSE_TIMEOUT with a reset: the socket's fd, kernel buffers and MAX_CONNECTIONS
 * place come back, drains end, and the close is counted under the code the server closed with.
 */
@ExtendWith(VertxExtension.class)
class CloseDeadlineTest {

  /** Upper bound on the load loop: far more than the few hundred it takes to fill the slow socket's buffers. */
  private static final int MAX_BROADCASTS = 5_000;
  private static final String PAYLOAD = "x".repeat(16_000);
  /** How long the tests wait for the count to drop: CLOSE_TIMEOUT (1 s) plus a wide margin. */
  private static final long GONE_WITHIN_MS = 15_000;

  private InProcessService service;
  private RawWebSocket stalled;

  @AfterEach
  void stop(VertxTestContext ctx) throws IOException {
    if (stalled != null) {
      stalled.close();
    }
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aSlowConsumerThatNeverReadsIsDroppedAfterTheCloseTimeout(Vertx vertx, VertxTestContext ctx) {
    HttpClient http = vertx.createHttpClient();
    start(vertx, Map.of("BROADCAST_RATE", "0", "SLOW_CONSUMER_LIMIT", "5", "CLOSE_TIMEOUT", "1s"))
      .compose(sender -> broadcastUntilDropped(sender, 5)
        .compose(v -> openSockets(vertx, sender, 1)))
      .compose(v -> vertx.executeBlocking(this::readUntilTheConnectionIsDropped))
      .compose(v -> PrometheusText.scrape(http, service.httpPort()))
      .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
        assertEquals(1.0, metrics.value("websocket_closes_total", "code", "1008"), "counted as the server's 1008");
        assertEquals(0.0, metrics.value("websocket_closes_total", "code", "1006"));
        ctx.completeNow();
      })));
  }

  @Test
  void anAdminDrainAnswersAlthoughOnePeerNeverReads(Vertx vertx, VertxTestContext ctx) {
    HttpClient http = vertx.createHttpClient();
    // SLOW_CONSUMER_LIMIT high: the stalled socket stays open, its write queue full, until the drain
    start(vertx, Map.of("BROADCAST_RATE", "0", "SLOW_CONSUMER_LIMIT", "1000000", "CLOSE_TIMEOUT", "1s",
      "SHUTDOWN_GRACE", "200ms"))
      .compose(sender -> broadcastUntilDropped(sender, 1))
      .compose(v -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(service.httpPort()).setURI("/admin/drain").setTimeout(GONE_WITHIN_MS)))
      .compose(request -> request.send().compose(HttpClientResponse::body))
      .compose(body -> {
        ctx.verify(() -> assertEquals(2, body.toJsonObject().getInteger("closed"), body.toString()));
        return vertx.executeBlocking(this::readUntilTheConnectionIsDropped);
      })
      .compose(v -> PrometheusText.scrape(http, service.httpPort()))
      .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
        assertEquals(2.0, metrics.value("websocket_closes_total", "code", "1001"),
          "both sockets counted under the drain's code, whatever their peers did");
        ctx.completeNow();
      })));
  }

  @Test
  void aDrainIsCountedUnderItsOwnCodeAndItsShutdownMessageAsSent(Vertx vertx, VertxTestContext ctx) {
    HttpClient http = vertx.createHttpClient();
    InProcessService.start(Map.of("SHUTDOWN_GRACE", "0"))
      .compose(s -> {
        service = s;
        return WsTestClient.connect(vertx, service.httpPort(), "/ws");
      })
      .compose(client -> client.next("welcome").compose(welcome -> http.request(HttpMethod.POST, service.httpPort(),
          "127.0.0.1", "/admin/drain?code=1012")
        .compose(request -> request.send().compose(HttpClientResponse::body))
        .compose(body -> client.next("shutdown"))
        .compose(shutdown -> client.closed())))
      .compose(peerSaw -> {
        ctx.verify(() -> assertEquals((short) 1012, peerSaw));
        return PrometheusText.scrape(http, service.httpPort());
      })
      .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
        assertEquals(1.0, metrics.value("websocket_closes_total", "code", "1012"));
        assertEquals(0.0, metrics.value("websocket_closes_total", "code", "1000"), "not the peer's answer");
        assertEquals(2.0, metrics.value("websocket_messages_sent_total"), "welcome and shutdown");
        ctx.completeNow();
      })));
  }

  /** Starts the service, a stalled raw socket (small receive window, reads nothing) and a broadcasting client. */
  private Future<WsTestClient> start(Vertx vertx, Map<String, String> settings) {
    // a Vert.x of its own, built as serve builds it: with the metrics these tests read
    return InProcessService.start(settings)
      .compose(s -> {
        service = s;
        return vertx.executeBlocking(() -> RawWebSocket.connect(service.httpPort(), "/ws", 4096));
      })
      .compose(raw -> {
        stalled = raw;
        return WsTestClient.connect(vertx, service.httpPort(), "/ws");
      })
      .compose(sender -> sender.next("welcome").map(sender));
  }

  /** One broadcast at a time until the acks report {@code drops} broadcasts dropped for the stalled socket. */
  private Future<Void> broadcastUntilDropped(WsTestClient sender, int drops) {
    Promise<Void> done = Promise.promise();
    broadcast(sender, drops, 0, 0, done);
    return done.future();
  }

  private void broadcast(WsTestClient sender, int drops, int sent, int droppedSoFar, Promise<Void> done) {
    if (droppedSoFar >= drops) {
      done.complete();
      return;
    }
    if (sent >= MAX_BROADCASTS) {
      done.fail("the stalled socket's write queue did not fill in " + sent + " broadcasts");
      return;
    }
    sender.send(new JsonObject().put("type", "broadcast").put("message", PAYLOAD));
    Future.all(sender.next("broadcast_ack"), sender.next("broadcast")).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      JsonObject ack = ar.result().resultAt(0);
      broadcast(sender, drops, sent + 1, droppedSoFar + ack.getInteger("dropped"), done);
    });
  }

  /**
   * The count drops to the sockets still open once the stalled one is gone: asked over the sender's socket, as
   * a client would; polled, because the server sends the stalled peer nothing it could read as an event.
   */
  private Future<Void> openSockets(Vertx vertx, WsTestClient sender, int expected) {
    long deadline = System.currentTimeMillis() + GONE_WITHIN_MS;
    Promise<Void> done = Promise.promise();
    poll(vertx, sender, expected, deadline, done);
    return done.future();
  }

  private void poll(Vertx vertx, WsTestClient sender, int expected, long deadline, Promise<Void> done) {
    sender.request(new JsonObject().put("type", "info")).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      int total = ar.result().getJsonObject("connections").getInteger("total");
      if (total == expected) {
        done.complete();
      } else if (System.currentTimeMillis() > deadline) {
        done.fail("still " + total + " sockets open " + GONE_WITHIN_MS + " ms later, expected " + expected);
      } else {
        vertx.setTimer(100, t -> poll(vertx, sender, expected, deadline, done));
      }
    });
  }

  /**
   * Reads what the stalled socket had been sent, to the end: the server dropped TCP (no closing handshake) with a
   * reset, not a graceful close that would keep what the peer never read in the server's kernel buffers.
   */
  private Void readUntilTheConnectionIsDropped() throws IOException {
    for (int frames = 0; frames < MAX_BROADCASTS + 10; frames++) {
      try {
        stalled.readFrame();
      } catch (EOFException end) {
        throw new AssertionError("the server closed the stalled socket gracefully (FIN), not with a reset", end);
      } catch (SocketException reset) {
        assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset.toString());
        return null;
      }
    }
    throw new AssertionError("the stalled socket was never closed");
  }
}
