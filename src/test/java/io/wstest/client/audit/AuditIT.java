package io.wstest.client.audit;

import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.Backend;
import io.wstest.testsupport.HaproxyProcess;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.NginxProcess;
import io.wstest.testsupport.SelfSignedCert;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code test-lb audit} end to end: three real service processes from the fat jar (compression on) behind real
 * nginx and HAProxy, set up right and set up wrong. Each audit runs in this JVM with a small --budget, all at the
 * same time (they use their own balancers and sockets), and every assertion is read from its JSON report; each run
 * is also timed, since the whole audit must end within its budget.
 */
class AuditIT {

  private static final String BUDGET = "30s";
  private static final long BUDGET_MS = 30_000;
  private static final List<String> PODS = List.of("audit-a", "audit-b", "audit-c");
  private static final String TOKEN = "audit-it-admin-token";
  /** The HAProxy audit rehearses a drain too: its own share (15 s) besides the ladder and the other parts. */
  private static final String DRAIN_BUDGET = "45s";
  private static final long DRAIN_BUDGET_MS = 45_000;

  private static final List<ServiceProcess> services = new ArrayList<>();
  private static final List<LoadBalancerProcess> balancers = new ArrayList<>();
  /** Three audits at a time: more would slow each other's handshakes down on a small machine. */
  private static final ExecutorService runs = Executors.newFixedThreadPool(3);
  private static CompletableFuture<Timed> goodNginx;
  private static CompletableFuture<Timed> shortTimeoutNginx;
  private static CompletableFuture<Timed> noUpgradeNginx;
  private static CompletableFuture<Timed> stickyHaproxy;
  private static CompletableFuture<Timed> tlsNginx;

  @TempDir
  static Path reports;

  /** A run's JSON report and how long the whole command took, in ms. */
  private record Timed(JsonObject report, long wallMs) {
  }

  @BeforeAll
  static void startEverythingAndTheAudits(@TempDir Path certs) throws Exception {
    services.addAll(ServiceProcess.startAll(PODS.stream().map(pod -> ServiceProcess.builder().podName(pod)
      .env("WS_COMPRESSION", "true").env("ADMIN_TOKEN", TOKEN).env("SHUTDOWN_GRACE", "300ms")).toList()));
    List<Backend> backends = Backend.numbered(services);
    String direct = "ws://127.0.0.1:" + services.get(0).httpPort() + "/ws";
    if (NginxProcess.available()) {
      LoadBalancerProcess good = balancer(NginxProcess.start(backends, NginxProcess.ROUND_ROBIN, "1h"));
      goodNginx = run("good-nginx", 0, audit(good, "--direct", direct, "--expect-instances", "3"));
      LoadBalancerProcess threeSeconds = balancer(NginxProcess.start(backends, NginxProcess.ROUND_ROBIN, "3s"));
      // no --no-drain and no --admin-token: the replicas' toggles want a token, so the drain cannot run
      shortTimeoutNginx = run("nginx-3s", 0, audit(threeSeconds, false, "--expect-instances", "3"));
      LoadBalancerProcess noUpgrade = balancer(NginxProcess.startWithLocation(services.get(0).httpPort(),
        services.get(0).wsPort(), ""));
      noUpgradeNginx = run("nginx-no-upgrade", 1, audit(noUpgrade));
      LoadBalancerProcess tls = balancer(NginxProcess.startTlsWithLocation(services.get(1).httpPort(),
        services.get(1).wsPort(), SelfSignedCert.create(certs), NginxProcess.websocketProxySnippet()));
      // TLS set-up costs CPU: a longer step timeout, and a budget to match it
      tlsNginx = run("nginx-tls", 0, List.of("audit", "--url", "wss://127.0.0.1:" + tls.httpPort() + "/ws",
        "--insecure", "--expect-instances", "1", "--timeout", "10s", "--budget", "40s", "--no-drain", "-n", "4"));
    }
    if (HaproxyProcess.available()) {
      // Draining a replica closes every socket on it: this audit starts when the others have ended.
      LoadBalancerProcess haproxy = balancer(HaproxyProcess.start(backends,
        HaproxyProcess.Options.roundRobin().withStickyCookie().withReadinessChecks()));
      HaproxyProcess.awaitServersUp(haproxy, java.time.Duration.ofSeconds(15));
      List<String> args = new ArrayList<>(List.of("audit"));
      args.addAll(TestLbRuns.through(haproxy, "--budget", DRAIN_BUDGET, "--admin-token", TOKEN,
        "--expect-instances", "3", "--expect-sticky", "-n", "6"));
      CompletableFuture<?> others = CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
      stickyHaproxy = others.handle((done, failed) -> null).thenCompose(v -> run("haproxy", 0, args));
    }
  }

