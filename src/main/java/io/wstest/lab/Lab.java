package io.wstest.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running lab: starts the replicas (this jar's {@code serve}, same java binary), waits until each is ready,
 * writes and starts the load balancer, prints where everything is and what to try, and stops everything on
 * SIGTERM/SIGINT or when a start fails.
 */
final class Lab {

  /** The line that says the lab is usable; everything it names is printed before it. */
  static final String READY = "Lab ready:";
  static final Duration START_BOUND = Duration.ofSeconds(90);
  static final Duration LB_START_BOUND = Duration.ofSeconds(15);
  /** Beyond the replicas' drain (DRAIN_DELAY, then the shutdown message and SHUTDOWN_GRACE per socket). */
  static final int STOP_BOUND_SECONDS = 15;
  static final Duration STOP_BOUND = Duration.ofSeconds(STOP_BOUND_SECONDS);
  /** JVM flags of the replicas: small and quick to start, several fit on a laptop. */
  static final List<String> REPLICA_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
    "-Xss512k", "-Xmx256m");
  /** Defaults the replicas get unless the environment sets them: one event loop, a drain a lab need not wait for. */
  static final Map<String, String> REPLICA_ENV_DEFAULTS = Map.of("INSTANCES", "1", "DRAIN_DELAY", "2s");

  private final LabSettings settings;
  private final Path java;
  private final Path jar;
  private final Path lbBinary;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Children children = new Children();

  Lab(LabSettings settings, Path java, Path jar, Path lbBinary, PrintWriter out, PrintWriter err) {
    this.settings = settings;
    this.java = java;
    this.jar = jar;
    this.lbBinary = lbBinary;
    this.out = out;
    this.err = err;
  }

  /** A start that did not work, with the reason in the user's words. */
  static final class StartFailure extends RuntimeException {
    StartFailure(String message) {
      super(message);
    }
  }

  /** Runs until stopped: 0 after SIGTERM/SIGINT (the process halts with it), 1 when something failed. */
  int run(Ports ports) {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopOnSignal, "lab-stop"));
    try {
      Files.createDirectories(settings.dir());
      List<Replica> replicas = new ArrayList<>();
      for (int i = 0; i < settings.replicas(); i++) {
        replicas.add(settings.replica(i, ports.next(), ports.next()));
      }
      List<Process> processes = new ArrayList<>();
      for (Replica replica : replicas) {
        processes.add(startReplica(replica));
      }
      long deadline = System.nanoTime() + START_BOUND.toNanos();
      for (int i = 0; i < replicas.size(); i++) {
        awaitReady(replicas.get(i), processes.get(i), deadline);
      }
      Process lb = settings.balancer() == null ? null : startBalancer(replicas);
      for (int i = 0; i < replicas.size(); i++) {
        reportExit(replicas.get(i), processes.get(i));
      }
      printReady(replicas, processes, lb);
      return awaitEnd(lb, processes);
    } catch (StartFailure | IOException | UncheckedIOException | IllegalStateException e) {
      if (children.stopping()) {
        return 0;
      }
      err.println("lab: " + e.getMessage());
      err.flush();
      List<String> started = children.started();
      stop();
      err.println("lab: stopped everything it had started"
        + (started.isEmpty() ? "" : ": " + String.join(", ", started))
        + "; configuration and logs are in " + settings.dir());
      err.flush();
      return 1;
    }
  }

  private Process startReplica(Replica replica) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(REPLICA_JVM_FLAGS);
    command.addAll(List.of("-jar", jar.toString(), "serve"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(log(replica.name()).toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    Map<String, String> env = builder.environment();
    REPLICA_ENV_DEFAULTS.forEach(env::putIfAbsent);
    env.put("HTTP_PORT", Integer.toString(replica.httpPort()));
    env.put("WS_PORT", Integer.toString(replica.wsPort()));
    env.put("BIND_HOST", settings.bind().getHostAddress());
    env.put("POD_NAME", replica.name());
    env.put("SERVICE_VERSION", replica.version());
    return children.start(replica.name(), builder, false);
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private Path log(String name) {
    return settings.dir().resolve(name + ".log");
  }

  /**
   * A child process raises no event when it is ready, so its readiness probe is asked every 100 ms until it answers
   * 200, the process exits, or the shared start deadline passes.
   */
  private void awaitReady(Replica replica, Process process, long deadline) {
    URI ready = URI.create("http://" + settings.connectHost() + ":" + replica.httpPort() + "/health/ready");
    while (true) {
      if (!process.isAlive()) {
        throw new StartFailure(replica.name() + " exited with code " + process.exitValue() + " while starting: "
          + tail(log(replica.name())));
      }
      if (answers200(ready)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new StartFailure(replica.name() + " was not ready within " + START_BOUND.toSeconds() + " s ("
          + ready + "): " + tail(log(replica.name())));
      }
      pause(100);
    }
  }

  private static boolean answers200(URI uri) {
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(2000);
      try {
        return connection.getResponseCode() == 200;
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private Process startBalancer(List<Replica> replicas) throws IOException {
    Balancer balancer = settings.balancer();
    Path dir = settings.dir();
    Files.writeString(dir.resolve(LbTemplate.WEBSOCKET_PROXY), LbTemplate.text(LbTemplate.WEBSOCKET_PROXY),
      StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(balancer.configFile()), balancer.config(settings, replicas, dir),
      StandardCharsets.UTF_8);
    Path output = dir.resolve(balancer.binaryName() + ".out");
    ProcessBuilder builder = new ProcessBuilder(balancer.command(lbBinary, dir)).redirectErrorStream(true)
      .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    Process lb = children.start(balancer.binaryName(), builder, true);
    long deadline = System.nanoTime() + LB_START_BOUND.toNanos();
    for (int port : List.of(settings.lbHttpPort(), settings.lbWsPort())) {
      while (!accepts(port)) {
        if (!lb.isAlive()) {
          throw new StartFailure(balancer.binaryName() + " exited with code " + lb.exitValue() + " at start: "
            + tail(output) + tail(dir.resolve("error.log")));
        }
        if (System.nanoTime() > deadline) {
          throw new StartFailure(balancer.binaryName() + " did not listen on port " + port + " within "
            + LB_START_BOUND.toSeconds() + " s: " + tail(output));
        }
        pause(50);
      }
    }
    if (balancer == Balancer.HAPROXY) {
      String notUp = new HaproxyRuntime(dir.resolve(HaproxyRuntime.SOCKET)).awaitServersUp(deadline);
      if (notUp != null) {
        throw new StartFailure("HAProxy's servers were not all UP within " + LB_START_BOUND.toSeconds() + " s:\n"
          + notUp);
      }
    }
    return lb;
  }

  private boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(settings.connectHost().replace("[", "").replace("]", ""), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** From now on a replica that exits (a user's kill -TERM during a soak, a crash) is reported as it happens. */
  private void reportExit(Replica replica, Process process) {
    process.onExit().thenAccept(p -> {
      if (!children.stopping()) {
        synchronized (out) {
          out.println(replica.name() + " (pid " + p.pid() + ") exited with code " + p.exitValue() + "; its log: "
            + log(replica.name()));
          out.flush();
        }
      }
    });
  }

  private void printReady(List<Replica> replicas, List<Process> processes, Process lb) {
    LabPrintout printout = new LabPrintout(settings, jar, replicas, processes.stream().map(Process::pid).toList(),
      lb == null ? 0 : lb.pid(), lbBinary);
    synchronized (out) {
      out.print(printout.text());
      out.flush();
    }
  }

  /** Blocks until the load balancer exits (or, with --no-lb, every replica). */
  private int awaitEnd(Process lb, List<Process> replicas) {
    String what;
    if (lb != null) {
      int code = waitFor(lb.onExit()).exitValue();
      Path output = settings.dir().resolve(settings.balancer().binaryName() + ".out");
      what = settings.balancer().binaryName() + " (pid " + lb.pid() + ") exited with code " + code + ": "
        + tail(output);
    } else {
      waitFor(CompletableFuture.allOf(replicas.stream().map(Process::onExit).toArray(CompletableFuture[]::new)));
      what = "every replica exited";
    }
    if (children.stopping()) {
      return 0;
    }
    err.println("lab: " + what);
    err.flush();
    stop();
    return 1;
  }

  private static <T> T waitFor(CompletableFuture<T> future) {
    while (true) {
      try {
        return future.get();
      } catch (InterruptedException e) {
        // only a stop ends the lab
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  private boolean stop() {
    return children.stopAll(STOP_BOUND, line -> {
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    });
  }

  /** The shutdown hook: SIGTERM or Ctrl-C stops everything and ends the process with 0. */
  private void stopOnSignal() {
    if (!children.stopping()) {
      synchronized (out) {
        out.println("Stopping the lab ...");
        out.flush();
      }
    }
    if (stop()) {
      synchronized (out) {
        out.println("Lab stopped: every process it started has exited.");
        out.flush();
      }
      // A JVM ended by SIGTERM/SIGINT exits 143/130 once its hooks return; a clean stop is a normal end.
      Runtime.getRuntime().halt(0);
    }
  }

  /** The last lines of a log, for a failure message. */
  static String tail(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return "";
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<String> last = lines.subList(Math.max(0, lines.size() - 15), lines.size());
      return last.isEmpty() ? "(" + file + " is empty)" : "\n  " + file + ":\n    " + String.join("\n    ", last);
    } catch (IOException | UncheckedIOException e) {
      return "(" + file + ": " + e.getMessage() + ")";
    }
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartFailure("interrupted");
    }
  }
}
