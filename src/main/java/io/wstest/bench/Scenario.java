package io.wstest.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.options.Durations;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One benchmark scenario as a subcommand. The runner validates the flags, pins this process, starts the
 * server(s), runs the scenario on the load generator's single event loop against each, adds the server's
 * /proc figures, and prints the table (and JSON).
 */
abstract class Scenario implements java.util.concurrent.Callable<Integer> {

  @Mixin
  BenchOptions common;

  @Spec
  CommandSpec spec;

  /** Checks this scenario's own flags; throw {@link #bad} naming the flag. */
  abstract void validate();

  /** The scenario's settings, stored in the report. */
  abstract JsonObject settings();

  /** Hard limit for one run against one server; the run fails if it is not done by then. */
  abstract long timeLimitMs();

  /** Runs once against {@code server}; called on the load generator's event loop, completes with the figures. */
  abstract Future<JsonObject> run(LoadClient client, ServerUnderTest server);

  /**
   * Why a run's figures measure nothing (no connection, handshake, reply or complete round), or null when they
   * measure something: such a run ends the command with exit code 1 after the table, so a script or CI job does not
   * take an empty table for a result.
   */
  abstract String nothingMeasured(JsonObject figures);

  /** Extra environment of the spawned service (the cluster mode's REDIS_URL); asked for before each spawn. */
  Map<String, String> serviceEnvironment() {
    return Map.of();
  }

  /** After each run against a server, whatever happened: stops what the scenario started itself. */
  void afterRun() {
  }

  /**
   * Whether --interleave applies: every server started and warmed once and the --repeat measured windows then taken
   * of the servers in turn ({@link #warmUpServer} once per server, then {@link #measure}), instead of a fresh server
   * per run. Not for scenarios that measure a fresh server (broadcast's first round, hold's idle memory).
   */
  boolean canInterleave() {
    return false;
  }

  /** With --interleave: the unmeasured warm-up of a new server, once. */
  Future<?> warmUpServer(LoadClient client, ServerUnderTest server) {
    return Future.succeededFuture();
  }

  /** With --interleave: one measured window against a warmed server. */
  Future<JsonObject> measure(LoadClient client, ServerUnderTest server) {
    return run(client, server);
  }

  /** A usage error naming the flag: picocli prints it with the usage and exits 2. */
  CommandLine.ParameterException bad(String flag, String problem) {
    return new CommandLine.ParameterException(spec.commandLine(), "Invalid value for " + flag + ": " + problem);
  }

