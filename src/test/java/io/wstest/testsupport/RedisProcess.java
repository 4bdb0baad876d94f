package io.wstest.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server (Debian package) on a free 127.0.0.1 port, nothing written to disk, killed by its pid.
 * {@link #kill()} simulates an outage and {@link #startAgain()} brings Redis back on the same port. Tests skip
 * with an install hint when it is missing: {@code Assumptions.assumeTrue(RedisProcess.available(),
 * RedisProcess.INSTALL_HINT)}.
 */
public final class RedisProcess implements AutoCloseable {

  public static final String INSTALL_HINT =
    "redis-server is not installed: apt-get install -y redis-server (CI's .ci/run does)";

  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private Process process;

  private RedisProcess(int port, Path dir, List<String> extraArgs) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = extraArgs;
  }

  public static boolean available() {
    return binary() != null;
  }

  private static Path binary() {
    return LoadBalancerProcess.executable("/usr/bin/redis-server", "/usr/sbin/redis-server",
      "/usr/local/bin/redis-server");
  }

  /** Starts Redis on a free port; {@code extraArgs} such as {@code --requirepass secret}. */
  public static RedisProcess start(String... extraArgs) {
    try {
      RedisProcess redis = new RedisProcess(FreePorts.next(), Files.createTempDirectory("wstest-redis-"),
        List.of(extraArgs));
      redis.startAgain();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** (Re)starts Redis on its port and waits, bounded, until it accepts connections. */
  public RedisProcess startAgain() {
    Path binary = binary();
    if (binary == null) {
      throw new IllegalStateException(INSTALL_HINT);
    }
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
      "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    command.addAll(extraArgs);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": " + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return this;
      } catch (IOException notYet) {
        try {
          process.waitFor(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    kill();
    throw new IllegalStateException("redis-server did not accept connections on port " + port + ": " + log());
  }

  public int port() { return port; }
  public long pid() { return process.pid(); }

  /** {@code redis://127.0.0.1:PORT}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** SIGKILL, as an outage: clients see their connections reset. */
  public void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** SIGSTOP: Redis keeps its connections open but answers nothing, as a stalled server does. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}: Redis answers what queued up meanwhile. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }
}
