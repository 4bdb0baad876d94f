package io.wstest.client.idle;

import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.Backend;
import io.wstest.testsupport.HaproxyProcess;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.NginxProcess;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * test-lb idle-timeout end to end: two real service processes from the fat jar, pinging every second (so a socket
 * that still got server pings would never be cut by these load balancers: the cuts below prove the per-connection
 * server_ping option turned them off), behind real nginx ({@code proxy_read_timeout 3s}) and HAProxy
 * ({@code timeout tunnel 4s}). The runs are independent sockets, so they run at the same time: the class takes about
 * as long as its longest run.
 */
class IdleTimeoutIT {

  private static final List<String> PODS = List.of("idle-pod-a", "idle-pod-b");
  /** Both load balancers' cuts are asserted with this tolerance around their configured timeouts. */
  private static final long TOLERANCE_BELOW_MS = 500;
  private static final long TOLERANCE_ABOVE_MS = 1500;

  private static final List<ServiceProcess> services = new ArrayList<>();
  private static final ExecutorService runs = Executors.newFixedThreadPool(4);
  private static LoadBalancerProcess nginx;
  private static LoadBalancerProcess haproxy;
  private static CompletableFuture<JsonObject> nginxUntilCut;
  private static CompletableFuture<JsonObject> nginxKeepalives;
  private static CompletableFuture<JsonObject> nginxLadder;
  private static CompletableFuture<JsonObject> haproxyUntilCut;

  @TempDir
  static Path reports;

  @BeforeAll
  static void startEverythingAndTheRuns() {
    services.addAll(ServiceProcess.startAll(PODS.stream()
      .map(pod -> ServiceProcess.builder().podName(pod).env("PING_INTERVAL", "1s")).toList()));
    List<Backend> backends = Backend.numbered(services);
    if (NginxProcess.available()) {
      nginx = NginxProcess.start(backends, NginxProcess.ROUND_ROBIN, "3s");
      nginxUntilCut = run("nginx-until-cut", 0, idleTimeout(nginx, "--max-idle", "8s",
        "--min-idle", "2s"));
      nginxKeepalives = run("nginx-keepalives", 0, idleTimeout(nginx, "--keepalive",
        "none,ping,data", "--keepalive-interval", "1s", "--max-idle", "6s", "--expect-keepalive-survives"));
      nginxLadder = run("nginx-ladder", 0, idleTimeout(nginx, "--ladder", "1s,5s"));
    }
    if (HaproxyProcess.available()) {
      haproxy = HaproxyProcess.start(backends, HaproxyProcess.Options.roundRobin().withTunnelTimeout("4s"));
      haproxyUntilCut = run("haproxy-until-cut", 1, idleTimeout(haproxy, "--endpoint", "raw",
        "--max-idle", "8s", "--min-idle", "5s"));
    }
  }

  /** {@code idle-timeout --host ... (the load balancer) more...}. */
  private static List<String> idleTimeout(LoadBalancerProcess lb, String... more) {
    List<String> args = new ArrayList<>(List.of("idle-timeout"));
    args.addAll(TestLbRuns.through(lb, more));
    return args;
  }

  private static CompletableFuture<JsonObject> run(String name, int expectedExit, List<String> args) {
    return CompletableFuture.supplyAsync(() -> TestLbRuns.testLb(reports, name, expectedExit, args), runs);
  }

  @AfterAll
  static void stopEverything() throws InterruptedException {
    runs.shutdownNow();
    runs.awaitTermination(30, TimeUnit.SECONDS);
    for (LoadBalancerProcess lb : new LoadBalancerProcess[] {nginx, haproxy}) {
      if (lb != null) {
        lb.close();
      }
    }
    services.forEach(ServiceProcess::close);
  }

  @Test
  void nginxCutsSilentSocketsAfterItsReadTimeoutWithoutACloseFrame() {
    Assumptions.assumeTrue(nginx != null, NginxProcess.INSTALL_HINT);
    JsonObject report = report(nginxUntilCut);
    assertEquals("until_cut", report.getJsonObject("settings").getString("mode"));
    List<JsonObject> sockets = TestLbRuns.objects(report, "sockets");
    assertEquals(3, sockets.size());
    for (JsonObject socket : sockets) {
      assertCutAfter(3000, socket);
      // nginx closes both TCP connections on proxy_read_timeout; it sends the client no close frame
      assertEquals(1006, socket.getInteger("close_code"), socket.encode());
      assertEquals("no_close_frame", socket.getString("close_kind"), socket.encode());
    }
    JsonObject none = mode(report, 0);
    assertEquals(3, none.getInteger("cut"));
    long median = Math.round(none.getJsonObject("cut_ms").getDouble("median"));
    assertTrue(median >= 3000 - TOLERANCE_BELOW_MS && median <= 3000 + TOLERANCE_ABOVE_MS, none.encode());
    assertEquals(3, none.getJsonObject("close_codes").getInteger("1006"));
  }

