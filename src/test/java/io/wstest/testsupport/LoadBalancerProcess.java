package io.wstest.testsupport;

import io.wstest.lab.LbTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx or HAProxy process in the foreground, configured from a template of the jar's (the ones {@code lab}
 * runs, src/main/resources/io/wstest/lab) with its placeholders filled in, listening on two free loopback ports
 * (one for each side of the service).
 * Closing it kills this process only, by its own handle.
 */
public class LoadBalancerProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final int httpPort;
  private final int wsPort;
  private final Path runtimeDir;

  LoadBalancerProcess(String name, Process process, int httpPort, int wsPort, Path runtimeDir) {
    this.name = name;
    this.process = process;
    this.httpPort = httpPort;
    this.wsPort = wsPort;
    this.runtimeDir = runtimeDir;
  }

  public int httpPort() { return httpPort; }
  public int wsPort() { return wsPort; }
  public Path runtimeDir() { return runtimeDir; }
  public long pid() { return process.pid(); }

  /** The project's docker/ directory (Compose and its nginx config). */
  static Path dockerDir() {
    Path dir = Path.of("docker").toAbsolutePath();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("docker/ not found from " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** A template of the jar's (io.wstest.lab.LbTemplate, the same files lab runs) with its placeholders filled. */
  static String fill(String template, Map<String, String> values) {
    return LbTemplate.fill(template, values);
  }

  static Path executable(String... candidates) {
    for (String candidate : candidates) {
      Path path = Path.of(candidate);
      if (Files.isExecutable(path)) {
        return path;
      }
    }
    return null;
  }

  /** Starts the process and waits (bounded) until both ports accept TCP connections. */
  static LoadBalancerProcess start(String name, List<String> command, int httpPort, int wsPort, Path runtimeDir) {
    try {
      Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(runtimeDir.resolve(name + ".out").toFile())
        .start();
      LoadBalancerProcess lb = new LoadBalancerProcess(name, process, httpPort, wsPort, runtimeDir);
      lb.awaitListening(Duration.ofSeconds(15));
      return lb;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An external process has no event to wait for, so this retries a TCP connect a bounded number of times.
   */
  private void awaitListening(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int port : List.of(httpPort, wsPort)) {
      while (!accepts(port)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IllegalStateException(name + " did not listen on " + port + ": " + diagnostics());
        }
        try {
          TimeUnit.MILLISECONDS.sleep(25);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public String diagnostics() {
    List<String> parts = new ArrayList<>();
    try (var files = Files.list(runtimeDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out")).toList()) {
        parts.add(file.getFileName() + ":\n" + Files.readString(file));
      }
    } catch (IOException e) {
      parts.add(e.toString());
    }
    return String.join("\n", parts);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
