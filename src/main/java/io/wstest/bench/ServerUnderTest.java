package io.wstest.bench;

import io.wstest.net.LoopbackPorts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.Proxy;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server a scenario runs against: either a URL given by the user (optionally with the pid to read /proc of),
 * or a process this command spawned — the service or the bare baseline from its own jar, or a {@code --peer} —
 * pinned to a CPU set.
 */
final class ServerUnderTest implements AutoCloseable {

  static final String SERVICE_STARTED_LINE = "=== WebSocket Test Service Started ===";
  /** How long a peer has to answer its /health with 200 after it was started. */
  static final long PEER_READY_TIMEOUT_MS = 30_000;

  private final String name;
  private final URI url;
  private final Process process;
  private final Long pid;
  private final long startToReadyMs;
  private final List<String> output;
  /** A peer's command line as started (ports substituted); null for the servers from this jar. */
  private final List<String> peerCommand;

  private ServerUnderTest(String name, URI url, Process process, Long pid, long startToReadyMs, List<String> output,
                          List<String> peerCommand) {
    this.name = name;
    this.url = url;
    this.process = process;
    this.pid = pid;
    this.startToReadyMs = startToReadyMs;
    this.output = output;
    this.peerCommand = peerCommand;
  }

  static ServerUnderTest external(URI url, Long pid) {
    return new ServerUnderTest("target", url, null, pid, -1, List.of(), null);
  }

  /**
   * How to start one kind of server: its command-line arguments and environment (fresh free ports each time), ready
   * line, URL.
   */
  record Launch(String name, List<String> args, Map<String, String> env, String readyLine, URI url) { }

  /**
   * The service on free loopback ports, configured the way the image is: no arguments, settings in the
   * environment (so it starts without the command-line parser, as a container does); ready at its start-up line.
   */
  static Launch serviceLaunch(SpawnSettings spawn) {
    int[] ports = LoopbackPorts.free(2);
    int http = ports[0];
    int ws = ports[1];
    Map<String, String> env = new HashMap<>(Map.of("BIND_HOST", "127.0.0.1", "HTTP_PORT", Integer.toString(http),
      "WS_PORT", Integer.toString(ws)));
    if (spawn.tls() != null) {
      env.put("TLS_CERT", spawn.tls().certPem().toString());
      env.put("TLS_KEY", spawn.tls().keyPem().toString());
      if (spawn.tlsEngine() != null) {
        env.put("TLS_ENGINE", spawn.tlsEngine());
      }
    }
    return new Launch("service", List.of(), Map.copyOf(env), SERVICE_STARTED_LINE,
      URI.create(spawn.scheme() + "://127.0.0.1:" + ws + "/"));
  }

  /** The bare Vert.x baseline server from this same jar. */
  static Launch baselineLaunch(SpawnSettings spawn) {
    int port = LoopbackPorts.free();
    List<String> args = new ArrayList<>(List.of("bench", "baseline-server", "--bind", "127.0.0.1", "--port",
      Integer.toString(port)));
    if (spawn.tls() != null) {
      args.addAll(List.of("--tls-cert", spawn.tls().certPem().toString(), "--tls-key",
        spawn.tls().keyPem().toString()));
      if (spawn.tlsEngine() != null) {
        args.addAll(List.of("--tls-engine", spawn.tlsEngine()));
      }
    }
    return new Launch("baseline", List.copyOf(args), Map.of(), BaselineServer.READY_LINE,
      URI.create(spawn.scheme() + "://127.0.0.1:" + port + "/"));
  }

  /** Spawns the service and waits for its start-up line. */
  static ServerUnderTest spawnService(SpawnSettings spawn) {
    return spawnService(spawn, Map.of());
  }

  /** Spawns the service with extra environment (REDIS_URL for a cluster) and waits for its start-up line. */
  static ServerUnderTest spawnService(SpawnSettings spawn, Map<String, String> env) {
    return spawn(spawn, "service", () -> serviceLaunch(spawn), env);
  }

  /** Spawns the bare Vert.x baseline server. */
  static ServerUnderTest spawnBaseline(SpawnSettings spawn) {
    return spawn(spawn, "baseline", () -> baselineLaunch(spawn), Map.of());
  }

