package io.wstest.client.idle;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.IdleCuttingProxy;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ways a middlebox ends an idle WebSocket that nginx and HAProxy do not show (they close with a FIN): a TCP
 * reset after the idle time, a connection forgotten and reset on the next packet, one that silently stops
 * forwarding. Real sockets: the service in this JVM behind {@link IdleCuttingProxy}, test-lb run in-process.
 */
class IdleTimeoutOutcomesTest {

  private static final Duration PROXY_IDLE = Duration.ofMillis(800);

  private static Vertx vertx;
  private static InProcessService service;

  @TempDir
  static Path reports;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    // the server pings every 100 ms unless a socket turns that off: test-lb's sockets must, or no proxy would cut
    service = InProcessService.start(vertx, Map.of("PING_INTERVAL", "100ms")).toCompletionStage().toCompletableFuture()
      .get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static IdleCuttingProxy proxy(IdleCuttingProxy.Behaviour behaviour) throws Exception {
    return IdleCuttingProxy.start(vertx, service.httpPort(), PROXY_IDLE, behaviour).toCompletionStage()
      .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static List<JsonObject> sockets(String name, IdleCuttingProxy proxy, String... args) throws Exception {
    try {
      List<String> all = new ArrayList<>(List.of("idle-timeout", "--host", "127.0.0.1", "--http-port",
        Integer.toString(proxy.port()), "--timeout", "1s"));
      all.addAll(List.of(args));
      return TestLbRuns.objects(TestLbRuns.testLb(reports, name, 0, all), "sockets");
    } finally {
      proxy.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aResetAfterTheIdleTimeIsACutWithCloseKindReset() throws Exception {
    List<JsonObject> sockets = sockets("reset", proxy(IdleCuttingProxy.Behaviour.RESET), "--sockets", "2",
      "--max-idle", "3s");
    for (JsonObject socket : sockets) {
      assertEquals("cut", socket.getString("outcome"), socket.encode());
      assertEquals("reset", socket.getString("close_kind"), socket.encode());
      assertEquals(1006, socket.getInteger("close_code"));
      // the client reads the last frame a little after the proxy forwarded it: on a busy machine, up to ~100 ms
      long after = socket.getLong("closed_after_ms");
      assertTrue(after >= 550 && after <= 2000, "cut after " + after + " ms, the proxy's idle time is 800 ms");
      assertEquals(0, socket.getInteger("server_pings"));
    }
  }

  @Test
  void aConnectionForgottenAndResetOnTheNextPacketFailsItsRungOnTheProbe() throws Exception {
    List<JsonObject> sockets = sockets("forget", proxy(IdleCuttingProxy.Behaviour.FORGET_THEN_RESET),
      "--ladder", "200ms,2s");
    assertEquals("survived", sockets.get(0).getString("outcome"), sockets.get(0).encode());
    JsonObject forgotten = sockets.get(1);
    assertEquals("cut_on_probe", forgotten.getString("outcome"), forgotten.encode());
    assertEquals("reset", forgotten.getString("close_kind"));
    assertEquals(2000L, forgotten.getLong("idle_ms"), 200, forgotten.encode());
  }

  @Test
  void aConnectionThatStopsForwardingFailsItsRungWithNoAnswer() throws Exception {
    List<JsonObject> sockets = sockets("blackhole", proxy(IdleCuttingProxy.Behaviour.BLACKHOLE),
      "--ladder", "200ms,2s");
    assertEquals("survived", sockets.get(0).getString("outcome"), sockets.get(0).encode());
    assertEquals("no_answer", sockets.get(1).getString("outcome"), sockets.get(1).encode());
  }
}
