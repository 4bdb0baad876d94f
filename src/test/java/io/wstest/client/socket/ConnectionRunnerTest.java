package io.wstest.client.socket;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner's per-attempt request headers and the handshake response headers it keeps, against the real service
 * in this JVM: the service reports the X-Forwarded-For chain it received in every welcome, so each attempt's own
 * header shows up there.
 */
@ExtendWith(VertxExtension.class)
class ConnectionRunnerTest {

  /** Kept in a field, like the client inside it. */
  private ConnectionRunner runner;

  @Test
  void eachAttemptSendsItsOwnHeadersAfterTheRunnersAndKeepsTheResponseHeaders(Vertx vertx, VertxTestContext test) {
    runner = new ConnectionRunner(vertx, List.of(Map.entry("X-Forwarded-For", "198.51.100.1")), Duration.ofSeconds(5),
      false, 2);
    List<Integer> askedFor = new ArrayList<>();
    List<Integer> finishedBefore = new ArrayList<>();
    List<ConnectionResult> seen = new ArrayList<>();
    InProcessService.start(vertx, Map.of())
      .compose(service -> runner.run(new WsTarget("http", false, "127.0.0.1", service.httpPort(), "/ws"), 3, 1, false,
        index -> {
          askedFor.add(index);
          finishedBefore.add(seen.size());
          return List.of(Map.entry("X-Forwarded-For", "203.0.113." + index));
        }, seen::add))
      .compose(run -> runner.close().map(run))
      .onComplete(test.succeeding(run -> test.verify(() -> {
        assertEquals(List.of(1, 2, 3), askedFor);
        assertEquals(List.of(0, 1, 2), finishedBefore, "with concurrency 1, asked after the previous result");
        for (ConnectionResult r : run.results()) {
          assertTrue(r.ok(), r.toJson().encode());
          assertEquals(new JsonArray().add("198.51.100.1").add("203.0.113." + r.index()),
            r.welcome().json().getJsonArray("forwarded_for"), "the runner's header, then the attempt's own");
          assertEquals(List.of("203.0.113." + r.index()), r.handshake().sent("x-forwarded-for"));
          assertEquals(List.of("websocket"), r.handshake().response("UPGRADE"));
          assertEquals(1, r.handshake().response("Sec-WebSocket-Accept").size());
        }
        test.completeNow();
      })));
  }

  @Test
  void withoutAttemptHeadersOnlyTheRunnersAreSent(Vertx vertx, VertxTestContext test) {
    runner = new ConnectionRunner(vertx, List.of(), Duration.ofSeconds(5), false, 1);
    InProcessService.start(vertx, Map.of())
      .compose(service -> runner.run(new WsTarget("raw", false, "127.0.0.1", service.wsPort(), "/"), 2, 1, false,
        r -> { }))
      .compose(run -> runner.close().map(run))
      .onComplete(test.succeeding(run -> test.verify(() -> {
        assertEquals(2, run.results().size());
        for (ConnectionResult r : run.results()) {
          assertTrue(r.ok(), r.toJson().encode());
          assertEquals(List.of(), r.handshake().sentHeaders());
          assertEquals(new JsonArray(), r.welcome().json().getJsonArray("forwarded_for"));
          assertEquals(List.of("websocket"), r.handshake().response("upgrade"));
        }
        test.completeNow();
      })));
  }
}