  /** A duration option as the JSON report has always written it: seconds, with a fraction. */
  static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  @Override
  public final Integer call() {
    validateCommon();
    validate();
    // after every flag's own check: a bad value is named even where the jar cannot spawn (tests, an IDE)
    if (common.spawn && ownJar() == null) {
      throw bad("--spawn", "this command is not running from the fat jar; build it with mvn package");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (common.spawn) {
      pinThisProcess(err);
    }
    JsonObject settings = settings().put("client_warmup_s", seconds(common.clientWarmup));
    if (common.interleave) {
      settings.put("interleave", true);
    }
    if (common.tlsEngine != null) {
      // each run's URL says wss and whether it started from an archive; only the engine would be missing
      settings.put("tls_engine", common.tlsEngine);
    }
    JsonObject report = new JsonObject()
      .put("scenario", spec.name())
      .put("settings", settings)
      .put("machine", new JsonObject()
        .put("available_processors", Runtime.getRuntime().availableProcessors())
        .put("java", System.getProperty("java.version")));
    if (common.label != null) {
      report.put("label", common.label);
    }
    // every server's runs, in the order of lineup()
    Map<String, List<JsonObject>> byServer = new LinkedHashMap<>();
    List<JsonObject> inOrder = new ArrayList<>();
    try {
      warmUpLoadGenerator(err);
      if (common.interleave) {
        runInterleaved(byServer, inOrder);
      } else {
        for (int i = 0; i < common.repeat; i++) {
          for (Contender contender : lineup()) {
            record(runAgainst(contender.kind(), contender.peer()), i + 1, byServer, inOrder);
          }
        }
      }
    } catch (RuntimeException e) {
      err.println("Error: " + e.getMessage());
      err.flush();
      return 1;
    }
    List<JsonObject> runs = new ArrayList<>();
    for (List<JsonObject> one : byServer.values()) {
      runs.add(Report.median(one));
    }
    report.put("runs", new JsonArray(new ArrayList<>(runs)));
    if (common.repeat > 1) {
      // in the order they ran
      report.put("repeats", new JsonArray(new ArrayList<>(inOrder)));
    }
    if (runs.size() > 1) {
      // the first run is the service's: each other server's figures divide it
      JsonObject first = runs.get(0).getJsonObject("figures");
      JsonObject ratios = new JsonObject();
      for (JsonObject other : runs.subList(1, runs.size())) {
        ratios.put(other.getString("server"), Report.ratios(first, other.getJsonObject("figures")));
      }
      report.put("ratios", ratios);
      if (ratios.containsKey("baseline")) {
        report.put("ratio_service_to_baseline", ratios.getJsonObject("baseline"));
      }
    }
    out.print(Report.table(report));
    out.flush();
    if (common.json != null) {
      try {
        Path parent = common.json.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(common.json, report.encodePrettily());
      } catch (IOException e) {
        err.println("Error: cannot write --json " + common.json + ": " + e.getMessage());
        return 1;
      }
    }
    return emptyRuns(inOrder, err) ? 1 : 0;
  }

  /** Names every run that measured nothing; true if there was one. */
  private boolean emptyRuns(List<JsonObject> inOrder, PrintWriter err) {
    boolean any = false;
    for (JsonObject run : inOrder) {
      String why = nothingMeasured(run.getJsonObject("figures"));
      if (why != null) {
        err.println("Error: run " + run.getInteger("repeat") + " against " + run.getString("server")
          + " measured nothing: " + why);
        any = true;
      }
    }
    err.flush();
    return any;
  }

  private enum ServerKind { EXTERNAL, SERVICE, BASELINE, PEER }

  /** One server of the command: its kind, and its --peer command for a peer. */
  private record Contender(ServerKind kind, PeerCommand peer) {
  }

  /** The servers in the order their runs alternate: the service (or --url target), the baseline, each peer. */
  private List<Contender> lineup() {
    List<Contender> lineup = new ArrayList<>();
    lineup.add(new Contender(common.spawn ? ServerKind.SERVICE : ServerKind.EXTERNAL, null));
    if (common.baseline) {
      lineup.add(new Contender(ServerKind.BASELINE, null));
    }
    for (PeerCommand peer : peers) {
      lineup.add(new Contender(ServerKind.PEER, peer));
    }
    return lineup;
  }

  /** A finished run, kept with its server's others (for the medians) and in the order of all runs. */
  private static void record(JsonObject run, int repeat, Map<String, List<JsonObject>> byServer,
                             List<JsonObject> inOrder) {
    byServer.computeIfAbsent(run.getString("server"), k -> new ArrayList<>()).add(run);
    inOrder.add(run.copy().put("repeat", repeat));
  }

  /** The --peer values, parsed by {@link #validateCommon}. */
  private List<PeerCommand> peers = List.of();
  /** The --tls certificate (also the load generator's TLS warm-up server's), made once per command. */
  private SelfSignedCertificate certificate;

  private SelfSignedCertificate certificate() {
    if (certificate == null) {
      certificate = SelfSignedCertificate.forLoopback();
    }
    return certificate;
  }

  private JsonObject runAgainst(ServerKind kind, PeerCommand peer) {
    try {
      return runAgainst(kind, peer, spawnSettings());
    } finally {
      afterRun();
    }
  }

  private JsonObject runAgainst(ServerKind kind, PeerCommand peer, SpawnSettings spawn) {
    try (ServerUnderTest server = start(kind, peer, spawn);
         LoadClient client = new LoadClient(Vertx.vertx(BenchVertx.clientOptions()))) {
      return result(server, spawn, await(client.onLoop(() -> run(client, server)), server));
    }
  }

  /**
   * Every server started and warmed once, then the --repeat measured windows taken of each in turn, so two servers'
   * windows are one window apart instead of a server start and a warm-up. The servers share their CPUs; the ones
   * not measured are idle.
   */
  private void runInterleaved(Map<String, List<JsonObject>> byServer, List<JsonObject> inOrder) {
    SpawnSettings spawn = spawnSettings();
    List<ServerUnderTest> servers = new ArrayList<>();
    try (LoadClient client = new LoadClient(Vertx.vertx(BenchVertx.clientOptions()))) {
      for (Contender contender : lineup()) {
        servers.add(start(contender.kind(), contender.peer(), spawn));
      }
      for (ServerUnderTest server : servers) {
        await(client.onLoop(() -> warmUpServer(client, server).map(v -> new JsonObject())), server);
      }
      // one window of each, not counted, so every measured window follows the same pause (the other servers'
      // windows): otherwise the first server would meet its first one after all the others' warm-ups, and the last
      // right after its own
      for (ServerUnderTest server : servers) {
        await(client.onLoop(() -> measure(client, server)), server);
      }
      for (int i = 0; i < common.repeat; i++) {
        for (ServerUnderTest server : servers) {
          record(result(server, spawn, await(client.onLoop(() -> measure(client, server)), server)), i + 1,
            byServer, inOrder);
        }
      }
    } finally {
      for (ServerUnderTest server : servers) {
        server.close();
      }
      afterRun();
    }
  }

  private ServerUnderTest start(ServerKind kind, PeerCommand peer, SpawnSettings spawn) {
    return switch (kind) {
      case EXTERNAL -> ServerUnderTest.external(common.url, common.serverPid);
      case SERVICE -> ServerUnderTest.spawnService(spawn, serviceEnvironment());
      case BASELINE -> ServerUnderTest.spawnBaseline(spawn);
      case PEER -> ServerUnderTest.spawnPeer(spawn, peer);
    };
  }

  /** One run's entry in the report: the server, how it was started, and the figures measured against it. */
  private static JsonObject result(ServerUnderTest server, SpawnSettings spawn, JsonObject figures) {
    JsonObject result = new JsonObject()
      .put("server", server.name())
      .put("url", server.url().toString());
    if (server.peer()) {
      result.put("command", String.join(" ", server.peerCommand()))
        .put("server_cpus", spawn.serverCpus() == null ? "all" : spawn.serverCpus());
      figures.put("start_to_ready_ms", server.startToReadyMs());
    } else if (server.spawned()) {
      result.put("jvm_options", String.join(" ", spawn.jvmOptions()))
        .put("server_cpus", spawn.serverCpus() == null ? "all" : spawn.serverCpus())
        .put("server_cds", spawn.cds());
      figures.put("start_to_ready_ms", server.startToReadyMs());
    }
    return result.put("figures", figures);
  }

  /**
   * The load generator's own JIT warm-up: the scenario's {@link #warmUpClient} against a bare Vert.x server in this
   * process, never against a server under test (whose first, cold, round broadcast reports). Figures discarded.
   */
  private void warmUpLoadGenerator(PrintWriter err) {
    if (common.clientWarmup.isZero()) {
      return;
    }
    long started = System.nanoTime();
    boolean tls = common.tls || common.url != null && "wss".equals(common.url.getScheme());
    try (BaselineServer.InProcess target = BaselineServer.InProcess.start(tls ? certificate() : null);
         LoadClient client = new LoadClient(Vertx.vertx(BenchVertx.clientOptions()))) {
      ServerUnderTest server = ServerUnderTest.external(target.url(), null);
      await(client.onLoop(() -> warmUpClient(client, server, common.clientWarmup).map(v -> new JsonObject())),
        "the load generator's warm-up", "");
    }
    err.println("Load generator warmed up in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
      + " ms (--client-warmup " + Durations.format(common.clientWarmup) + ")");
    err.flush();
  }

  /**
   * A shortened, unmeasured run of this scenario against {@code server} (a bare server in this process) that
   * exercises the load generator's code paths for about {@code length}; see --client-warmup.
   */
  abstract Future<?> warmUpClient(LoadClient client, ServerUnderTest server, Duration length);

  private JsonObject await(Future<JsonObject> run, ServerUnderTest server) {
    return await(run, spec.name() + " against " + server.name(), server.recentOutput());
  }

  private JsonObject await(Future<JsonObject> run, String what, String serverOutput) {
    try {
      return run.toCompletionStage().toCompletableFuture().get(timeLimitMs(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not finish within " + timeLimitMs() / 1000
        + " s (time limit); server output:\n" + serverOutput);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  SpawnSettings spawnSettings() {
    List<String> jvm = common.serverJvmOptions != null
      ? SpawnSettings.parseOptions(common.serverJvmOptions) : SpawnSettings.recommendedJvmOptions();
    String cpus = tasksetAvailable() && !"none".equals(common.serverCpus) ? common.serverCpus : null;
    return new SpawnSettings(ownJar(), jvm, cpus, common.serverCds, common.tls ? certificate() : null,
      common.tlsEngine);
  }

  private void validateCommon() {
    if (common.repeat < 1 || common.repeat > 50) {
      throw bad("--repeat", common.repeat + " is not between 1 and 50");
    }
    if (common.spawn == (common.url != null)) {
      throw bad("--url", "give either --url ws://127.0.0.1:PORT/PATH or --spawn (exactly one)");
    }
    if (common.baseline && !common.spawn) {
      throw bad("--baseline", "needs --spawn (the baseline is spawned next to the spawned service)");
    }
    peers = parsePeers();
    if (common.clientWarmup.compareTo(Duration.ofMinutes(5)) > 0) {
      throw bad("--client-warmup", Durations.format(common.clientWarmup)
        + " is not between 0s and 5m");
    }
    if (common.serverCds && !common.spawn) {
      throw bad("--server-cds", "needs --spawn (it changes how spawned servers start)");
    }
    if (common.tlsEngine != null && !common.tls) {
      throw bad("--tls-engine", "needs --tls (it chooses how the spawned servers terminate TLS)");
    }
    if (common.tls && !common.spawn) {
      throw bad("--tls", "needs --spawn (it makes spawned servers serve wss; with --url give a wss:// URL)");
    }
    if (common.tls && !common.peers.isEmpty()) {
      throw bad("--tls", "not with --peer: peers are started serving plain ws");
    }
    if (common.interleave && !canInterleave()) {
      throw bad("--interleave", "only connect and echo keep their servers between windows (" + spec.name()
        + " measures fresh servers)");
    }
    if (common.interleave && !common.spawn) {
      throw bad("--interleave", "needs --spawn (it keeps the servers bench started)");
    }
    if (common.serverPid != null && common.url == null) {
      throw bad("--server-pid", "only with --url (spawned servers are measured anyway)");
    }
    if (common.url != null) {
      checkUrl(common.url);
    }
    checkCpuList("--server-cpus", common.serverCpus);
    checkCpuList("--client-cpus", common.clientCpus);
  }

  /** Each --peer parsed, named uniquely and its program found; a usage error naming --peer otherwise. */
  private List<PeerCommand> parsePeers() {
    if (common.peers.isEmpty()) {
      return List.of();
    }
    if (!common.spawn) {
      throw bad("--peer", "needs --spawn (peers are started next to the spawned service)");
    }
    List<PeerCommand> parsed = new ArrayList<>();
    for (String value : common.peers) {
      PeerCommand peer;
      try {
        peer = PeerCommand.parse(value);
      } catch (IllegalArgumentException e) {
        throw bad("--peer", e.getMessage());
      }
      if (parsed.stream().anyMatch(p -> p.name().equals(peer.name()))) {
        throw bad("--peer", "the name '" + peer.name() + "' is given twice");
      }
      peer.programProblem(System.getenv("PATH")).ifPresent(problem -> {
        throw bad("--peer", problem);
      });
      parsed.add(peer);
    }
    return List.copyOf(parsed);
  }

  /** Whether this run has --peer servers (scenarios that cannot run against them refuse in {@link #validate}). */
  boolean hasPeers() {
    return !common.peers.isEmpty();
  }

  private void checkCpuList(String flag, String value) {
    if (!"none".equals(value) && !value.matches("[0-9]+([-,][0-9]+)*")) {
      throw bad(flag, "'" + value + "' is not a CPU list like 0 or 0-1 or 0,2 (or 'none')");
    }
  }

  private void checkUrl(URI url) {
    if (!("ws".equals(url.getScheme()) || "wss".equals(url.getScheme())) || url.getHost() == null
      || url.getPort() == 0) {
      throw bad("--url", "'" + url + "' is not a ws:// or wss://HOST:PORT/PATH URL");
    }
    if (common.allowRemote) {
      return;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(url.getHost())) {
        if (!address.isLoopbackAddress()) {
          throw bad("--url", url.getHost() + " is not a loopback address (" + address.getHostAddress()
            + "); benchmarks target 127.0.0.0/8 unless you add --allow-remote");
        }
      }
    } catch (UnknownHostException e) {
      throw bad("--url", "unknown host " + url.getHost());
    }
  }

  private void pinThisProcess(PrintWriter err) {
    if ("none".equals(common.clientCpus) || !tasksetAvailable() || Runtime.getRuntime().availableProcessors() < 2) {
      return;
    }
    try {
      Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", common.clientCpus,
        Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        err.println("Warning: could not pin the load generator to CPUs " + common.clientCpus);
      }
    } catch (IOException e) {
      err.println("Warning: could not pin the load generator: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean tasksetAvailable() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "taskset"))) {
        return true;
      }
    }
    return false;
  }

  private static Path ownJar() {
    try {
      Path location = Path.of(Scenario.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return location.toString().endsWith(".jar") ? location : null;
    } catch (Exception e) {
      return null;
    }
  }
}
