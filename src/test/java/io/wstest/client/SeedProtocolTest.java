package io.wstest.client;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.SeedProtocolServer;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * test-lb against a server that speaks only the seed protocol (an existing deployment of the original service, or
 * the peer servers): its welcome names the instance only in service_identity and numbers nothing. Spread, sticky
 * and soak measure it; idle-timeout, which needs the server_ping connection option, says the server lacks it.
 */
class SeedProtocolTest {

  private static final JsonObject IDENTITY = new JsonObject().put("instance_id", "5eed0001").put("hostname", "seed")
    .put("pod_name", "seed-pod-1").put("service_name", "websocket-test-service")
    .put("display_name", "websocket-test-service-seed-pod-1");

  private static Vertx vertx;
  private static SeedProtocolServer server;

  @TempDir
  static Path reports;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = SeedProtocolServer.start(vertx, IDENTITY).toCompletionStage().toCompletableFuture()
      .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static List<String> target(String... more) {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--http-port",
      Integer.toString(server.httpPort()), "--ws-port", Integer.toString(server.wsPort()), "--timeout", "5s"));
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void spreadReadsTheSeedWelcomeOnBothEndpoints() {
    JsonObject report = TestLbRuns.testLb(reports, "spread", 0, target("-n", "4", "--expect-instances", "1"));
    List<JsonObject> connections = TestLbRuns.objects(report, "connections");
    assertEquals(8, connections.size(), "4 on each endpoint: " + report.encodePrettily());
    for (JsonObject c : connections) {
      assertTrue(c.getBoolean("ok"), c.encode());
      assertEquals("5eed0001", c.getString("instance_id"));
      assertEquals("websocket-test-service-seed-pod-1", c.getString("display_name"));
      assertNull(c.getString("connection_id"), "the seed's welcome has none");
    }
  }

  @Test
  void stickyMeasuresTheSeedServer() {
    JsonObject report = TestLbRuns.testLb(reports, "sticky", 0, List.of("sticky", "--url",
      "ws://127.0.0.1:" + server.httpPort() + "/ws", "-n", "3", "--timeout", "5s"));
    assertTrue(report.getJsonObject("verdict").getString("summary").contains("websocket-test-service-seed-pod-1"),
      report.getJsonObject("verdict").encode());
  }

  @Test
  void soakCountsEveryAnswerWithoutSequenceNumbers() {
    List<String> args = new ArrayList<>(List.of("soak"));
    args.addAll(target("--endpoint", "http", "--sockets", "2", "--rate", "5", "--duration", "2s", "--ramp-up", "0s"));
    JsonObject report = TestLbRuns.testLb(reports, "soak", 0, args);
    JsonObject messages = report.getJsonObject("summary").getJsonObject("messages");
    assertTrue(messages.getLong("sent") > 0, report.encodePrettily());
    assertEquals(messages.getLong("sent"), messages.getLong("acknowledged"), messages.encode());
  }

  @Test
  void idleTimeoutSaysTheSeedServerHasNoConnectionOptions() {
    List<String> args = new ArrayList<>(List.of("idle-timeout"));
    args.addAll(target("--endpoint", "http", "--sockets", "1", "--max-idle", "1s"));
    TestLbRuns.Captured run = TestLbRuns.inProcessCapturing(args.toArray(String[]::new));
    assertFalse(run.exitCode() == 0, run.out());
    assertTrue(run.out().contains("does not know connection options"), run.out());
  }
}
