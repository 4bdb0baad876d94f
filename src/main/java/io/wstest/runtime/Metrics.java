package io.wstest.runtime;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import io.wstest.identity.ServiceIdentity;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * The process's meter registry: a Prometheus registry that Vert.x's own metrics and the service's WebSocket
 * metrics share, or a registry that records nothing when metrics are off. Installed once when Vert.x is created
 * (see server/ServiceVertx) so every verticle instance finds the same one.
 */
public final class Metrics implements Shareable {

  /** The text exposition format every Prometheus version scrapes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final String MAP = "wstest.process";
  private static final String KEY = "metrics";

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;

  private Metrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
  }

  /** A fresh Prometheus registry, to hand to Vert.x at creation and then to {@link #install}. */
  public static PrometheusMeterRegistry newPrometheusRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * The JVM and process series Vert.x would bind with {@code setJvmMetricsEnabled(true)}, except that garbage
   * collection is read from the collectors' MXBeans when scraped ({@code jvm_gc_collections_total},
   * {@code jvm_gc_collection_seconds_total} per collector) instead of by Micrometer's {@code JvmGcMetrics} and
   * {@code JvmHeapPressureMetrics}. Those two handle a JMX notification on the JVM's notification thread after every
   * collection: measured with {@code perf sched}, about 0.6 ms of CPU each time, three times a second under echo
   * load, plus the JIT compiling that code; on a service pinned to one CPU all of it preempts the event loop
   * (docs/performance.md).
   */
  public static void bindJvmMetrics(MeterRegistry registry) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmCompilationMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      FunctionCounter.builder("jvm.gc.collections", collector, GarbageCollectorMXBean::getCollectionCount)
        .tag("gc", collector.getName())
        .description("Garbage collections since the JVM started")
        .register(registry);
      FunctionCounter.builder("jvm.gc.collection.seconds", collector, c -> c.getCollectionTime() / 1000.0)
        .tag("gc", collector.getName())
        .baseUnit("seconds")
        .description("Time spent in garbage collections since the JVM started")
        .register(registry);
    }
  }

  /** Makes {@code prometheus} this Vert.x instance's registry; call before deploying anything. */
  public static Metrics install(Vertx vertx, PrometheusMeterRegistry prometheus) {
    Metrics metrics = new Metrics(prometheus, prometheus);
    vertx.sharedData().<String, Metrics>getLocalMap(MAP).put(KEY, metrics);
    return metrics;
  }

  /** The installed registry, or one that records nothing (an empty composite) when none was installed. */
  public static Metrics of(Vertx vertx) {
    return vertx.sharedData().<String, Metrics>getLocalMap(MAP)
      .computeIfAbsent(KEY, k -> new Metrics(new CompositeMeterRegistry(), null));
  }

  public MeterRegistry registry() {
    return registry;
  }

  public boolean enabled() {
    return prometheus != null;
  }

  /** {@code websocket_service_info{instance_id,pod,node,version} 1}: joins any series to the replica it came from. */
  public void registerInfo(ServiceIdentity identity) {
    Gauge.builder("websocket.service.info", () -> 1)
      .description("Identity of this replica; the value is always 1")
      .tag("instance_id", identity.instanceId())
      .tag("pod", identity.podName())
      .tag("node", identity.nodeName())
      .tag("version", identity.version())
      .register(registry);
  }

  /** {@code GET /metrics}: the Prometheus text format. Only routed when metrics are enabled. */
  public Handler<RoutingContext> scrapeHandler() {
    return ctx -> ctx.response()
      .putHeader("Content-Type", CONTENT_TYPE)
      .putHeader("Cache-Control", "no-store")
      .end(prometheus.scrape());
  }
}
