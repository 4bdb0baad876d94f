package io.wstest.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.RedisProcess;
import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Smoke test of every scenario: the real jar spawns the real service (and the baseline), runs a tiny, short load
 * and writes its JSON report. Asserts the figures are present and sane; never how fast anything was.
 */
class BenchIT {

  private static final Path REPORTS = Path.of("target", "bench-it");

  private static JsonObject bench(String scenario, String... args) throws IOException, InterruptedException {
    return bench(List.of(), scenario, args);
  }

  private static JsonObject bench(List<String> jvmOptions, String scenario, String... args)
    throws IOException, InterruptedException {
    BenchRun run = benchRun(jvmOptions, scenario, args);
    assertEquals(0, run.exitCode(), "bench " + scenario + " failed:\n" + run.output());
    assertTrue(run.output().contains("figure"), "human table printed:\n" + run.output());
    return new JsonObject(Files.readString(run.json()));
  }

  private record BenchRun(int exitCode, String output, Path json) {
  }

  private static BenchRun benchRun(List<String> jvmOptions, String scenario, String... args)
    throws IOException, InterruptedException {
    Files.createDirectories(REPORTS);
    Path json = REPORTS.resolve(scenario + "-" + System.nanoTime() + ".json");
    List<String> command = new ArrayList<>(List.of(ServiceProcess.testJava().toString(), "-Xmx256m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", ServiceProcess.jar().toAbsolutePath().toString(), "bench", scenario));
    command.addAll(List.of(args));
    command.addAll(List.of("--json", json.toString()));
    Path log = REPORTS.resolve(json.getFileName() + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertTrue(process.waitFor(3, TimeUnit.MINUTES), "bench " + scenario + " did not stop by itself");
    } finally {
      process.destroyForcibly();
    }
    return new BenchRun(process.exitValue(), Files.readString(log), json);
  }

  /**
   * A --peer that needs neither Go nor Node: the service from this jar, started by bench as an outside program
   * would be (its own serve command line with {http} and {ws} substituted, the jar path quoted).
   */
  private static String jarPeer(String name) {
    return name + "=" + ServiceProcess.testJava() + " -Xmx128m -jar '"
      + ServiceProcess.jar().toAbsolutePath() + "' serve --bind 127.0.0.1 --http-port {http} --ws-port {ws}";
  }

  private static JsonObject figures(JsonObject report, int run) {
    return report.getJsonArray("runs").getJsonObject(run).getJsonObject("figures");
  }

  /** The server's CPU per unit is reported with its user and system parts, which add up to it (each rounded). */
  private static void assertCpuSplit(JsonObject figures, String unit) {
    double user = figures.getDouble("server_user_us_per_" + unit);
    double sys = figures.getDouble("server_sys_us_per_" + unit);
    assertTrue(user >= 0 && sys >= 0 && user + sys > 0, figures.encode());
    assertEquals(figures.getDouble("server_cpu_us_per_" + unit), user + sys, 0.02, figures.encode());
  }

  private static void assertPositive(JsonObject figures, String... keys) {
    for (String key : keys) {
      Number value = (Number) figures.getValue(key);
      assertTrue(value != null && value.doubleValue() > 0, key + " should be > 0 in " + figures.encode());
    }
  }

  @Test
  void echoAgainstSpawnedServiceAndBaselineReportsThroughputLatencyAndRatio() throws Exception {
    JsonObject report = bench("echo", "--spawn", "--baseline", "--server-cpus", "none", "--client-cpus", "none",
      "--connections", "2", "--duration", "1", "--warmup", "0.2", "--payload", "64");
    JsonArray runs = report.getJsonArray("runs");
    assertEquals(2, runs.size());
    assertEquals("service", runs.getJsonObject(0).getString("server"));
    assertEquals("baseline", runs.getJsonObject(1).getString("server"));
    for (int run = 0; run < 2; run++) {
      JsonObject figures = figures(report, run);
      assertPositive(figures, "messages", "msgs_per_s", "p50_ms", "p99_ms", "max_ms", "server_rss_kb",
        "start_to_ready_ms", "server_cpu_us_per_msg");
      assertCpuSplit(figures, "msg");
      assertEquals(0, figures.getInteger("errors"));
      assertTrue(figures.getDouble("p50_ms") <= figures.getDouble("p99_ms"));
      assertTrue(figures.getDouble("p99_ms") <= figures.getDouble("max_ms"));
    }
    assertTrue(report.getJsonObject("ratio_service_to_baseline").containsKey("msgs_per_s"));
  }

