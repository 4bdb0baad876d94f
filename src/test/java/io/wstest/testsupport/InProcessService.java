package io.wstest.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wstest.identity.ServiceIdentity;
import io.wstest.server.ServerConfig;
import io.wstest.server.ServiceLauncher;
import io.wstest.server.ServiceVertx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Both servers deployed in the test JVM on free loopback ports: real sockets without a process start. Either into
 * the test's own Vert.x ({@link #start(Vertx, Map)}, two verticle instances each so cross-instance paths run), or
 * into a Vert.x built exactly as {@code serve} builds it ({@link #start(Map)}, metrics included).
 */
public final class InProcessService {

  public static final ServiceIdentity IDENTITY = new ServiceIdentity("t35t1d01", "test-host", "127.0.0.1",
    "test-pod", "test-node", "default", "websocket-test-service", "local", "9.9.9-test", "2026-01-01T00:00:00.000Z");

  private final Vertx vertx;
  private final ServerConfig config;

  private InProcessService(Vertx vertx, ServerConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Deploys into the given Vert.x with these settings (environment variable names) on top of the defaults. */
  public static Future<InProcessService> start(Vertx vertx, Map<String, String> settings) {
    ServerConfig config = ServerConfig.fromEnv(env("2", settings));
    return ServiceLauncher.start(vertx, config, IDENTITY).map(v -> new InProcessService(vertx, config));
  }

  /** {@link #start(Map)}, waited for (at most 30 s): for tests that set up outside Vert.x's test context. */
  public static InProcessService startAndWait(Map<String, String> settings) throws Exception {
    return start(settings).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** {@link #stop()}, waited for (at most 30 s). */
  public void stopAndWait() throws Exception {
    stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Starts in a new Vert.x created the way {@code serve} creates it; {@link #stop()} closes it. */
  public static Future<InProcessService> start(Map<String, String> settings) {
    ServerConfig config = ServerConfig.fromEnv(env("1", settings));
    Vertx vertx = ServiceVertx.create(config);
    return ServiceLauncher.start(vertx, config, IDENTITY).map(v -> new InProcessService(vertx, config));
  }

  private static Map<String, String> env(String instances, Map<String, String> settings) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HTTP_PORT", Integer.toString(FreePorts.next()));
    env.put("WS_PORT", Integer.toString(FreePorts.next()));
    env.put("BIND_HOST", "127.0.0.1");
    env.put("INSTANCES", instances);
    env.putAll(settings);
    return env;
  }

  public int httpPort() { return config.httpPort(); }
  public int wsPort() { return config.wsPort(); }
  public Vertx vertx() { return vertx; }
  public ServerConfig config() { return config; }

  public Future<Void> stop() {
    return vertx.close();
  }
}