  /**
   * Starts a {@code --peer} pinned like the service, on two fresh free loopback ports, and waits until it is ready
   * ({@link #notReadyBecause}) and its WebSocket port accepts connections (bounded; an error naming the peer if it
   * exits first or never gets there). Its WebSockets are then at ws://127.0.0.1:WS/.
   */
  static ServerUnderTest spawnPeer(SpawnSettings spawn, PeerCommand peer) {
    int[] ports = LoopbackPorts.free(2);
    int http = ports[0];
    int ws = ports[1];
    List<String> peerCommand = peer.command(http, ws);
    List<String> command = new ArrayList<>();
    if (spawn.serverCpus() != null) {
      command.addAll(List.of("taskset", "-c", spawn.serverCpus()));
    }
    command.addAll(peerCommand);
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    long started = System.nanoTime();
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start peer " + peer.name() + ": " + command + ": " + e.getMessage(), e);
    }
    Thread pump = new Thread(() -> pump(process.getInputStream(), output, null, new CompletableFuture<>(), started),
      peer.name() + "-output");
    pump.setDaemon(true);
    pump.start();
    long deadline = started + TimeUnit.MILLISECONDS.toNanos(PEER_READY_TIMEOUT_MS);
    String last = "no answer yet";
    try {
      while (true) {
        if (!process.isAlive()) {
          pump.join(1000); // the rest of what it printed
          throw new IllegalStateException("peer " + peer.name() + " exited with " + process.exitValue()
            + " before it was ready (last: " + last + "); command: " + String.join(" ", command) + "; output:\n"
            + String.join("\n", output));
        }
        Optional<String> waiting = notReadyBecause(http);
        // a peer may answer over HTTP a moment before its separate WebSocket listener is bound
        if (waiting.isEmpty() && accepts(ws)) {
          return new ServerUnderTest(peer.name(), URI.create("ws://127.0.0.1:" + ws + "/"), process, process.pid(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), output, peerCommand);
        }
        last = waiting.orElse("ready, but nothing listens on the WebSocket port " + ws);
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("peer " + peer.name() + " was not ready within "
            + PEER_READY_TIMEOUT_MS / 1000 + " s (last: " + last + "); command: " + String.join(" ", command)
            + "; output:\n" + String.join("\n", output));
        }
        // waits out the poll interval, or less if the peer exits meanwhile
        process.waitFor(50, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      throw new IllegalStateException("interrupted while peer " + peer.name() + " was starting");
    } catch (RuntimeException e) {
      stop(process);
      throw e;
    }
  }

  /** Whether a TCP connection to this loopback port is accepted (closed again at once). */
  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Why a peer on this HTTP port is not ready yet, or nothing when it is: {@code GET /health/ready} answers 200, or,
   * on a server without that path (404), {@code GET /health} does. The readiness path comes first because a
   * server may answer {@code /health} before it is ready: this service does while its WARMUP runs, and a peer
   * measured then would be measured warming up.
   */
  static Optional<String> notReadyBecause(int httpPort) {
    URI ready = URI.create("http://127.0.0.1:" + httpPort + "/health/ready");
    int status = statusOf(ready);
    if (status == 404) {
      URI health = URI.create("http://127.0.0.1:" + httpPort + "/health");
      int fallback = statusOf(health);
      return fallback == 200 ? Optional.empty()
        : Optional.of(answer(fallback) + " from " + health + " (" + ready + ": HTTP 404)");
    }
    return status == 200 ? Optional.empty() : Optional.of(answer(status) + " from " + ready);
  }

  private static String answer(int status) {
    return status < 0 ? "connection refused or no HTTP answer" : "HTTP " + status;
  }

