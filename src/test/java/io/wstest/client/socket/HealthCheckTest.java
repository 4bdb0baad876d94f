package io.wstest.client.socket;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** test-lb's health check against real sockets: this service's two ports, and an HTTP server that never answers. */
@ExtendWith(VertxExtension.class)
class HealthCheckTest {

  /** Kept in a field: a client held only in a local variable can be cleaned up mid-request. */
  private HealthCheck healthCheck;

  private Future<HealthCheck.Result> check(Vertx vertx, int port, Duration timeout) {
    healthCheck = new HealthCheck(vertx, List.of(), timeout, false);
    return healthCheck.check(new WsTarget("raw", false, "127.0.0.1", port, "/"));
  }

  @Test
  void theRawWebSocketPortIsNotAFailedHealthCheck(Vertx vertx, VertxTestContext test) {
    InProcessService.start(vertx, Map.of())
      .compose(service -> Future.all(check(vertx, service.wsPort(), Duration.ofSeconds(5)),
        check(vertx, service.httpPort(), Duration.ofSeconds(5))))
      .onComplete(test.succeeding(both -> test.verify(() -> {
        HealthCheck.Result raw = both.resultAt(0);
        assertEquals(426, raw.status());
        assertNull(raw.failure(), "426 is the raw server answering, not a failure");
        assertTrue(raw.ok());
        assertEquals("health endpoint not on this port (raw WebSocket server)", raw.skipped());
        assertEquals("health endpoint not on this port (raw WebSocket server)", raw.toJson().getString("skipped"));
        assertNull(raw.displayName());
        assertFalse(raw.toJson().containsKey("failure"));
        HealthCheck.Result http = both.resultAt(1);
        assertTrue(http.ok(), http.toJson().encode());
        assertNull(http.skipped());
        test.completeNow();
      })));
  }

  @Test
  void aTimeoutIsWordedForAPlainHttpRequest(Vertx vertx, VertxTestContext test) {
    vertx.createHttpServer().requestHandler(request -> { }) // never answers
      .listen(0, "127.0.0.1")
      .compose((HttpServer server) -> check(vertx, server.actualPort(), Duration.ofMillis(300))
        .map(result -> Map.entry(server.actualPort(), result)))
      .onComplete(test.succeeding(answer -> test.verify(() -> {
        Failure failure = answer.getValue().failure();
        assertEquals(FailureKind.TIMEOUT, failure.kind());
        assertEquals("no HTTP answer to GET /health from 127.0.0.1:" + answer.getKey() + " within the timeout",
          failure.detail());
        assertFalse(failure.detail().contains("WebSocket"), failure.detail());
        test.completeNow();
      })));
  }
}