  private static LoadBalancerProcess balancer(LoadBalancerProcess lb) {
    balancers.add(lb);
    return lb;
  }

  /** {@code audit --host ... (the balancer) --budget 30s --no-drain more...}. */
  private static List<String> audit(LoadBalancerProcess lb, String... more) {
    return audit(lb, true, more);
  }

  private static List<String> audit(LoadBalancerProcess lb, boolean noDrain, String... more) {
    List<String> args = new ArrayList<>(List.of("audit"));
    args.addAll(TestLbRuns.through(lb, more));
    args.addAll(List.of("--budget", BUDGET, "-n", "6"));
    if (noDrain) {
      args.add("--no-drain");
    }
    return args;
  }

  private static final List<CompletableFuture<Timed>> running = new ArrayList<>();

  private static CompletableFuture<Timed> run(String name, int expectedExit, List<String> args) {
    CompletableFuture<Timed> run = CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      JsonObject report = TestLbRuns.testLb(reports, name, expectedExit, args);
      return new Timed(report, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }, runs);
    running.add(run);
    return run;
  }

  @AfterAll
  static void stopEverything() throws InterruptedException {
    runs.shutdownNow();
    runs.awaitTermination(60, TimeUnit.SECONDS);
    balancers.forEach(LoadBalancerProcess::close);
    services.forEach(ServiceProcess::close);
  }

  /** The report of a run, after checking that the whole command ended within its budget. */
  private static JsonObject report(CompletableFuture<Timed> run) {
    return report(run, BUDGET_MS);
  }

  private static JsonObject report(CompletableFuture<Timed> run, long budgetMs) {
    Timed timed = run.join();
    assertTrue(timed.wallMs() <= budgetMs, "the audit took " + timed.wallMs() + " ms, over --budget " + budgetMs
      + " ms");
    assertTrue(timed.report().getLong("duration_ms") <= budgetMs, timed.report().encode());
    assertEquals(budgetMs, timed.report().getJsonObject("budget").getLong("budget_ms"));
    return timed.report();
  }

  private static Map<String, JsonObject> card(JsonObject report) {
    Map<String, JsonObject> byName = new LinkedHashMap<>();
    TestLbRuns.objects(report, "card").forEach(l -> byName.put(l.getString("part") + ": " + l.getString("check"), l));
    return byName;
  }

  @Test
  void aGoodNginxPassesEveryCheckAndIsNotSticky() {
    Assumptions.assumeTrue(goodNginx != null, NginxProcess.INSTALL_HINT);
    JsonObject report = report(goodNginx);
    Map<String, JsonObject> card = card(report);
    card.forEach((name, line) -> {
      if (name.startsWith("drain")) {
        assertEquals("skipped", line.getString("status"), line.encode());
        assertTrue(line.getString("measured").contains("--no-drain")
          && line.getString("measured").contains("test-lb soak --url"), line.encode());
      } else {
        assertEquals("pass", line.getString("status"), line.encode());
        assertNull(line.getString("fix"), line.encode());
      }
    });
    assertEquals(List.of("handshake: upgrade", "handshake: subprotocol", "handshake: compression",
      "handshake: custom header", "handshake: host", "handshake: origin", "handshake: client ip",
      "handshake: http version", "handshake: tls", "handshake: message size", "handshake: latency",
      "spread: one by one", "spread: held open (--hold)", "sticky: sticky", "idle-timeout: idle timeout",
      "idle-timeout: ping keepalive", "drain: drain"), List.copyOf(card.keySet()));
    assertTrue(card.get("sticky: sticky").getString("measured").startsWith("not sticky: affinity nothing"),
      card.get("sticky: sticky").encode());
    assertTrue(card.get("spread: one by one").getString("measured").contains("3 instances"),
      card.get("spread: one by one").encode());
    assertEquals("nginx", report.getJsonObject("load_balancer").getString("type"));
    assertTrue(report.getJsonObject("load_balancer").getString("because").startsWith("Server: nginx"));
    assertEquals("none", report.getJsonObject("parts").getJsonObject("sticky").getJsonObject("affinity")
      .getString("source"));
    assertEquals(0, report.getJsonObject("verdict").getInteger("exit_code"));
  }

  @Test
  void nginxWithAThreeSecondReadTimeoutWarnsWithTheNginxFix() {
    Assumptions.assumeTrue(shortTimeoutNginx != null, NginxProcess.INSTALL_HINT);
    JsonObject report = report(shortTimeoutNginx);
    JsonObject idle = card(report).get("idle-timeout: idle timeout");
    assertEquals("warn", idle.getString("status"), idle.encode());
    String measured = idle.getString("measured");
    double seconds = Double.parseDouble(measured.substring(1, measured.indexOf(" s")));
    assertTrue(seconds >= 2.5 && seconds <= 4.5, "≈3 s: " + measured);
    assertTrue(measured.contains("1006"), measured);
    assertTrue(idle.getString("fix").startsWith("nginx: proxy_read_timeout"), idle.encode());
    JsonObject keepalive = card(report).get("idle-timeout: ping keepalive");
    assertEquals("pass", keepalive.getString("status"), keepalive.encode());
    // a warning does not fail the audit without --fail-on warn
    assertEquals(0, report.getJsonObject("verdict").getInteger("exit_code"));
    assertEquals(1, report.getJsonObject("counts").getInteger("warn"));
  }

  @Test
  void aDrainThatCannotRunGivesItsShareToTheIdleLadder() {
    Assumptions.assumeTrue(shortTimeoutNginx != null, NginxProcess.INSTALL_HINT);
    JsonObject report = report(shortTimeoutNginx);
    JsonObject drain = card(report).get("drain: drain");
    assertEquals("skipped", drain.getString("status"), drain.encode());
    assertTrue(drain.getString("measured").contains("need a token (HTTP 401)")
      && drain.getString("measured").contains("test-lb soak"), drain.encode());
    // asked before the plan: no share kept for it, the ladder as long as with --no-drain
    JsonObject budget = report.getJsonObject("budget");
    assertEquals(0L, budget.getLong("drain_ms"), budget.encode());
    long preamble = budget.getLong("preamble_ms");
    assertTrue(preamble > 0 && preamble < 5_000, budget.encode());
    Duration spent = Duration.ofMillis(preamble);
    Budget withoutDrain = Budget.plan(Duration.ofMillis(BUDGET_MS), Duration.ofSeconds(5), false, spent);
    Budget withDrain = Budget.plan(Duration.ofMillis(BUDGET_MS), Duration.ofSeconds(5), true, spent);
    List<Object> ladder = budget.getJsonArray("idle_ladder_ms").getList();
    assertEquals(withoutDrain.ladder().size(), ladder.size(), budget.encode());
    long longest = ((Number) ladder.get(ladder.size() - 1)).longValue();
    assertEquals(withoutDrain.longestRung().toMillis(), longest, 1000, budget.encode());
    assertTrue(longest > withDrain.longestRung().toMillis() + 10_000, "the drain's 15 s went to the ladder: "
      + budget.encode());
    assertNull(report.getJsonObject("parts").getJsonObject("drain").getJsonObject("details"));
  }

  @Test
  void nginxWithoutTheUpgradeLinesFailsWithTheDiagnosisAndTheFix() {
    Assumptions.assumeTrue(noUpgradeNginx != null, NginxProcess.INSTALL_HINT);
    JsonObject report = report(noUpgradeNginx);
    Map<String, JsonObject> card = card(report);
    JsonObject upgrade = card.get("handshake: upgrade");
    assertEquals("fail", upgrade.getString("status"));
    assertTrue(upgrade.getString("measured").contains("HTTP 426") && upgrade.getString("measured")
      .contains("Upgrade"), upgrade.encode());
    assertTrue(upgrade.getString("fix").startsWith("nginx: proxy_http_version 1.1;"), upgrade.encode());
    for (String skipped : List.of("spread: one by one", "spread: held open (--hold)", "sticky: sticky",
      "idle-timeout: idle timeout", "idle-timeout: ping keepalive")) {
      assertEquals("skipped", card.get(skipped).getString("status"), card.get(skipped).encode());
      assertTrue(card.get(skipped).getString("measured").contains("no WebSocket through the load balancer"));
    }
    assertTrue(report.getJsonObject("verdict").getJsonArray("problems").encode().contains("upgrade"));
  }

  @Test
  void haproxyWithACookieIsReportedStickyNamingTheCookie() {
    Assumptions.assumeTrue(stickyHaproxy != null, HaproxyProcess.INSTALL_HINT);
    JsonObject report = report(stickyHaproxy, DRAIN_BUDGET_MS);
    Map<String, JsonObject> card = card(report);
    JsonObject sticky = card.get("sticky: sticky");
    assertEquals("pass", sticky.getString("status"), sticky.encode());
    assertTrue(sticky.getString("measured").startsWith("sticky: affinity the cookie SRV set by the load balancer"),
      sticky.encode());
    assertEquals("cookie", report.getJsonObject("parts").getJsonObject("sticky").getJsonObject("affinity")
      .getString("source"));
    assertEquals("haproxy", report.getJsonObject("load_balancer").getString("type"),
      report.getJsonObject("load_balancer").encode());
    // without the cookie replayed, HAProxy spreads the connections over all three
    assertEquals("pass", card.get("spread: one by one").getString("status"), card.get("spread: one by one").encode());
    assertEquals("pass", card.get("idle-timeout: idle timeout").getString("status"));
  }

  @Test
  void aDrainRehearsalThroughHaproxyClosesWith1001OnlyAndLosesNothing() {
    Assumptions.assumeTrue(stickyHaproxy != null, HaproxyProcess.INSTALL_HINT);
    JsonObject report = report(stickyHaproxy, DRAIN_BUDGET_MS);
    Map<String, JsonObject> card = card(report);
    for (String check : List.of("drain: closes", "drain: lost messages", "drain: reconnects", "drain: accept")) {
      assertEquals("pass", card.get(check).getString("status"), card.get(check).encode());
    }
    JsonObject drain = report.getJsonObject("parts").getJsonObject("drain");
    assertTrue(drain.getInteger("closes_1001") > 0, drain.encode());
    assertEquals(0, drain.getInteger("closes_1006"), drain.encode());
    assertEquals(0, drain.getLong("lost"), drain.encode());
    assertTrue(drain.getBoolean("accepted"), drain.encode());
    assertTrue(report.getJsonObject("budget").getLong("drain_ms") >= 15_000, report.getJsonObject("budget").encode());
    // the token is never written to a report
    assertTrue(!report.encode().contains(TOKEN), "the admin token is in the JSON report");
    try {
      String html = java.nio.file.Files.readString(reports.resolve("haproxy.html"));
      assertTrue(!html.contains(TOKEN), "the admin token is in the HTML report");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void throughTlsTheBalancerIsStillAskedAndRecognised() {
    Assumptions.assumeTrue(tlsNginx != null, NginxProcess.INSTALL_HINT);
    JsonObject report = report(tlsNginx, 40_000);
    JsonObject lb = report.getJsonObject("load_balancer");
    assertEquals("nginx", lb.getString("type"), lb.encode());
    // both plain HTTP requests went over TLS to nginx, which answered them itself
    assertTrue(lb.getJsonObject("answers").getString("health").startsWith("HTTP/1.1 200"), lb.encode());
    assertTrue(lb.getJsonObject("answers").getString("malformed_request").startsWith("HTTP/1.1 400"), lb.encode());
    JsonObject tls = card(report).get("handshake: tls");
    assertTrue(tls.getString("measured").contains("TLS terminated at the load balancer"), tls.encode());
    card(report).forEach((name, line) -> assertTrue(line.getString("status").equals("pass")
      || line.getString("status").equals("skipped"), line.encode()));
  }
}
