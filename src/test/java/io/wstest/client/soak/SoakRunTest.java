package io.wstest.client.soak;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.wstest.protocol.CloseCodes;
import io.wstest.protocol.ConnectionHandler;
import io.wstest.protocol.ConnectionRegistry;
import io.wstest.runtime.ServiceLifecycle;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak client against a service in this JVM (no load balancer): make before break on a drain, the draining
 * evidence of a reconnect, and a peer that stops answering.
 */
class SoakRunTest {

  private static final int SOCKETS = 6;

  @TempDir
  Path reports;

  private InProcessService service;
  private Vertx peerVertx;

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      service.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (peerVertx != null) {
      peerVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDrainedSocketReconnectsAtOnceLosesNothingAndKnowsItLandedOnADrainingReplica() throws Exception {
    service = InProcessService.start(Map.of("SHUTDOWN_GRACE", "500ms")).toCompletionStage().toCompletableFuture()
      .get(20, TimeUnit.SECONDS);
    Vertx server = service.vertx();
    // Once every socket is open: the replica starts draining (as on SIGTERM) and then closes all its sockets. Only
    // one replica here, so every reconnect lands on it again: on a draining one.
    server.setPeriodic(50, id -> {
      if (ConnectionRegistry.of(server).active() >= SOCKETS) {
        server.cancelTimer(id);
        ServiceLifecycle.of(server).markDraining();
        ConnectionHandler.closeAll(server, "test drain", CloseCodes.GOING_AWAY, Duration.ofMillis(200), false);
      }
    });
    JsonObject report = TestLbRuns.testLb(reports, "soak-drain", 0, "soak", "--host", "127.0.0.1",
      "--http-port", Integer.toString(service.httpPort()), "--sockets", Integer.toString(SOCKETS), "--rate", "20",
      "--duration", "3s");

    JsonObject summary = report.getJsonObject("summary");
    List<JsonObject> disconnects = TestLbRuns.objects(report, "disconnects");
    assertEquals(SOCKETS, disconnects.size(), disconnects.toString());
    for (JsonObject d : disconnects) {
      long shutdownAt = d.getLong("shutdown_at_ms");
      assertEquals("1001", d.getString("close"), d.encode());
      assertEquals(0, d.getInteger("lost"), d.encode());
      // make before break: the replacement was welcomed before the old socket's close, which waited for the grace
      assertTrue(d.getLong("reconnected_at_ms") < d.getLong("closed_at_ms"), d.encode());
      assertEquals(d.getLong("reconnected_at_ms") - shutdownAt, d.getLong("reconnect_ms"));
      assertEquals(List.of("welcome", "earlier_shutdown"), d.getJsonArray("draining_evidence").getList(), d.encode());
      assertTrue(d.getBoolean("reconnect_draining"));
    }
    assertEquals(SOCKETS, summary.getInteger("reconnects_on_draining"));
    assertEquals(0, summary.getJsonObject("messages").getLong("lost"));
    assertEquals(summary.getJsonObject("messages").getLong("sent"),
      summary.getJsonObject("messages").getLong("acknowledged"));
    assertEquals(0, summary.getInteger("abnormal_closes"));
  }

  @Test
  void aPeerThatStopsAnsweringIsClosedByTheClientAfterTheTimeoutAndCountedAbnormal() throws Exception {
    // a path that black-holes messages (a frozen replica, a broken proxy): welcomes, then never answers
    peerVertx = Vertx.vertx();
    HttpServer silent = peerVertx.createHttpServer().webSocketHandler(ws -> {
      ws.exceptionHandler(e -> { });
      ws.writeTextMessage(new JsonObject().put("type", "welcome").put("instance_id", "5113n7").put("seq", 1)
        .put("draining", false).put("service_identity", new JsonObject().put("display_name", "silent-peer")).encode());
    });
    int port = silent.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
      .actualPort();
    JsonObject report = TestLbRuns.testLb(reports, "soak-silent", 1, "soak", "--url", "ws://127.0.0.1:" + port + "/ws",
      "--sockets", "2", "--rate", "10", "--duration", "3s", "--timeout", "1s", "--max-lost", "1000000");

    List<JsonObject> disconnects = TestLbRuns.objects(report, "disconnects");
    assertTrue(disconnects.size() >= 2, disconnects.toString());
    for (JsonObject d : disconnects) {
      assertEquals("ack-timeout", d.getString("close"), d.encode());
      assertTrue(d.getBoolean("abnormal"));
      assertNull(d.getInteger("close_code"), "the client closed it: " + d.encode());
      assertTrue(d.getInteger("lost") > 0, d.encode());
    }
    assertNotNull(disconnects.get(0).getLong("reconnect_ms"), "and connected again");
    JsonObject summary = report.getJsonObject("summary");
    assertEquals(0, summary.getJsonObject("messages").getLong("acknowledged"));
    assertEquals(summary.getJsonObject("messages").getLong("sent"), summary.getJsonObject("messages").getLong("lost"));
    assertTrue(report.getJsonObject("verdict").getJsonArray("problems").getString(0)
      .contains("abnormal closes (ack-timeout: "), report.getJsonObject("verdict").encode());
  }
}
