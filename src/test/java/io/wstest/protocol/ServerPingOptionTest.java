package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code server_ping} connection option on both servers, in the upgrade URL and as a message: a socket that
 * asked for it gets no WebSocket pings and is not closed as idle, while a normal socket on the same server is
 * pinged all along (it is this test's clock: no sleeping).
 */
@ExtendWith(VertxExtension.class)
class ServerPingOptionTest {

  /** IDLE_TIMEOUT is twice this by default: 400 ms. */
  private static final Map<String, String> FAST_PINGS = Map.of("PING_INTERVAL", "200ms");
  /** Pings the normal socket receives while the other one is watched: 1.2 s, three idle timeouts. */
  private static final int CONTROL_PINGS = 6;

  private InProcessService service;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  private Future<InProcessService> start() {
    return InProcessService.start(FAST_PINGS).onSuccess(s -> service = s);
  }

  private int port(String server) {
    return server.equals("http") ? service.httpPort() : service.wsPort();
  }

  @ParameterizedTest(name = "{0} {1} by {2}")
  @CsvSource({
    "http, /ws?server_ping=off, query",
    "raw, /any/path?x=1&server_ping=OFF, query",
    "raw, /?server_ping=false, query",
    "http, /ws, message",
    "raw, /some/path, message"})
  void aSocketWithServerPingOffGetsNoPingsAndIsNotClosedAsIdle(String server, String path, String how, Vertx vertx,
                                                               VertxTestContext ctx) {
    AtomicInteger probePings = new AtomicInteger();
    Promise<Void> controlPinged = Promise.promise();
    start()
      .compose(s -> WsTestClient.connect(vertx, port(server), server.equals("http") ? "/ws" : "/"))
      .compose(control -> control.next("welcome").map(welcome -> {
        ctx.verify(() -> assertEquals(new JsonObject().put("server_ping", true).put("ping_interval_ms", 200)
          .put("idle_timeout_ms", 400), welcome.getJsonObject("keepalive")));
        AtomicInteger pings = new AtomicInteger();
        control.socket().frameHandler(frame -> {
          if (frame.isPing() && pings.incrementAndGet() == CONTROL_PINGS) {
            controlPinged.tryComplete();
          }
        });
        return control;
      }))
      .compose(control -> WsTestClient.connect(vertx, port(server), path))
      .compose(probe -> probe.next("welcome").compose(welcome -> {
        if (how.equals("query")) {
          return Future.succeededFuture(welcome);
        }
        ctx.verify(() -> assertTrue(welcome.getJsonObject("keepalive").getBoolean("server_ping"), welcome.encode()));
        return probe.request(new JsonObject().put("type", "options").put("server_ping", false)).map(ack -> {
          ctx.verify(() -> {
            assertEquals("options_ack", ack.getString("type"), ack.encode());
            assertEquals(2, ack.getLong("seq"));
            assertEquals(InProcessService.IDENTITY.instanceId(), ack.getString("instance_id"));
            assertNotNull(ack.getString("timestamp"));
          });
          return ack;
        });
      }).compose(confirmation -> {
        ctx.verify(() -> assertEquals(new JsonObject().put("server_ping", false).put("ping_interval_ms", 0)
          .put("idle_timeout_ms", 0), confirmation.getJsonObject("keepalive"), confirmation.encode()));
        probe.socket().frameHandler(frame -> {
          if (frame.isPing()) {
            probePings.incrementAndGet();
          }
        });
        probe.closed().onSuccess(code -> ctx.failNow("the silent socket was closed with " + code));
        return controlPinged.future().map(probe);
      }))
      // the probe stayed silent through three idle timeouts; it is still open and answers
      .compose(probe -> {
        ctx.verify(() -> {
          assertEquals(0, probePings.get(), "pings on the socket that turned them off");
          assertFalse(probe.socket().isClosed());
        });
        return probe.request(new JsonObject().put("type", "ping"));
      })
      .onComplete(ctx.succeeding(pong -> ctx.verify(() -> {
        assertEquals("pong", pong.getString("type"));
        ctx.completeNow();
      })));
  }

  @Test
  void invalidOptionsGetAnErrorAndChangeNothing(Vertx vertx, VertxTestContext ctx) {
    start()
      .compose(s -> WsTestClient.connect(vertx, service.httpPort(), "/ws?server_ping=maybe"))
      .compose(client -> client.next("welcome").compose(welcome -> {
        ctx.verify(() -> assertTrue(welcome.getJsonObject("keepalive").getBoolean("server_ping")));
        return client.next();
      }).compose(error -> {
        ctx.verify(() -> {
          assertInvalidOption(error, "server_ping", "'maybe' is not one of off, on, false, true", 2);
          assertTrue(error.getJsonObject("keepalive").getBoolean("server_ping"), "unchanged");
        });
        return client.request(new JsonObject().put("type", "options").put("server_ping", "off"));
      }).compose(error -> {
        ctx.verify(() -> assertInvalidOption(error, "server_ping", "must be true or false, not off", 3));
        return client.request(new JsonObject().put("type", "options").put("server_ping", false)
          .put("server_pings", false));
      }).compose(error -> {
        ctx.verify(() -> {
          assertInvalidOption(error, "server_pings", "unknown option (known options: server_ping)", 4);
          assertTrue(error.getJsonObject("keepalive").getBoolean("server_ping"), "nothing of it was applied");
        });
        // no option at all: a question, answered with the keepalive in force
        return client.request(new JsonObject().put("type", "options"));
      }))
      .onComplete(ctx.succeeding(ack -> ctx.verify(() -> {
        assertEquals("options_ack", ack.getString("type"));
        assertEquals(200, ack.getJsonObject("keepalive").getLong("ping_interval_ms"));
        assertEquals(5, ack.getLong("seq"));
        ctx.completeNow();
      })));
  }

  @Test
  void serverPingTurnedBackOnPingsAgain(Vertx vertx, VertxTestContext ctx) {
    start()
      .compose(s -> WsTestClient.connect(vertx, service.wsPort(), "/?server_ping=off"))
      .compose(client -> client.next("welcome")
        .compose(w -> client.request(new JsonObject().put("type", "options").put("server_ping", true)))
        .compose(ack -> {
          ctx.verify(() -> assertEquals(new JsonObject().put("server_ping", true).put("ping_interval_ms", 200)
            .put("idle_timeout_ms", 400), ack.getJsonObject("keepalive")));
          Promise<Void> pinged = Promise.promise();
          client.socket().frameHandler(frame -> {
            if (frame.isPing()) {
              pinged.tryComplete();
            }
          });
          return pinged.future();
        }))
      .onComplete(ctx.succeedingThenComplete());
  }

  private static void assertInvalidOption(JsonObject error, String option, String problem, long seq) {
    assertEquals("error", error.getString("type"), error.encode());
    assertEquals("invalid_option", error.getString("error"));
    assertEquals(option, error.getString("option"));
    assertEquals(option + ": " + problem, error.getString("message"));
    assertEquals(seq, error.getLong("seq"));
    assertEquals(InProcessService.IDENTITY.instanceId(), error.getString("instance_id"));
  }
}
