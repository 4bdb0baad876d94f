package io.wstest.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.wstest.runtime.Metrics;

import java.util.UUID;

/**
 * Creates the service's Vert.x instance. Metrics can only be switched on when Vert.x is created, so this is the
 * one place that does it, for the serve command and for tests alike.
 */
public final class ServiceVertx {

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
      // Start-up logs "MeterRegistry - WARN - This Gauge has been already registered (vertx.eventbus.handlers)":
      // vertx-micrometer 5.1.6 registers that gauge again for every event-bus consumer (the service has two per
      // verticle instance) and Micrometer 1.16 warns once about the repeat. Harmless: the repeat is ignored and
      // the gauge still counts every consumer (checked against a scrape); not a double registration of ours.
      options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        // JVM series are bound by Metrics.bindJvmMetrics instead: Vert.x's set includes Micrometer's
        // JvmGcMetrics and JvmHeapPressureMetrics, which handle a JMX notification after every GC
        .setJvmMetricsEnabled(false)
        // a name of its own: Vert.x keeps backends in a JVM-wide table keyed by it
        .setRegistryName("wstest-" + UUID.randomUUID()));
    }
    return options;
  }

  /** A Vert.x instance whose metrics (its own and the service's) land in one Prometheus registry. */
  public static Vertx create(ServerConfig config) {
    VertxOptions options = options(config);
    if (!config.metricsEnabled()) {
      return Vertx.vertx(options);
    }
    PrometheusMeterRegistry registry = Metrics.newPrometheusRegistry();
    Vertx vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
    Metrics.bindJvmMetrics(registry);
    Metrics.install(vertx, registry);
    return vertx;
  }
}
