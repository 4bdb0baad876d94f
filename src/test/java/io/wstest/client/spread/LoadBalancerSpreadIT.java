package io.wstest.client.spread;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.wstest.Main;
import io.wstest.testsupport.Backend;
import io.wstest.testsupport.FreePorts;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * test-lb end to end: three real service processes from the fat jar behind real nginx and HAProxy (configs from
 * the docker/ templates), test-lb run in-process through {@link Main#run}, every assertion read from its JSON
 * report.
 */
// Not named Test*IT: surefire runs every Test*.java in the test phase, before the fat jar exists.
class LoadBalancerSpreadIT {

  private static final List<String> PODS = List.of("lb-pod-a", "lb-pod-b", "lb-pod-c");
  private static final int N = 30;

  private static final List<ServiceProcess> services = new ArrayList<>();
  private static final List<Backend> backends = new ArrayList<>();

  @TempDir
  static Path reports;

  @BeforeAll
  static void startServices() {
    services.addAll(ServiceProcess.startAll(PODS.stream().map(pod -> ServiceProcess.builder().podName(pod)).toList()));
    // HAProxy's sticky cookie values are the server names: b1, b2, b3
    backends.addAll(Backend.numbered(services));
  }

  @AfterAll
  static void stopServices() {
    services.forEach(ServiceProcess::close);
  }

  @Test
  void nginxRoundRobinIsEvenAndTheForwardedChainReachesTheService() {
    Assumptions.assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    try (LoadBalancerProcess nginx = NginxProcess.start(backends, NginxProcess.ROUND_ROBIN, "60s")) {
      JsonObject report = testLb("nginx-round-robin", 0, through(nginx, "-n", Integer.toString(N),
        "--header", "X-Forwarded-For: 203.0.113.7"));
      assertEvenOverAllPods(report, N);
      assertEquals("sequential", report.getJsonObject("settings").getString("mode"));
      for (JsonObject endpoint : endpoints(report)) {
        assertEquals(1, endpoint.getInteger("peak_open_sockets"), "one socket at a time");
      }
      for (JsonObject connection : connections(report)) {
        // the client's own hop, then nginx's $proxy_add_x_forwarded_for appended the address it saw
        assertEquals(new JsonArray().add("203.0.113.7").add("127.0.0.1"), connection.getJsonArray("forwarded_for"),
          connection.encode());
        assertEquals("203.0.113.7", connection.getString("client_ip"));
        assertEquals("127.0.0.1", connection.getString("remote_address"));
      }
      assertTrue(report.getJsonObject("health").getBoolean("ok"));
    }
  }

  @Test
  void nginxLeastConnWithHeldSocketsIsEven() {
    Assumptions.assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    try (LoadBalancerProcess nginx = NginxProcess.start(backends, NginxProcess.LEAST_CONN, "60s")) {
      JsonObject report = testLb("nginx-least-conn-hold", 0, through(nginx, "-n", Integer.toString(N), "--hold",
        "--max-skew", "1.25"));
      assertEquals("hold", report.getJsonObject("settings").getString("mode"));
      for (JsonObject endpoint : endpoints(report)) {
        assertEquals(N, endpoint.getInteger("peak_open_sockets"), "all sockets were open at once");
      }
      assertEvenOverAllPods(report, N);
    }
  }

  @Test
  void haproxyRoundRobinIsEvenAndAddsForwardedFor() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    try (LoadBalancerProcess haproxy = HaproxyProcess.start(backends, HaproxyProcess.Options.roundRobin())) {
      JsonObject report = testLb("haproxy-round-robin", 0, through(haproxy, "-n", Integer.toString(N),
        "--concurrency", "3"));
      assertEvenOverAllPods(report, N);
      for (JsonObject connection : connections(report)) {
        assertEquals(new JsonArray().add("127.0.0.1"), connection.getJsonArray("forwarded_for"), connection.encode());
      }
    }
  }

  @Test
  void haproxyLeastConnWithHeldSocketsIsEven() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    try (LoadBalancerProcess haproxy = HaproxyProcess.start(backends,
      HaproxyProcess.Options.roundRobin().withBalance("leastconn"))) {
      assertEvenOverAllPods(testLb("haproxy-leastconn-hold", 0, through(haproxy, "-n", Integer.toString(N),
        "--hold")), N);
    }
  }

  @Test
  void haproxyStickyCookieReplayedWithHeaderPinsEveryConnectionToOneInstance() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    try (LoadBalancerProcess haproxy = HaproxyProcess.start(backends,
      HaproxyProcess.Options.roundRobin().withStickyCookie())) {
      JsonObject pinned = testLb("haproxy-sticky", 0, through(haproxy, "-n", "12", "--header", "Cookie: SRV=b1",
        "--expect-instances", "1"));
      for (JsonObject endpoint : endpoints(pinned)) {
        JsonArray instances = endpoint.getJsonObject("stats").getJsonArray("instances");
        assertEquals(1, instances.size(), endpoint.encodePrettily());
        assertEquals(PODS.get(0), instances.getJsonObject(0).getString("pod_name"));
        assertEquals(1.0, instances.getJsonObject(0).getDouble("share"));
        assertEquals(12, instances.getJsonObject(0).getInteger("count"));
      }
      // The same cookie without --expect-instances 1 is the seed's failure: everything on one instance.
      JsonObject verdict = testLb("haproxy-sticky-default", 1, through(haproxy, "-n", "4",
        "--header", "Cookie: SRV=b2")).getJsonObject("verdict");
      assertTrue(verdict.getString("summary").contains("same instance"), verdict.encode());
      // Without the cookie, cookie insertion alone does not pin a client that does not replay it.
      assertEvenOverAllPods(testLb("haproxy-cookie-not-replayed", 0, through(haproxy, "-n", "9")), 9);
    }
  }

  @Test
  void weightsAreCheckedAgainstTheObservedSpread() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    try (LoadBalancerProcess haproxy = HaproxyProcess.start(backends, HaproxyProcess.Options.roundRobin())) {
      String even = PODS.stream().map(p -> p + "=1").collect(Collectors.joining(","));
      JsonObject matches = testLb("weights-even", 0, through(haproxy, "-n", "30", "--endpoint", "http",
        "--weights", even));
      JsonObject chi = endpoints(matches).get(0).getJsonObject("stats").getJsonObject("chi_square");
      assertEquals("weights", chi.getString("against"));
      assertEquals(1.0, chi.getDouble("p_value"), 1e-9);
      // round robin is not a 4:1:1 canary split: chi-square 15, df 2, p = exp(-7.5)
      JsonObject canary = testLb("weights-canary", 1, through(haproxy, "-n", "30", "--endpoint", "http",
        "--weights", PODS.get(0) + "=4," + PODS.get(1) + "=1," + PODS.get(2) + "=1"));
      chi = endpoints(canary).get(0).getJsonObject("stats").getJsonObject("chi_square");
      assertEquals(15.0, chi.getDouble("statistic"), 1e-9);
      assertEquals(Math.exp(-7.5), chi.getDouble("p_value"), 1e-9);
    }
  }

  @Test
  void aSkewAboveMaxSkewExitsOne() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    // a deliberately uneven balancer: weights 4:1:1, so weighted round robin gives exactly 20/5/5 of 30 (five full
    // cycles of 6; the health check's turn only shifts where the window starts)
    List<Backend> uneven = List.of(backends.get(0).withWeight(4), backends.get(1), backends.get(2));
    try (LoadBalancerProcess haproxy = HaproxyProcess.start(uneven, HaproxyProcess.Options.roundRobin())) {
      JsonObject report = testLb("max-skew", 1, through(haproxy, "-n", "30", "--max-skew", "2"));
      JsonObject verdict = report.getJsonObject("verdict");
      assertFalse(verdict.getBoolean("passed"));
      List<String> problems = verdict.getJsonArray("problems").stream().map(String.class::cast).toList();
      assertEquals(List.of("[http] max/min ratio 4.00 is above --max-skew 2.0",
        "[raw] max/min ratio 4.00 is above --max-skew 2.0"), problems, verdict.encode());
      for (JsonObject endpoint : endpoints(report)) {
        JsonObject stats = endpoint.getJsonObject("stats");
        assertEquals(30, stats.getInteger("succeeded"), stats.encode());
        assertEquals(3, stats.getInteger("distinct_instances"), "every instance answered: only the skew fails");
        assertEquals(4.0, stats.getDouble("max_min_ratio"), 1e-9, stats.encode());
      }
    }
  }

  @Test
  void expectingMoreInstancesThanAnsweredExitsOne() {
    Assumptions.assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    try (LoadBalancerProcess nginx = NginxProcess.start(backends, NginxProcess.ROUND_ROBIN, "60s")) {
      JsonObject report = testLb("nginx-expect-4", 1, through(nginx, "-n", "6", "--expect-instances", "4",
        "--endpoint", "http"));
      JsonObject verdict = report.getJsonObject("verdict");
      assertFalse(verdict.getBoolean("passed"));
      assertTrue(verdict.getJsonArray("problems").getString(0).contains("only 3 instances answered, expected at least 4"),
        verdict.encode());
    }
  }

  @Test
  void serverWithoutTheProtocolAndRejectedUpgradeAreReportedByKind() {
    ServiceProcess service = services.get(0);
    JsonObject echo = testLb("no-welcome", 1, "--url", "ws://127.0.0.1:" + service.httpPort() + "/echo",
      "-n", "2", "--timeout", "1s");
    for (JsonObject connection : connections(echo)) {
      JsonObject failure = connection.getJsonObject("failure");
      assertEquals("timeout", failure.getString("kind"));
      assertEquals("welcome", failure.getString("stage"));
      assertTrue(failure.getString("detail").contains("no welcome message"), failure.encode());
    }
    JsonObject rejected = testLb("rejected", 1, "--url", "ws://127.0.0.1:" + service.httpPort() + "/no-such-path",
      "-n", "2");
    JsonObject stats = endpoints(rejected).get(0).getJsonObject("stats");
    assertEquals(2, stats.getJsonObject("http_statuses").getInteger("404"));
    String detail = connections(rejected).get(0).getJsonObject("failure").getString("detail");
    assertTrue(detail.contains("HTTP 404") && detail.contains("no such path"), detail);
  }

  @Test
  void theRawServerUrlReportsNoHealthEndpointInsteadOfAFailedCheck() throws Exception {
    String url = "ws://127.0.0.1:" + services.get(2).wsPort() + "/";
    JsonObject health = testLb("raw-url", 0, "--url", url, "-n", "3", "--expect-instances", "1")
      .getJsonObject("health");
    assertEquals(426, health.getInteger("status"), health.encode());
    assertTrue(health.getBoolean("ok"), health.encode());
    assertEquals("health endpoint not on this port (raw WebSocket server)", health.getString("skipped"));
    assertFalse(health.containsKey("failure"), health.encode());
    TestLbRuns.Output console = TestLbRuns.runJar("test-lb", "--url", url, "-n", "1", "--expect-instances", "1");
    assertEquals(0, console.exitCode(), console.text());
    assertTrue(console.text().contains("[hint] No health check: health endpoint not on this port (raw WebSocket server)"),
      console.text());
    assertFalse(console.text().contains("Health check failed"), console.text());
  }

  @Test
  void wssWithASelfSignedCertificateNeedsInsecure() throws Exception {
    // A real TLS terminator in front of one service: Vert.x TLS server with a self-signed certificate, piping bytes.
    Vertx vertx = Vertx.vertx();
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    try {
      NetClient backend = vertx.createNetClient();
      NetServer tls = vertx.createNetServer(new NetServerOptions().setSsl(true)
        .setKeyCertOptions(certificate.keyCertOptions()).setHost("127.0.0.1").setPort(0));
      tls.connectHandler(client -> {
        client.pause();
        backend.connect(services.get(1).httpPort(), "127.0.0.1").onComplete(ar -> {
          if (ar.failed()) {
            client.close();
            return;
          }
          client.pipeTo(ar.result());
          ar.result().pipeTo(client);
          client.resume();
        });
      });
      int port = tls.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
      String url = "wss://127.0.0.1:" + port + "/ws";
      JsonObject refused = testLb("wss-verified", 1, "--url", url, "-n", "2", "--expect-instances", "1");
      assertEquals(2, endpoints(refused).get(0).getJsonObject("stats").getJsonObject("failures").getInteger("tls"));
      assertTrue(connections(refused).get(0).getJsonObject("failure").getString("detail").contains("--insecure"));
      JsonObject accepted = testLb("wss-insecure", 0, "--url", url, "-n", "2", "--expect-instances", "1",
        "--insecure");
      assertEquals(PODS.get(1), connections(accepted).get(0).getString("pod_name"));
      assertTrue(accepted.getJsonObject("health").getBoolean("ok"), "health check over https");
    } finally {
      certificate.delete();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theJarExitsTwoOnBadFlagsAndUnreachableTargetsWithoutAStackTrace() throws Exception {
    TestLbRuns.Output badFlag = TestLbRuns.runJar("test-lb", "--connections", "zero");
    assertEquals(2, badFlag.exitCode(), badFlag.text());
    assertTrue(badFlag.text().contains("--connections"), badFlag.text());
    int nobody = FreePorts.next();
    TestLbRuns.Output unreachable = TestLbRuns.runJar("test-lb", "--host", "127.0.0.1", "--http-port", Integer.toString(nobody),
      "--ws-port", Integer.toString(nobody), "--timeout", "2s");
    assertEquals(2, unreachable.exitCode(), unreachable.text());
    assertTrue(unreachable.text().contains("connection refused by 127.0.0.1:" + nobody), unreachable.text());
    for (TestLbRuns.Output output : List.of(badFlag, unreachable)) {
      assertFalse(output.text().contains("Exception") || output.text().contains("\tat "), output.text());
    }
  }

  // ---- helpers

  private static String[] through(LoadBalancerProcess lb, String... more) {
    return TestLbRuns.through(lb, more).toArray(String[]::new);
  }

  /** Runs test-lb in this JVM with JSON and HTML reports and checks its exit code; returns the JSON report. */
  private static JsonObject testLb(String name, int expectedExit, String... args) {
    return TestLbRuns.testLb(reports, name, expectedExit, args);
  }

  /** Every endpoint: all three pods answered, each within ±1 of an even share, nothing failed. */
  private static void assertEvenOverAllPods(JsonObject report, int perEndpoint) {
    List<JsonObject> endpoints = endpoints(report);
    assertEquals(List.of("http", "raw"), endpoints.stream().map(e -> e.getString("name")).toList());
    for (JsonObject endpoint : endpoints) {
      JsonObject stats = endpoint.getJsonObject("stats");
      assertEquals(perEndpoint, stats.getInteger("succeeded"), stats.encodePrettily());
      assertEquals(3, stats.getInteger("distinct_instances"), stats.encodePrettily());
      Set<String> pods = new HashSet<>();
      for (Object o : stats.getJsonArray("instances")) {
        JsonObject instance = (JsonObject) o;
        pods.add(instance.getString("pod_name"));
        double even = perEndpoint / 3.0;
        assertTrue(Math.abs(instance.getInteger("count") - even) <= 1,
          endpoint.getString("name") + " " + instance.getString("pod_name") + " got " + instance.getInteger("count")
            + " of " + perEndpoint);
      }
      assertEquals(Set.copyOf(PODS), pods);
      // within ±1 of even, chi-square stays small: p is 1 for 10/10/10, 0.9 for 11/10/9, 0.72 for 4/3/2
      assertTrue(stats.getJsonObject("chi_square").getDouble("p_value") > 0.5, stats.encodePrettily());
      assertEquals(perEndpoint, stats.getJsonObject("ping_ms").getInteger("count"));
    }
    assertEquals(2 * perEndpoint, connections(report).size());
    assertTrue(report.getJsonObject("verdict").getBoolean("passed"));
  }

  private static List<JsonObject> endpoints(JsonObject report) {
    return TestLbRuns.objects(report, "endpoints");
  }

  private static List<JsonObject> connections(JsonObject report) {
    return TestLbRuns.objects(report, "connections");
  }
}