  /** The HTTP status of one GET, or -1 when there is no answer (not listening yet). Never through a proxy. */
  private static int statusOf(URI uri) {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(2000);
      int status = connection.getResponseCode();
      try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        if (body != null) {
          body.readAllBytes();
        }
      }
      return status;
    } catch (IOException e) {
      return -1;
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }

  /** {@code name} is the kind {@code launches} makes; the ports are picked last, right before the start. */
  private static ServerUnderTest spawn(SpawnSettings spawn, String name, Supplier<Launch> launches,
                                       Map<String, String> env) {
    List<String> jvm = new ArrayList<>(spawn.jvmOptions());
    if (spawn.cds()) {
      jvm.add("-XX:SharedArchiveFile=" + CdsArchive.of(spawn, name, launches));
    }
    return start(spawn, jvm, launches.get(), env);
  }

  /** Starts a server with exactly these JVM flags and extra environment, and waits until it printed its ready line. */
  static ServerUnderTest start(SpawnSettings spawn, List<String> jvmOptions, Launch launch, Map<String, String> env) {
    String name = launch.name();
    List<String> command = new ArrayList<>();
    if (spawn.serverCpus() != null) {
      command.addAll(List.of("taskset", "-c", spawn.serverCpus()));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(spawn.jar().toString());
    command.addAll(launch.args());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("LOG_LEVEL", "INFO");
    builder.environment().putAll(launch.env());
    builder.environment().putAll(env);
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Long> ready = new CompletableFuture<>();
    long started = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + command + ": " + e.getMessage(), e);
    }
    Thread pump = new Thread(() -> pump(process.getInputStream(), output, launch.readyLine(), ready, started),
      name + "-output");
    pump.setDaemon(true);
    pump.start();
    process.onExit().thenRun(() -> ready.completeExceptionally(new IllegalStateException(
      name + " exited with " + process.exitValue() + " before it was ready:\n" + String.join("\n", output))));
    try {
      long readyNanos = ready.get(60, TimeUnit.SECONDS);
      return new ServerUnderTest(name, launch.url(), process, process.pid(),
        TimeUnit.NANOSECONDS.toMillis(readyNanos - started), output, null);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not become ready: " + e.getMessage(), e);
    }
  }

  /** Stops a spawned server like {@link #close} and returns its exit code (-1 if it had to be killed). */
  int stop() {
    close();
    return process == null || process.isAlive() ? -1 : process.exitValue();
  }

  private static void pump(InputStream in, List<String> output, String readyLine, CompletableFuture<Long> ready,
                           long started) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (output.size() < 1000) {
          output.add(line);
        }
        if (readyLine != null && line.contains(readyLine)) {
          ready.complete(System.nanoTime());
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  String name() { return name; }
  URI url() { return url; }
  long startToReadyMs() { return startToReadyMs; }
  boolean spawned() { return process != null; }
  /** A {@code --peer}, not a server from this jar. */
  boolean peer() { return peerCommand != null; }
  List<String> peerCommand() { return peerCommand; }

  Optional<Long> pid() {
    return pid != null && ProcStats.available(pid) ? Optional.of(pid) : Optional.empty();
  }

  Optional<ProcStats> stats() {
    return pid().map(ProcStats::read);
  }

  /**
   * Used Java heap in KB after a full GC, via the JDK's jcmd; empty when jcmd or the pid is not available, and for
   * peers.
   */
  Optional<Long> heapUsedKbAfterGc() {
    // a peer need not be a JVM, and jcmd's attach signals (SIGQUIT) whatever process it is given
    if (pid().isEmpty() || peer()) {
      return Optional.empty();
    }
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return Optional.empty();
    }
    try {
      run(jcmd.toString(), Long.toString(pid), "GC.run");
      String info = run(jcmd.toString(), Long.toString(pid), "GC.heap_info");
      // e.g. " def new generation   total 4928K, used 3034K [..." / " garbage-first heap   total 258048K, used 5133K [..."
      long used = 0;
      boolean found = false;
      for (String line : info.split("\n")) {
        int at = line.indexOf("used ");
        if (at >= 0 && line.contains("total ") && !line.trim().startsWith("Metaspace")
          && !line.trim().startsWith("class space")) {
          String number = line.substring(at + 5).split("K")[0].trim();
          if (line.contains("garbage-first heap")) {
            return Optional.of(Long.parseLong(number));
          }
          used += Long.parseLong(number);
          found = true;
        }
      }
      return found ? Optional.of(used) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  String recentOutput() {
    synchronized (output) {
      return String.join("\n", output.subList(Math.max(0, output.size() - 20), output.size()));
    }
  }

  @Override
  public void close() {
    if (process != null) {
      stop(process);
    }
  }

  /** SIGTERM, then SIGKILL when the process has not ended 10 s later; only ever a process bench started itself. */
  static void stop(Process process) {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
