package io.wstest.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.Supplier;

/** The cluster's series on /metrics: whether Redis is reachable, the replicas seen, broadcasts in and out, drops. */
final class ClusterMetrics {

  final Counter published;
  final Counter received;
  /** Dropped because Redis was unreachable: the broadcast reached this replica's sockets only. */
  final Counter droppedUnavailable;
  /** Dropped because too many messages to Redis were already waiting for an answer (a slow or stalled Redis). */
  final Counter droppedQueueFull;
  /** Broadcasts from other replicas not delivered because too many were still being delivered here. */
  final Counter droppedInboundFull;

  ClusterMetrics(MeterRegistry registry, Supplier<Number> up, Supplier<Number> replicas) {
    Gauge.builder("cluster.up", up).description("1 while this replica is connected to Redis, else 0")
      .register(registry);
    Gauge.builder("cluster.replicas", replicas)
      .description("Replicas alive in this replica's cluster view, itself included (0 while Redis is unreachable)")
      .register(registry);
    published = Counter.builder("cluster.broadcasts.published")
      .description("Cluster broadcasts this replica handed to Redis").register(registry);
    received = Counter.builder("cluster.broadcasts.received")
      .description("Cluster broadcasts from other replicas received from Redis").register(registry);
    droppedUnavailable = dropped(registry, "unavailable");
    droppedQueueFull = dropped(registry, "queue_full");
    droppedInboundFull = dropped(registry, "inbound_full");
  }

  private static Counter dropped(MeterRegistry registry, String reason) {
    return Counter.builder("cluster.messages.dropped").tag("reason", reason)
      .description("Messages to or from Redis dropped instead of queued without bound").register(registry);
  }
}
