package io.wstest.server;

import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wstest.cluster.ClusterSettings;
import io.wstest.cluster.RedisCluster;
import io.wstest.identity.ServiceIdentity;
import io.wstest.runtime.Metrics;
import io.wstest.runtime.ServiceLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * Deploys both servers, each as {@code instances} verticle instances sharing its port, runs the warm-up if
 * WARMUP asks for one, marks the process ready and logs the start-up lines the seed printed.
 */
public final class ServiceLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);

  private ServiceLauncher() {
  }

  public static Future<Void> start(Vertx vertx, ServerConfig config, ServiceIdentity identity) {
    LOG.info("Service Identity: {}", identity.toJson().encode());
    if (config.tls()) {
      TlsPem.validityWarnings(config.tlsCert(), Instant.now()).forEach(LOG::warn);
    }
    Metrics.of(vertx).registerInfo(identity);
    DeploymentOptions options = new DeploymentOptions().setInstances(config.instances());
    ClusterSettings cluster = config.clusterSettings();
    // the link first, so the first socket can already broadcast to the cluster; it does not wait for Redis
    Future<?> link = cluster == null ? Future.succeededFuture()
      : vertx.deployVerticle(new RedisCluster(cluster, identity));
    return link.compose(c -> deploy(vertx, () -> new HttpVerticle(config, identity), options,
      config.httpPort(), ServerConfig.HTTP_PORT, config))
      .compose(v -> deploy(vertx, () -> new RawWebSocketVerticle(config, identity), options, config.wsPort(),
        ServerConfig.WS_PORT, config))
      .compose(v -> warmUp(vertx, config, identity))
      .onSuccess(v -> {
        ServiceLifecycle.of(vertx).markReady();
        LOG.info("=== WebSocket Test Service Started ===");
        LOG.info("Service Instance: {}", identity.displayName());
        LOG.info("Environment: {}", identity.environment());
        LOG.info("HTTP + WebSocket (/ws, /echo) on {}:{}, raw WebSocket on {}:{}, {} instances each",
          config.bindHost(), config.httpPort(), config.bindHost(), config.wsPort(), config.instances());
        if (config.proxyHttpPort() != 0 || config.proxyWsPort() != 0) {
          LOG.info("PROXY protocol required on {}:{} (HTTP) and {}:{} (raw WebSocket); 0 = off", config.bindHost(),
            config.proxyHttpPort(), config.bindHost(), config.proxyWsPort());
        }
        LOG.info("Cluster: {}", cluster == null ? "off (no REDIS_URL): this replica sees only its own sockets"
          : "on, Redis at REDIS_URL " + cluster.endpoint().masked());
        LOG.info("TLS: {}; allowed origins: {}; admin toggles: {}",
          config.tls() ? "on (https/wss, " + config.tlsEngine().value() + " engine)" : "off", config.allowedOrigins(),
          !config.adminEnabled() ? "off"
            : config.adminToken() == null ? "on, no ADMIN_TOKEN (anyone reaching the port may use them)"
            : "on, bearer token required");
      })
      .mapEmpty();
  }

  /**
   * WARMUP: the listeners are up (live, not ready) while the warm-up's private servers take its traffic; then the JIT
   * compiler threads step back behind the event loops ({@link CompilerThreads}).
   */
  private static Future<Void> warmUp(Vertx vertx, ServerConfig config, ServiceIdentity identity) {
    long millis = config.warmUpMillis();
    if (millis <= 0) {
      return Future.succeededFuture();
    }
    LOG.info("Warming up for {} ms before reporting ready (WARMUP)", millis);
    // the warm-up ends on a thread of its own Vert.x instance: the start continues on this one's context
    Context context = vertx.getOrCreateContext();
    Promise<Void> warmed = Promise.promise();
    WarmUp.run(config, identity, millis).onComplete(summary -> context.runOnContext(v -> warmed.complete()));
    return warmed.future().compose(v -> CompilerThreads.lowerPriority(vertx));
  }

  private static Future<String> deploy(Vertx vertx, Supplier<? extends Deployable> verticle, DeploymentOptions options,
                                       int port, Setting<Integer> portSetting, ServerConfig config) {
    return vertx.deployVerticle(verticle, options).recover(failure -> Future.failedFuture(
      describeListenFailure(failure, config.bindHost(), port, portSetting)));
  }

  static Throwable describeListenFailure(Throwable failure, String host, int port, Setting<Integer> setting) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PortInUseException named) {
        return named; // a PROXY listener's failure, already named after its own setting
      }
      String message = String.valueOf(t.getMessage());
      if (t instanceof java.net.BindException || message.contains("Address already in use")) {
        return new PortInUseException("Port " + port + " is already in use (" + setting.flag() + " / "
          + setting.env() + "); stop the process holding it or choose another port", failure);
      }
      if (message.contains("Cannot assign requested address")) {
        return new PortInUseException("Cannot listen on " + host + ":" + port + " (" + ServerConfig.BIND_HOST.flag()
          + " / " + ServerConfig.BIND_HOST.env() + "): no such local address", failure);
      }
      if (message.contains("Permission denied")) {
        return new PortInUseException("Not allowed to listen on port " + port + " (" + setting.flag() + " / "
          + setting.env() + "); ports below 1024 need privileges", failure);
      }
    }
    return failure;
  }
}
