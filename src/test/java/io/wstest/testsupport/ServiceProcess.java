package io.wstest.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real service: {@code java -jar target/websocket-test-service.jar} as a child process on free loopback
 * ports. Start-up is awaited by reading its log for the "Started" line (no polling); stop and kill act on this
 * process's pid only. Its output is kept under target/it-logs for post-mortems.
 */
public final class ServiceProcess implements AutoCloseable {

  public static final String STARTED_LINE = "=== WebSocket Test Service Started ===";

  private final Process process;
  private final int httpPort;
  private final int wsPort;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final Map<String, CompletableFuture<String>> awaitedLines = new LinkedHashMap<>();

  private ServiceProcess(Process process, int httpPort, int wsPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.wsPort = wsPort;
    Thread reader = new Thread(() -> pump(log), "service-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    process.onExit().thenRun(() -> started.completeExceptionally(
      new IllegalStateException("service exited with " + process.exitValue() + " before it started:\n" + output())));
  }

  /** Path of the fat jar under test: set by failsafe, or the default build output. */
  public static Path jar() {
    return Path.of(System.getProperty("service.jar", "target/websocket-test-service.jar"));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The {@code java} of the JDK the tests run on. */
  public static Path testJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** Starts a process with the given extra arguments and environment, without waiting for it. */
  public static Process launch(List<String> args, Map<String, String> env, Path log) {
    return launch(testJava(), args, env, log);
  }

  /** The same, run by the given {@code java} executable. */
  public static Process launch(Path java, List<String> args, Map<String, String> env, Path log) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jar().toAbsolutePath().toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("POD_") || k.equals("KUBERNETES_SERVICE_HOST")
      || k.equals("NODE_NAME") || k.equals("SERVICE_NAME") || k.equals("SERVICE_VERSION"));
    pb.environment().putAll(env);
    if (log != null) {
      pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
    }
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How a process that ended by itself ended: its exit code and everything it printed. */
  public record Exit(int code, String output) {
  }

  /**
   * Runs the jar until it exits by itself, reading its output meanwhile so a full pipe never stalls it; a
   * process still running after {@code timeout} is killed and reported as an error.
   */
  public static Exit run(List<String> args, Map<String, String> env, Duration timeout) {
    Process process = launch(args, env, null);
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("still running after " + timeout + ": java -jar ... " + String.join(" ", args));
      }
      return new Exit(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not read the output of java -jar ... " + String.join(" ", args), e);
    }
  }

  private void pump(Path log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      Files.createDirectories(log.getParent());
      try (var writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          lineRead(line);
          writer.write(line);
          writer.newLine();
          writer.flush();
          if (line.contains(STARTED_LINE)) {
            started.complete(null);
          }
        }
      }
    } catch (IOException e) {
      started.completeExceptionally(e);
    }
  }

  private void lineRead(String line) {
    synchronized (output) {
      output.add(line);
      awaitedLines.forEach((text, future) -> {
        if (line.contains(text)) {
          future.complete(line);
        }
      });
    }
  }

  /** Completes with the first log line (already printed or still to come) that contains {@code text}. */
  public CompletableFuture<String> lineContaining(String text) {
    synchronized (output) {
      CompletableFuture<String> future = awaitedLines.computeIfAbsent(text, t -> new CompletableFuture<>());
      output.stream().filter(line -> line.contains(text)).findFirst().ifPresent(future::complete);
      return future;
    }
  }

  public int httpPort() { return httpPort; }
  public int wsPort() { return wsPort; }
  public long pid() { return process.pid(); }
  public Process process() { return process; }
  public boolean isAlive() { return process.isAlive(); }

  public String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  /** Blocks until the service logged that it started (or exited, or the timeout passed). */
  public ServiceProcess awaitStarted(Duration timeout) {
    try {
      started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return this;
    } catch (Exception e) {
      close();
      throw new IllegalStateException("service on port " + httpPort + " did not start: " + e + "\n" + output(), e);
    }
  }

  /** SIGTERM, as Kubernetes sends; returns the exit code or -1 if it did not exit in time. */
  public int terminate(Duration timeout) {
    sigterm();
    return waitForExit(timeout);
  }

  /**
   * Sends SIGTERM to this process and returns at once. Unlike {@link Process#destroy()}, which also closes
   * the pipes, the output of the graceful shutdown that follows is still read and logged.
   */
  public void sigterm() {
    process.toHandle().destroy();
  }

  public int waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitForExit(Duration.ofSeconds(10));
    }
  }

  /**
   * Starts the replicas side by side (three JVMs one after another take most of a short test's time) and returns
   * them in the builders' order; if one fails to start, the others are stopped and the failure is thrown.
   */
  public static List<ServiceProcess> startAll(List<Builder> builders) {
    List<CompletableFuture<ServiceProcess>> starting = builders.stream()
      .map(builder -> CompletableFuture.supplyAsync(builder::start)).toList();
    try {
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
    } catch (RuntimeException e) {
      starting.stream().filter(f -> !f.isCompletedExceptionally()).forEach(f -> f.join().close());
      throw e;
    }
    return starting.stream().map(CompletableFuture::join).toList();
  }

  public static final class Builder {
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private int httpPort = -1;
    private int wsPort = -1;
    private String name = "service";
    private Duration startTimeout = Duration.ofSeconds(30);
    private Path java = testJava();

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder podName(String podName) {
      this.name = podName;
      return env("POD_NAME", podName);
    }

    public Builder arg(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    /** How long {@link #start()} waits for the start-up line (several JVMs starting at once on a busy machine). */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /** Runs the jar with another JDK's {@code java} than the one the tests run on. */
    public Builder java(Path executable) {
      this.java = executable;
      return this;
    }

    public Builder ports(int http, int ws) {
      this.httpPort = http;
      this.wsPort = ws;
      return this;
    }

    /** Starts the process and waits for its start-up line. */
    public ServiceProcess start() {
      int http = httpPort > 0 ? httpPort : FreePorts.next();
      int ws = wsPort > 0 ? wsPort : FreePorts.next();
      Map<String, String> fullEnv = new LinkedHashMap<>();
      fullEnv.put("HTTP_PORT", Integer.toString(http));
      fullEnv.put("WS_PORT", Integer.toString(ws));
      fullEnv.put("BIND_HOST", "127.0.0.1");
      fullEnv.put("INSTANCES", "2");
      fullEnv.putAll(env);
      Path log = Path.of("target", "it-logs", name + "-" + http + ".log");
      Process process = launch(java, args, fullEnv, log);
      return new ServiceProcess(process, http, ws, log).awaitStarted(startTimeout);
    }
  }
}
