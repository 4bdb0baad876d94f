package io.wstest.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.wstest.net.LoopbackPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When bench counts a --peer as ready, asked of real HTTP servers on loopback: {@code /health/ready} first, since a
 * server may answer {@code /health} while it is still warming up; {@code /health} only where the readiness path is
 * 404 (the Go and Node peers answer every path).
 */
class PeerReadinessTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** An HTTP server on a free loopback port answering each path with its status, every other path with 404. */
  private int serving(Map<String, Integer> statusByPath) {
    HttpServer server = vertx.createHttpServer().requestHandler(request ->
      request.response().setStatusCode(statusByPath.getOrDefault(request.path(), 404)).end("{}"));
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  @Test
  void aServerThatAnswersHealthButIsNotReadyYetIsWaitedFor() {
    int port = serving(Map.of("/health", 200, "/health/ready", 503));
    Optional<String> waiting = ServerUnderTest.notReadyBecause(port);
    assertEquals(Optional.of("HTTP 503 from http://127.0.0.1:" + port + "/health/ready"), waiting);
  }

  @Test
  void aServerWhoseReadinessPathAnswers200IsReady() {
    assertEquals(Optional.empty(), ServerUnderTest.notReadyBecause(serving(Map.of("/health/ready", 200))));
  }

  @Test
  void withoutAReadinessPathHealthDecides() {
    assertEquals(Optional.empty(), ServerUnderTest.notReadyBecause(serving(Map.of("/health", 200))));
    int failing = serving(Map.of("/health", 500));
    Optional<String> waiting = ServerUnderTest.notReadyBecause(failing);
    assertEquals(Optional.of("HTTP 500 from http://127.0.0.1:" + failing + "/health (http://127.0.0.1:" + failing
      + "/health/ready: HTTP 404)"), waiting);
  }

  @Test
  void nothingListeningIsNotReady() {
    int port = LoopbackPorts.free();
    Optional<String> waiting = ServerUnderTest.notReadyBecause(port);
    assertTrue(waiting.orElseThrow().startsWith("connection refused or no HTTP answer from "), waiting.toString());
  }
}
