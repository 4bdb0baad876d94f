package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.RawWebSocket;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MAX_CONNECTIONS across both servers and the per-connection broadcast rate limit. */
@ExtendWith(VertxExtension.class)
class ConnectionLimitsTest {

  private InProcessService service;
  private WsTestClient first;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void upgradesBeyondMaxConnectionsGet503OnBothServersUntilASocketCloses(Vertx vertx, VertxTestContext ctx) {
    startWithOneSocket(vertx, Map.of("MAX_CONNECTIONS", "2"))
      .compose(w -> WsTestClient.connect(vertx, service.wsPort(), "/"))
      .compose(second -> second.next("welcome"))
      .compose(w -> vertx.executeBlocking(() -> {
        try (RawWebSocket viaHttp = RawWebSocket.connect(service.httpPort(), "/ws", 0);
             RawWebSocket viaRaw = RawWebSocket.connect(service.wsPort(), "/", 0)) {
          return List.of(viaHttp, viaRaw);
        }
      }))
      .compose(refused -> {
        ctx.verify(() -> {
          for (RawWebSocket r : refused) {
            assertEquals(503, r.status(), r.responseHead());
            JsonObject body = new JsonObject(r.responseBody());
            assertEquals("too_many_connections", body.getString("error"));
            assertEquals(503, body.getInteger("status"));
            assertTrue(body.getString("message").contains("MAX_CONNECTIONS"), body.encode());
          }
        });
        return first.socket().close().compose(v -> first.closed());
      })
      // the place the closed socket held is free again
      .compose(code -> WsTestClient.connect(vertx, service.httpPort(), "/ws"))
      .compose(third -> third.next("welcome"))
      .onComplete(ctx.succeeding(welcome -> ctx.verify(() -> {
        assertEquals("welcome", welcome.getString("type"));
        ctx.completeNow();
      })));
  }

  @Test
  void broadcastsOverTheRateGetAnErrorAndTheSocketStaysOpen(Vertx vertx, VertxTestContext ctx) {
    JsonObject broadcast = new JsonObject().put("type", "broadcast").put("message", "hello");
    startWithOneSocket(vertx, Map.of("BROADCAST_RATE", "1"))
      .compose(w -> first.send(broadcast).next("broadcast_ack"))
      .compose(ack -> {
        // one token a second, and the first broadcast took it: a quick burst is refused
        for (int i = 0; i < 5; i++) {
          first.send(broadcast);
        }
        return first.next("error");
      })
      .compose(error -> {
        ctx.verify(() -> {
          assertEquals("rate_limited", error.getString("error"));
          assertEquals(1, error.getInteger("limit_per_second"));
          assertTrue(error.getLong("retry_after_ms") > 0 && error.getLong("retry_after_ms") <= 1000, error.encode());
        });
        return first.send(new JsonObject().put("type", "ping")).next("pong");
      })
      .onComplete(ctx.succeeding(pong -> ctx.verify(() -> {
        assertTrue(!first.socket().isClosed(), "rate limiting must not close the socket");
        ctx.completeNow();
      })));
  }

  /** Starts the service and opens {@link #first} on /ws; completes with its welcome. */
  private Future<JsonObject> startWithOneSocket(Vertx vertx, Map<String, String> settings) {
    return InProcessService.start(settings)
      .compose(s -> {
        service = s;
        return WsTestClient.connect(vertx, service.httpPort(), "/ws");
      })
      .compose(socket -> {
        first = socket;
        return first.next("welcome");
      });
  }
}
