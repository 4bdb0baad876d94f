package io.wstest.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wstest.identity.ServiceIdentity;
import io.wstest.server.ServerConfig;
import io.wstest.server.ServiceLauncher;
import io.wstest.server.ServiceVertx;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The service started in the test JVM exactly as {@code serve} starts it (ServiceVertx + ServiceLauncher), on
 * free loopback ports with one verticle instance per server, so the test can reach its Vert.x instance.
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

  /** Starts the service with these settings (environment variable names) on top of the test defaults. */
  public static Future<InProcessService> start(Map<String, String> settings) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HTTP_PORT", Integer.toString(FreePorts.next()));
    env.put("WS_PORT", Integer.toString(FreePorts.next()));
    env.put("BIND_HOST", "127.0.0.1");
    env.put("INSTANCES", "1");
    env.putAll(settings);
    ServerConfig config = ServerConfig.fromEnv(env);
    Vertx vertx = ServiceVertx.create(config);
    return ServiceLauncher.start(vertx, config, IDENTITY).map(v -> new InProcessService(vertx, config));
  }

  public int httpPort() { return config.httpPort(); }
  public int wsPort() { return config.wsPort(); }
  public Vertx vertx() { return vertx; }

  public Future<Void> stop() {
    return vertx.close();
  }
}
