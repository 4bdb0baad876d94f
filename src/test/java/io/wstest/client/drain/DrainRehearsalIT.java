package io.wstest.client.drain;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.soak.SoakDisconnect;
import io.wstest.client.socket.WsTarget;
import io.wstest.testsupport.Backend;
import io.wstest.testsupport.HaproxyProcess;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code test-lb drain} and {@link DrainRehearsal#run} end to end: three service processes from the fat jar with an
 * admin token behind real HAProxy (round robin, readiness checks). A drain through HAProxy costs nothing (1001 only,
 * nothing lost, reconnects elsewhere) and the replica is accepted back; with one replica behind the balancer it
 * fails; without the token the rehearsal is skipped with the soak hint.
 */
// Not named Test*IT: surefire runs every Test*.java in the test phase, before the fat jar exists.
class DrainRehearsalIT {

  private static final String TOKEN = "drain-it-token-7f3a";
  private static final List<String> PODS = List.of("drain-a", "drain-b", "drain-c");
  private static final int SOCKETS = 9;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final List<ServiceProcess> services = new ArrayList<>();
  private static LoadBalancerProcess haproxy;

  @TempDir
  Path reports;

  @BeforeAll
  static void startServicesBehindHaproxy() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    services.addAll(ServiceProcess.startAll(PODS.stream()
      .map(pod -> ServiceProcess.builder().podName(pod).env("ADMIN_TOKEN", TOKEN).env("SHUTDOWN_GRACE", "300ms")).toList()));
    haproxy = HaproxyProcess.start(Backend.numbered(services), HaproxyProcess.Options.roundRobin().withReadinessChecks());
    HaproxyProcess.awaitServersUp(haproxy, Duration.ofSeconds(15));
  }

  @AfterAll
  static void stopAll() {
    if (haproxy != null) {
      haproxy.close();
    }
    services.forEach(ServiceProcess::close);
  }

  private static List<String> drain(String... more) {
    List<String> args = new ArrayList<>(List.of("drain"));
    args.addAll(TestLbRuns.through(haproxy, more));
    return args;
  }

  @Test
  void withoutATokenClosedTogglesSkipTheRehearsalWithTheSoakHint() {
    Assumptions.assumeTrue(System.getenv("ADMIN_TOKEN") == null, "test-lb would take ADMIN_TOKEN from this JVM");
    JsonObject report = TestLbRuns.testLb(reports, "drain-no-token", 2, drain("--budget", "10s"));
    JsonObject drain = report.getJsonObject("drain");
    assertFalse(drain.getBoolean("attempted"), drain.encode());
    String reason = drain.getString("skipped_reason");
    assertTrue(reason.contains("HTTP 401") && reason.contains("test-lb soak"), reason);
    assertTrue(report.getJsonObject("verdict").getString("summary").contains("test-lb soak"));
    assertEquals("none", report.getJsonObject("settings").getString("admin_token"));
  }

  @Test
  void aDrainThroughHaproxyClosesWith1001LosesNothingReconnectsElsewhereAndIsAcceptedBack() throws Exception {
    JsonObject report = TestLbRuns.testLb(reports, "drain", 0, drain("--admin-token", TOKEN, "--budget", "15s",
      "--sockets", Integer.toString(SOCKETS)));
    assertFalse(report.encode().contains(TOKEN), "the token stays out of the report");
    JsonObject drain = report.getJsonObject("drain");
    assertCleanDrain(drain.getString("drained_instance"), drain.getInteger("sockets_on_drained"),
      drain.getJsonObject("closes").getInteger("1001"), drain.getJsonObject("closes").getInteger("1006"),
      drain.getJsonObject("closes").getInteger("other"), drain.getJsonObject("messages").getLong("lost"),
      drain.getBoolean("reconnects_avoided_draining_replica"), drain.getBoolean("accepted"));
    String drainedPod = PODS.get(serviceIndexOf(drain.getString("drained_instance")));
    for (JsonObject d : TestLbRuns.objects(drain, "disconnects")) {
      assertEquals(drainedPod, d.getString("pod_name"), "only the drained replica's sockets: " + d.encode());
      assertEquals(1001, d.getInteger("close_code"), d.encode());
      assertNotNull(d.getString("reconnect_pod_name"), "reconnected: " + d.encode());
      assertNotEquals(drainedPod, d.getString("reconnect_pod_name"), "reconnected elsewhere: " + d.encode());
    }
    assertNotNull(drain.getDouble("reconnect_p50_ms"));
    assertTrue(drain.getDouble("reconnect_p99_ms") >= drain.getDouble("reconnect_p50_ms"));
    assertDirectSocketOpens(drain.getString("drained_instance"));
  }

  /** The API the audit uses: same rehearsal, no console; its --direct replica is tried first for the accept. */
  @Test
  void theApiRehearsesTheSameDrain() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ConnectSettings connect = new ConnectSettings(List.of(new WsTarget("http", false, "127.0.0.1",
        haproxy.httpPort(), "/ws")), new WsTarget("http", false, "127.0.0.1", haproxy.httpPort(), "/ws"), List.of(),
        Duration.ofSeconds(5), false);
      WsTarget direct = new WsTarget("url", false, "127.0.0.1", services.get(0).httpPort(), "/ws");
      DrainRehearsalResult r = DrainRehearsal.run(vertx, connect,
          new DrainRehearsalSettings(TOKEN, Duration.ofSeconds(12)).withDirect(direct))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertTrue(r.attempted(), r.skippedReason());
      assertNull(r.skippedReason());
      assertEquals(0, r.verdict().exitCode(), r.verdict().toJson().encode());
      assertCleanDrain(r.drainedInstance(), r.socketsOnDrained(), r.closes1001(), r.closes1006(), r.otherCloses(),
        r.lost(), r.reconnectsAvoidedDrainingReplica(), r.accepted());
      assertTrue(r.sent() > 0);
      assertEquals(r.reconnects(), r.disconnects().stream().filter(d -> d.reconnectMs() != null).count());
      assertTrue(r.disconnects().stream().noneMatch(SoakDisconnect::abnormal));
      boolean directIsDrained = serviceIndexOf(r.drainedInstance()) == 0;
      assertTrue(directIsDrained ? r.acceptTries() == 1 : r.acceptTries() > 1,
        "the direct replica takes the accept only when it is the drained one: " + r.acceptTries());
      assertDirectSocketOpens(r.drainedInstance());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A drain that fails, end to end: one replica behind the balancer (a rollout with no second replica, no surge).
   * Its sockets close with 1001 but have nowhere else to go: their reconnects are refused (503) and none gets a new
   * socket before the soak ends. Exit 1, naming the problem.
   */
  @Test
  void aDrainWithNoOtherReplicaToGoToFails() {
    LoadBalancerProcess single = HaproxyProcess.start(Backend.numbered(services.subList(2, 3)),
      HaproxyProcess.Options.roundRobin().withReadinessChecks());
    try {
      HaproxyProcess.awaitServersUp(single, Duration.ofSeconds(15));
      List<String> args = new ArrayList<>(List.of("drain"));
      args.addAll(TestLbRuns.through(single, "--admin-token", TOKEN, "--budget", "15s", "--sockets", "3"));
      JsonObject report = TestLbRuns.testLb(reports, "drain-single", 1, args);
      JsonObject drain = report.getJsonObject("drain");
      assertTrue(drain.getBoolean("attempted"), drain.encode());
      assertEquals(3, drain.getInteger("sockets_on_drained"), drain.encode());
      assertEquals(3, drain.getJsonObject("closes").getInteger("1001"), drain.encode());
      assertFalse(drain.getBoolean("reconnects_avoided_draining_replica"), drain.encode());
      assertTrue(drain.getBoolean("accepted"), drain.encode());
      assertEquals(0, drain.getInteger("reconnects"), drain.encode());
      assertTrue(drain.getJsonObject("failed_attempts").getInteger("handshake_status 503", 0) > 0, drain.encode());
      String problems = report.getJsonObject("verdict").encode();
      assertTrue(problems.contains("3 of 3 closed sockets never got a new one before the soak ended"), problems);
    } finally {
      single.close();
      // the other tests' balancer marked the replica down while it drained: up again before they run
      HaproxyProcess.awaitServersUp(haproxy, Duration.ofSeconds(15));
    }
  }

  private static void assertCleanDrain(String drainedInstance, int socketsOnDrained, int closes1001, int closes1006,
                                       int otherCloses, long lost, boolean avoided, boolean accepted) {
    assertNotNull(drainedInstance);
    assertTrue(socketsOnDrained > 0, "round robin put sockets on every replica");
    assertEquals(socketsOnDrained, closes1001, "each of its sockets closed with 1001");
    assertEquals(0, closes1006);
    assertEquals(0, otherCloses);
    assertEquals(0, lost);
    assertTrue(avoided, "reconnects avoided the draining replica");
    assertTrue(accepted, "accepted back");
  }

  /** Accepted back: a socket straight to the drained replica opens (it refused upgrades while drained). */
  private static void assertDirectSocketOpens(String instanceId) throws Exception {
    ServiceProcess drained = services.get(serviceIndexOf(instanceId));
    WebSocket ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
      .buildAsync(URI.create("ws://127.0.0.1:" + drained.httpPort() + "/ws"), new WebSocket.Listener() { })
      .get(10, TimeUnit.SECONDS);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
  }

  private static int serviceIndexOf(String instanceId) throws Exception {
    for (int i = 0; i < services.size(); i++) {
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + services.get(i).httpPort() + "/health")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
      JsonObject identity = new JsonObject(health.body()).getJsonObject("service_identity");
      if (instanceId.equals(identity.getString("instance_id"))) {
        return i;
      }
    }
    throw new AssertionError("no replica has instance id " + instanceId);
  }
}