  /** --tls: the service and the baseline serve wss with a certificate made for the run; every handshake is TLS. */
  @Test
  void connectChurnOverTlsOnTheOpenSslEngineAgainstServiceAndBaseline() throws Exception {
    JsonObject report = bench("connect", "--spawn", "--baseline", "--tls", "--tls-engine", "openssl", "--server-cpus",
      "none", "--client-cpus", "none", "--concurrency", "2", "--duration", "1", "--warmup", "0", "--client-warmup",
      "0.5s");
    JsonObject settings = report.getJsonObject("settings");
    assertEquals("openssl", settings.getString("tls_engine"), settings.encode());
    JsonArray runs = report.getJsonArray("runs");
    assertEquals(2, runs.size());
    for (int run = 0; run < 2; run++) {
      assertTrue(runs.getJsonObject(run).getString("url").startsWith("wss://127.0.0.1:"), runs.encode());
      JsonObject figures = figures(report, run);
      assertPositive(figures, "handshakes", "handshakes_per_s", "server_cpu_us_per_handshake");
      assertCpuSplit(figures, "handshake");
      assertEquals(0, figures.getInteger("failures"), figures.encode());
    }
  }

  /**
   * --interleave: each server is started once and every repeat's window runs against the same two processes, in
   * turn; each window is measured on its own.
   */
  @Test
  void connectInterleavedTakesTheWindowsOfOneServiceAndOneBaselineInTurn() throws Exception {
    JsonObject report = bench("connect", "--spawn", "--baseline", "--interleave", "--server-cpus", "none",
      "--client-cpus", "none", "--concurrency", "2", "--duration", "0.5", "--warmup", "0.5", "--repeat", "2",
      "--client-warmup", "0.5s");
    assertTrue(report.getJsonObject("settings").getBoolean("interleave"), report.getJsonObject("settings").encode());
    JsonArray repeats = report.getJsonArray("repeats");
    List<String> order = new ArrayList<>();
    for (int i = 0; i < repeats.size(); i++) {
      order.add(repeats.getJsonObject(i).getInteger("repeat") + " " + repeats.getJsonObject(i).getString("server"));
    }
    assertEquals(List.of("1 service", "1 baseline", "2 service", "2 baseline"), order);
    for (int server = 0; server < 2; server++) {
      JsonObject first = repeats.getJsonObject(server);
      JsonObject second = repeats.getJsonObject(server + 2);
      assertEquals(first.getString("url"), second.getString("url"), "the same process: " + repeats.encode());
      assertEquals(first.getJsonObject("figures").getLong("start_to_ready_ms"),
        second.getJsonObject("figures").getLong("start_to_ready_ms"), "started once: " + repeats.encode());
      for (JsonObject run : List.of(first, second)) {
        JsonObject figures = run.getJsonObject("figures");
        assertPositive(figures, "handshakes", "handshakes_per_s", "server_cpu_us_per_handshake");
        assertCpuSplit(figures, "handshake");
        assertEquals(0, figures.getInteger("failures"), figures.encode());
      }
    }
    assertFalse(repeats.getJsonObject(0).getString("url").equals(repeats.getJsonObject(1).getString("url")));
    assertTrue(report.getJsonObject("ratio_service_to_baseline").containsKey("server_cpu_us_per_handshake"));
  }

  /** Echo --interleave: each window on new connections to the same, kept, service process. */
  @Test
  void echoInterleavedMeasuresEachWindowOfTheKeptService() throws Exception {
    JsonObject report = bench("echo", "--spawn", "--interleave", "--server-cpus", "none", "--client-cpus", "none",
      "--connections", "2", "--duration", "1", "--warmup", "0.5", "--repeat", "2", "--client-warmup", "0.5s");
    assertTrue(report.getJsonObject("settings").getBoolean("interleave"), report.getJsonObject("settings").encode());
    JsonArray repeats = report.getJsonArray("repeats");
    assertEquals(2, repeats.size(), repeats.encode());
    assertEquals(repeats.getJsonObject(0).getString("url"), repeats.getJsonObject(1).getString("url"));
    for (int run = 0; run < 2; run++) {
      JsonObject figures = repeats.getJsonObject(run).getJsonObject("figures");
      assertPositive(figures, "messages", "p99_ms", "server_cpu_us_per_msg");
      assertCpuSplit(figures, "msg");
      assertEquals(0, figures.getInteger("errors"), figures.encode());
    }
  }

