package io.wstest.bench;

import io.wstest.net.LoopbackPorts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server this command starts for the cluster mode of {@code bench broadcast}: on a free loopback port,
 * nothing persisted, stopped (by its own process handle, nothing else) when the run ends.
 */
final class RedisServer implements AutoCloseable {

  private static final String READY_LINE = "Ready to accept connections";

  private final Process process;
  private final int port;
  private final List<String> output;

  private RedisServer(Process process, int port, List<String> output) {
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /** Starts {@code redis-server} from the PATH and waits (at most 20 s) until it accepts connections. */
  static RedisServer start() {
    int port = LoopbackPorts.free();
    List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
      "--save", "", "--appendonly", "no", "--protected-mode", "yes");
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (--redis needs it on the PATH): " + e.getMessage(), e);
    }
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (output.size() < 200) {
            output.add(line);
          }
          if (line.contains(READY_LINE)) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
    }, "redis-server-output");
    pump.setDaemon(true);
    pump.start();
    process.onExit().thenRun(() -> ready.completeExceptionally(new IllegalStateException(
      "redis-server exited with " + process.exitValue() + ":\n" + String.join("\n", output))));
    RedisServer server = new RedisServer(process, port, output);
    try {
      ready.get(20, TimeUnit.SECONDS);
      return server;
    } catch (Exception e) {
      server.close();
      throw new IllegalStateException("redis-server did not become ready: " + e.getMessage(), e);
    }
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    ServerUnderTest.stop(process);
  }
}