  @Test
  void pingAndDataKeepalivesSurviveNginxsReadTimeoutWhileSilentSocketsAreCut() {
    Assumptions.assumeTrue(nginx != null, NginxProcess.INSTALL_HINT);
    JsonObject report = report(nginxKeepalives);
    for (JsonObject socket : TestLbRuns.objects(report, "sockets")) {
      if (socket.getString("keepalive").equals("none")) {
        assertCutAfter(3000, socket);
      } else {
        assertEquals("survived", socket.getString("outcome"), socket.encode());
        assertTrue(socket.getLong("idle_ms") >= 6000, socket.encode());
        // one keepalive a second over 6 s, each answered (a pong frame, or a pong message)
        assertTrue(socket.getInteger("keepalives_sent") >= 5, socket.encode());
        assertEquals(socket.getInteger("keepalives_sent"), socket.getInteger("keepalives_answered"), socket.encode());
        assertEquals(0, socket.getInteger("server_pings"), socket.encode());
      }
    }
    assertEquals(List.of("none", "ping", "data"), TestLbRuns.objects(report.getJsonObject("summary"), "modes")
      .stream().map(m -> m.getString("keepalive")).toList());
    assertEquals(3, mode(report, 1).getInteger("survived"));
    assertEquals(3, mode(report, 2).getInteger("survived"));
    assertTrue(report.getJsonObject("settings").getBoolean("expect_keepalive_survives"));
  }

  @Test
  void aLadderThroughNginxPutsTheTimeoutBetweenOneAndFiveSeconds() {
    Assumptions.assumeTrue(nginx != null, NginxProcess.INSTALL_HINT);
    JsonObject report = report(nginxLadder);
    List<JsonObject> sockets = TestLbRuns.objects(report, "sockets");
    assertEquals(List.of(1000L, 5000L), sockets.stream().map(s -> s.getLong("rung_ms")).toList());
    assertEquals("survived", sockets.get(0).getString("outcome"), sockets.get(0).encode());
    assertTrue(sockets.get(0).getDouble("probe_ms") >= 0);
    // the 5 s rung did not wait for its probe: nginx closed it after its 3 s
    assertCutAfter(3000, sockets.get(1));
    JsonObject ladder = mode(report, 0).getJsonObject("ladder");
    assertEquals(new JsonObject().put("last_surviving_ms", 1000L).put("first_failing_ms", 5000L)
      .put("consistent", true), ladder);
    assertTrue(mode(report, 0).getString("finding").contains("the idle timeout lies between 1s and 5s"),
      mode(report, 0).encode());
  }

  @Test
  void haproxyCutsAfterItsTunnelTimeoutAndMinIdleAboveItFails() {
    Assumptions.assumeTrue(haproxy != null, HaproxyProcess.INSTALL_HINT);
    JsonObject report = report(haproxyUntilCut);
    for (JsonObject socket : TestLbRuns.objects(report, "sockets")) {
      assertTrue(socket.getString("url").endsWith(haproxy.wsPort() + "/"), socket.encode());
      assertCutAfter(4000, socket);
      assertEquals(1006, socket.getInteger("close_code"), socket.encode());
      assertEquals("no_close_frame", socket.getString("close_kind"), socket.encode());
    }
    JsonObject verdict = report.getJsonObject("verdict");
    assertTrue(verdict.getJsonArray("problems").getString(0)
      .startsWith("[none] 3 of 3 silent sockets were cut sooner than --min-idle 5s"), verdict.encode());
  }

  /** A silent socket closed by the load balancer about {@code expectedMs} after its last frame. */
  private static void assertCutAfter(long expectedMs, JsonObject socket) {
    assertEquals("cut", socket.getString("outcome"), socket.encode());
    long after = socket.getLong("closed_after_ms");
    assertTrue(after >= expectedMs - TOLERANCE_BELOW_MS && after <= expectedMs + TOLERANCE_ABOVE_MS,
      "cut after " + after + " ms, expected about " + expectedMs + ": " + socket.encode());
    assertEquals(0, socket.getInteger("server_pings"), "the server pinged although asked not to: " + socket.encode());
    assertTrue(PODS.contains(socket.getString("pod_name")), socket.encode());
  }

  private static JsonObject mode(JsonObject report, int index) {
    return report.getJsonObject("summary").getJsonArray("modes").getJsonObject(index);
  }

  private static JsonObject report(CompletableFuture<JsonObject> run) {
    try {
      return run.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