  @Test
  void echoAgainstAPeerReportsEveryServersFiguresAndTheRatiosToEach() throws Exception {
    JsonObject report = bench("echo", "--spawn", "--baseline", "--peer", jarPeer("twin"), "--server-cpus", "none",
      "--client-cpus", "none", "--connections", "2", "--duration", "1", "--warmup", "0.2", "--client-warmup",
      "0.5s");
    JsonArray runs = report.getJsonArray("runs");
    assertEquals(3, runs.size(), runs.encode());
    assertEquals(List.of("service", "baseline", "twin"),
      runs.stream().map(r -> ((JsonObject) r).getString("server")).toList());
    JsonObject peer = runs.getJsonObject(2);
    assertTrue(peer.getString("command").contains(" --ws-port ") && !peer.getString("command").contains("{"),
      "ports substituted: " + peer.encode());
    assertTrue(peer.getString("url").startsWith("ws://127.0.0.1:"), peer.encode());
    for (int run = 0; run < 3; run++) {
      JsonObject figures = figures(report, run);
      assertPositive(figures, "messages", "p99_ms", "server_rss_kb", "start_to_ready_ms");
      assertEquals(0, figures.getInteger("errors"), figures.encode());
    }
    JsonObject ratios = report.getJsonObject("ratios");
    assertEquals(List.of("baseline", "twin"), List.copyOf(ratios.fieldNames()));
    for (String other : List.of("baseline", "twin")) {
      assertPositive(ratios.getJsonObject(other), "msgs_per_s", "p999_ms");
    }
    assertEquals(0.5, report.getJsonObject("settings").getDouble("client_warmup_s"));
  }

  /** Alternating per repeat (service, peer, service, peer), and the cold first round apart from the warm median. */
  @Test
  void broadcastAgainstAPeerReportsTheColdFirstRoundAndTheWarmMedianPerServer() throws Exception {
    JsonObject report = bench("broadcast", "--spawn", "--peer", jarPeer("twin"), "--server-cpus", "none",
      "--client-cpus", "none", "--receivers", "10", "--rounds", "2", "--warmup-rounds", "1", "--repeat", "2",
      "--client-warmup", "0.5s");
    assertEquals(List.of("service", "twin", "service", "twin"), report.getJsonArray("repeats").stream()
      .map(r -> ((JsonObject) r).getString("server")).toList());
    for (int run = 0; run < 2; run++) {
      JsonObject figures = figures(report, run);
      assertEquals(2, figures.getInteger("rounds_complete"), figures.encode());
      assertEquals(0, figures.getInteger("missing_deliveries"), figures.encode());
      assertPositive(figures, "first_round_all_delivered_ms", "all_delivered_ms_median", "first_round_to_warm_median");
    }
    assertPositive(report.getJsonObject("ratios").getJsonObject("twin"), "first_round_all_delivered_ms",
      "all_delivered_ms_median");
  }

  /**
   * Another build of this service as a peer, with a warm-up before it is ready: its /health answers during the
   * warm-up, its /health/ready only after it, and bench waits for the latter, so the peer is measured warmed up and
   * its start to ready includes the warm-up (which alone lasts the 2 s asked for).
   */
  @Test
  void aPeerWarmingUpIsMeasuredOnlyOnceItsReadinessSaysSo() throws Exception {
    JsonObject report = bench("connect", "--spawn", "--peer", jarPeer("warmed") + " --warmup 2s", "--server-cpus",
      "none", "--client-cpus", "none", "--concurrency", "1", "--duration", "0.3", "--warmup", "0",
      "--client-warmup", "0");
    assertEquals(List.of("service", "warmed"),
      report.getJsonArray("runs").stream().map(r -> ((JsonObject) r).getString("server")).toList());
    JsonObject warmed = figures(report, 1);
    assertTrue(warmed.getLong("start_to_ready_ms") >= 2000, "ready before its 2 s warm-up ended: " + warmed.encode());
    assertPositive(warmed, "handshakes");
    assertEquals(0, warmed.getInteger("failures"), warmed.encode());
  }

