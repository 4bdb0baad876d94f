package io.wstest.server;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.wstest.ops.PeerErrors;
import io.wstest.runtime.FatalErrors;
import io.wstest.runtime.HttpServerSeries;
import io.wstest.runtime.Metrics;
import io.wstest.runtime.ServiceMetricsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Creates the service's Vert.x instance. Metrics can only be switched on when Vert.x is created, so this is the
 * one place that does it, for the serve command and for tests alike.
 */
public final class ServiceVertx {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceVertx.class);

  private ServiceVertx() {
  }

  /**
   * Vert.x options for this configuration: native epoll where available and one event loop per CPU (see
   * docs/performance.md), Micrometer metrics when METRICS_ENABLED.
   */
  public static VertxOptions options(ServerConfig config) {
    VertxOptions options = new VertxOptions()
      .setPreferNativeTransport(true)
      .setEventLoopPoolSize(ServerConfig.EVENT_LOOPS);
    if (config.metricsEnabled()) {
      // vertx-micrometer registers some of its gauges again for every connection and event-bus consumer; the
      // warning Micrometer logs about that is quieted in ops/LogConfigurator, which says why
      options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        // JVM series are bound by Metrics.bindJvmMetrics instead: Vert.x's set includes Micrometer's
        // JvmGcMetrics and JvmHeapPressureMetrics, which handle a JMX notification after every GC
        .setJvmMetricsEnabled(false)
        // a name of its own: Vert.x keeps backends in a JVM-wide table keyed by it
        .setRegistryName("wstest-" + UUID.randomUUID())
        // Every label value a peer can choose is a new series (about 11 for HTTP) that lives until the process
        // ends: Vert.x labels HTTP requests with the method as sent, and a client inventing methods grew /metrics
        // without limit. So the method label is set here, from a fixed set; the defaults without it are code
        // (chosen by the server), pool_type, pool_name and side. Path and route labels stay off. The HTTP server's
        // series are kept by runtime/HttpServerSeries, which bounds the method the same way.
        .setLabels(labelsWithoutMethod())
        .setClientRequestTagsProvider(ServiceVertx::methodTag));
    }
    return options;
  }

  private static Set<Label> labelsWithoutMethod() {
    EnumSet<Label> labels = EnumSet.copyOf(MicrometerMetricsOptions.DEFAULT_LABELS);
    labels.remove(Label.HTTP_METHOD);
    return labels;
  }

  /** {@code method="GET"} for a known method, {@code method="other"} for any other. */
  static Tags methodTag(HttpRequest request) {
    return Tags.of(Label.HTTP_METHOD.toString(), HttpServerSeries.boundedMethod(request.method()));
  }

  /** A Vert.x instance whose metrics (its own and the service's) land in one Prometheus registry. */
  public static Vertx create(ServerConfig config) {
    VertxOptions options = options(config);
    Vertx vertx;
    if (!config.metricsEnabled()) {
      vertx = Vertx.vertx(options);
    } else {
      PrometheusMeterRegistry registry = Metrics.newPrometheusRegistry();
      vertx = Vertx.builder().with(options).withMetrics(new ServiceMetricsFactory(registry)).build();
      Metrics.bindJvmMetrics(registry);
      Metrics.install(vertx, registry);
    }
    // what a handler throws and nothing else catches: Vert.x would log it (a line per peer that went away) and
    // carry on, out of memory included
    vertx.exceptionHandler(ServiceVertx::unhandled);
    return vertx;
  }

  /** An I/O error is a peer that went away, counted as such; anything else a handler of the service threw. */
  private static void unhandled(Throwable t) {
    FatalErrors.haltIfFatal(t);
    if (t instanceof IOException) {
      PeerErrors.connectionError(t);
    } else {
      LOG.error("Unhandled exception", t);
    }
  }
}