  /** A peer that exits at once: the run fails (exit 1) with a message naming the peer, nothing left running. */
  @Test
  void aPeerThatExitsBeforeItIsReadyFailsTheRunNamingIt() throws Exception {
    BenchRun run = benchRun(List.of(), "connect", "--spawn", "--peer", "quitter=false {http} {ws}",
      "--server-cpus", "none", "--client-cpus", "none", "--concurrency", "1", "--duration", "0.2", "--warmup", "0",
      "--client-warmup", "0");
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("peer quitter exited with 1"), run.output());
  }

  @Test
  void holdReportsConnectionsAndServerMemory() throws Exception {
    JsonObject figures = figures(bench("hold", "--spawn", "--server-cpus", "none", "--client-cpus", "none",
      "--connections", "50", "--rate", "500", "--hold", "0.5", "--warmup-connections", "20"), 0);
    assertEquals(50, figures.getInteger("connections"));
    assertEquals(0, figures.getInteger("failures"));
    assertPositive(figures, "connects_per_s", "server_idle_rss_kb", "server_rss_kb");
    assertTrue(figures.containsKey("rss_kb_per_conn"), figures.encode());
    assertTrue(figures.containsKey("heap_kb_per_conn"), figures.encode());
  }

  /** --rss-only: the RSS figures without the heap samples, whose jcmd GC.run would add to the server's RSS. */
  @Test
  void holdWithRssOnlyTakesNoHeapSample() throws Exception {
    JsonObject report = bench("hold", "--spawn", "--server-cpus", "none", "--client-cpus", "none",
      "--connections", "5", "--rate", "500", "--hold", "0", "--client-warmup", "0", "--rss-only");
    assertTrue(report.getJsonObject("settings").getBoolean("rss_only"), report.encode());
    JsonObject figures = figures(report, 0);
    assertEquals(5, figures.getInteger("connections"));
    assertPositive(figures, "server_idle_rss_kb", "server_rss_kb");
    assertTrue(figures.containsKey("rss_kb_per_conn"), figures.encode());
    assertFalse(figures.containsKey("heap_kb_per_conn"), figures.encode());
  }

  @Test
  void broadcastReachesEveryReceiver() throws Exception {
    JsonObject figures = figures(bench("broadcast", "--spawn", "--server-cpus", "none", "--client-cpus", "none",
      "--receivers", "20", "--rounds", "2"), 0);
    assertEquals(20, figures.getInteger("receivers"));
    assertEquals(2, figures.getInteger("rounds_complete"));
    assertEquals(0, figures.getInteger("missing_deliveries"));
    assertPositive(figures, "all_delivered_ms_median", "delivery_p99_ms", "first_round_all_delivered_ms");
  }

  /** Cluster mode: a redis-server and three replicas started by bench, receivers spread, broadcasts scope cluster. */
  @Test
  void clusterBroadcastReachesEveryReceiverOnEveryReplica() throws Exception {
    assumeTrue(RedisProcess.available(), RedisProcess.INSTALL_HINT);
    JsonObject report = bench("broadcast", "--spawn", "--server-cpus", "none", "--client-cpus", "none",
      "--redis", "--replicas", "3", "--receivers", "30", "--rounds", "3", "--warmup-rounds", "1");
    JsonObject settings = report.getJsonObject("settings");
    assertEquals(3, settings.getInteger("replicas"), settings.encode());
    assertEquals("cluster", settings.getString("scope"), settings.encode());
    JsonObject figures = figures(report, 0);
    assertEquals(30, figures.getInteger("receivers"), figures.encode());
    assertEquals(List.of(10, 10, 10), figures.getJsonArray("receivers_per_replica").getList(), figures.encode());
    assertEquals(3, figures.getInteger("rounds_complete"), figures.encode());
    assertEquals(0, figures.getInteger("missing_deliveries"), figures.encode());
    assertPositive(figures, "all_delivered_ms_median", "delivery_p99_ms");
  }

  /**
   * Receivers the server refuses (MAX_CONNECTIONS answers 503) fail the run with exit 1 and a message that says how
   * many could not connect and why the first one could not, instead of rounds that never complete.
   */
  @Test
  void receiversTheServerRefusesFailTheRunSayingHowManyAndWhy() throws Exception {
    try (ServiceProcess service = ServiceProcess.builder().podName("bench-refused").env("MAX_CONNECTIONS", "5")
      .start()) {
      BenchRun run = benchRun(List.of(), "broadcast", "--url", "ws://127.0.0.1:" + service.wsPort() + "/",
        "--receivers", "12", "--rounds", "1", "--warmup-rounds", "0", "--client-warmup", "0");
      assertEquals(1, run.exitCode(), run.output());
      assertTrue(run.output().contains("7 of 12 receivers could not connect ("), run.output());
      assertTrue(run.output().contains("503"), "the first refusal's status: " + run.output());
      // said once by bench, not once more per refused socket by Vert.x's client (ops/LogConfigurator)
      assertFalse(run.output().contains("Connection evicted"), run.output());
      assertTrue(service.isAlive(), "the service survives");
    }
  }

  @Test
  void connectChurnsHandshakesAgainstAServiceGivenByUrl() throws Exception {
    try (ServiceProcess service = ServiceProcess.builder().podName("bench-connect").start()) {
      JsonObject figures = figures(bench("connect", "--url", "ws://127.0.0.1:" + service.wsPort() + "/",
        "--server-pid", Long.toString(service.pid()), "--concurrency", "2", "--duration", "1",
        "--warmup", "500ms", "--max-handshakes", "200"), 0);
      assertPositive(figures, "handshakes", "handshakes_per_s", "handshake_p50_ms");
      assertTrue(figures.getInteger("handshakes") <= 200, "bounded by --max-handshakes: " + figures.encode());
      assertEquals(0, figures.getInteger("failures"));
      assertTrue(service.isAlive(), "the service survives the churn");
    }
  }

  /**
   * --server-cds trains one AppCDS archive per server kind in the temp directory, starts both servers from it (the
   * JVM refuses an archive it cannot map only under -Xshare:on, so the proof it was used is that the run works and
   * says so), and a second run reuses the archives instead of training again.
   */
  @Test
  void serverCdsTrainsAnArchivePerServerOnceAndStartsFromIt() throws Exception {
    Path tmp = Files.createDirectories(REPORTS.resolve("tmp-" + System.nanoTime())).toAbsolutePath();
    List<String> jvm = List.of("-Djava.io.tmpdir=" + tmp);
    String[] args = {"--spawn", "--baseline", "--server-cds", "--server-cpus", "none", "--client-cpus", "none",
      "--connections", "2", "--hold", "0"};
    JsonObject first = bench(jvm, "hold", args);
    Path archives = tmp.resolve(CdsArchive.DIRECTORY);
    List<Path> made;
    try (var files = Files.list(archives)) {
      made = files.sorted().toList();
    }
    assertEquals(2, made.size(), "one archive per server kind: " + made);
    assertTrue(made.get(0).getFileName().toString().startsWith("baseline-"), made.toString());
    assertTrue(made.get(1).getFileName().toString().startsWith("service-"), made.toString());
    var firstWritten = Files.getLastModifiedTime(made.get(1));
    for (int run = 0; run < 2; run++) {
      assertTrue(first.getJsonArray("runs").getJsonObject(run).getBoolean("server_cds"));
      assertPositive(figures(first, run), "start_to_ready_ms");
    }
    JsonObject second = bench(jvm, "hold", args);
    assertEquals(0, figures(second, 0).getInteger("failures"));
    assertEquals(firstWritten, Files.getLastModifiedTime(made.get(1)), "the second run reused the archive");
    try (var files = Files.list(archives)) {
      assertEquals(2, files.count(), "no new archive, no partial file left");
    }
  }

  /** --server-cds with --tls trains over wss, into an archive of its own: a plain run after it trains its own. */
  @Test
  void serverCdsOverTlsTrainsItsOwnArchive() throws Exception {
    Path tmp = Files.createDirectories(REPORTS.resolve("tmp-" + System.nanoTime())).toAbsolutePath();
    List<String> jvm = List.of("-Djava.io.tmpdir=" + tmp);
    List<String> args = List.of("--spawn", "--server-cds", "--server-cpus", "none", "--client-cpus", "none",
      "--connections", "2", "--hold", "0", "--client-warmup", "0");
    List<String> overTls = new ArrayList<>(args);
    overTls.add("--tls");
    JsonObject tls = bench(jvm, "hold", overTls.toArray(String[]::new));
    JsonObject run = tls.getJsonArray("runs").getJsonObject(0);
    assertTrue(run.getString("url").startsWith("wss://127.0.0.1:"), run.encode());
    assertTrue(run.getBoolean("server_cds"), run.encode());
    assertEquals(2, figures(tls, 0).getInteger("connections"), run.encode());
    Path archives = tmp.resolve(CdsArchive.DIRECTORY);
    try (var files = Files.list(archives)) {
      assertEquals(1, files.count(), "the TLS training's archive");
    }
    JsonObject plain = bench(jvm, "hold", args.toArray(String[]::new));
    assertEquals(2, figures(plain, 0).getInteger("connections"));
    try (var files = Files.list(archives)) {
      assertEquals(2, files.count(), "the plain run trained an archive of its own");
    }
  }
}
