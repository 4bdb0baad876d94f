package io.wstest.protocol;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.wstest.runtime.Metrics;

/**
 * The service's WebSocket series, registered once per process. Every counter is created up front, one per label
 * value, so the hot path is a field read and an adder increment: no lookups, no strings built per message.
 */
final class WebSocketMetrics implements Shareable {

  private static final String MAP = "wstest.process";
  private static final String KEY = "websocket-metrics";
  /** RFC 6455 codes 1000-1015 get their own series; anything else a range bucket, so peers cannot add series. */
  private static final int FIRST_CODE = 1000;
  private static final int LAST_CODE = 1015;

  final Counter opened;
  final Counter receivedPing;
  final Counter receivedBroadcast;
  final Counter receivedInfo;
  final Counter receivedCluster;
  final Counter receivedOptions;
  final Counter receivedEcho;
  final Counter receivedInvalidJson;
  final Counter receivedText;
  final Counter receivedBinary;
  final Counter sent;
  final Counter broadcastRecipients;
  final Counter slowConsumerDrops;
  final Counter rejectedMaxConnections;
  /** 426 answers by {@link UpgradeDiagnosis.Reason}, indexed by ordinal. */
  private final Counter[] rejectedUpgrades = new Counter[UpgradeDiagnosis.Reason.values().length];
  private final Counter[] closesByCode = new Counter[LAST_CODE - FIRST_CODE + 1];
  private final Counter closes3xxx;
  private final Counter closes4xxx;
  private final Counter closesOther;

  private WebSocketMetrics(MeterRegistry registry, ConnectionRegistry connections) {
    for (String server : new String[] {ConnectionHandler.HTTP, ConnectionHandler.RAW}) {
      Gauge.builder("websocket.connections.active", connections, c -> c.active(server))
        .description("Open WebSockets in this process").tag("server", server).register(registry);
    }
    opened = Counter.builder("websocket.connections.opened")
      .description("WebSockets accepted since start, both servers").register(registry);
    receivedPing = received(registry, "ping");
    receivedBroadcast = received(registry, "broadcast");
    receivedInfo = received(registry, "info");
    receivedCluster = received(registry, "cluster");
    receivedOptions = received(registry, "options");
    receivedEcho = received(registry, "echo");
    receivedInvalidJson = received(registry, "invalid_json");
    receivedText = received(registry, "text");
    receivedBinary = received(registry, "binary");
    sent = Counter.builder("websocket.messages.sent")
      .description("Messages written to WebSockets, broadcasts included").register(registry);
    broadcastRecipients = Counter.builder("websocket.broadcast.recipients")
      .description("Sockets a broadcast was written to, summed over all broadcasts").register(registry);
    slowConsumerDrops = Counter.builder("websocket.slow.consumer.drops")
      .description("Broadcasts not written because the socket's write queue was full").register(registry);
    rejectedMaxConnections = rejected(registry, "max_connections");
    for (UpgradeDiagnosis.Reason reason : UpgradeDiagnosis.Reason.values()) {
      rejectedUpgrades[reason.ordinal()] = rejected(registry, reason.label);
    }
    for (int code = FIRST_CODE; code <= LAST_CODE; code++) {
      closesByCode[code - FIRST_CODE] = closes(registry, Integer.toString(code));
    }
    closes3xxx = closes(registry, "3xxx");
    closes4xxx = closes(registry, "4xxx");
    closesOther = closes(registry, "other");
  }

  static WebSocketMetrics of(Vertx vertx) {
    // resolved outside computeIfAbsent: both live in the same local map, which forbids nested updates
    MeterRegistry registry = Metrics.of(vertx).registry();
    ConnectionRegistry connections = ConnectionRegistry.of(vertx);
    return vertx.sharedData().<String, WebSocketMetrics>getLocalMap(MAP)
      .computeIfAbsent(KEY, k -> new WebSocketMetrics(registry, connections));
  }

  /** Counts a finished socket under its close code (1006 when it ended without a close frame). */
  void closed(int code) {
    if (code >= FIRST_CODE && code <= LAST_CODE) {
      closesByCode[code - FIRST_CODE].increment();
    } else if (code >= 3000 && code <= 3999) {
      closes3xxx.increment();
    } else if (code >= 4000 && code <= 4999) {
      closes4xxx.increment();
    } else {
      closesOther.increment();
    }
  }

  void upgradeRejected(UpgradeDiagnosis.Reason reason) {
    rejectedUpgrades[reason.ordinal()].increment();
  }

  private static Counter rejected(MeterRegistry registry, String reason) {
    return Counter.builder("websocket.upgrades.rejected")
      .description("Requests to a WebSocket endpoint refused: 503 over MAX_CONNECTIONS (max_connections), 426 for "
        + "a request that is not a valid RFC 6455 upgrade, by its first problem (http_1_0, http_2, method, "
        + "missing_upgrade, missing_connection_upgrade, version, key)")
      .tag("reason", reason).register(registry);
  }

  private static Counter received(MeterRegistry registry, String type) {
    return Counter.builder("websocket.messages.received")
      .description("Messages received, by protocol type (text/binary: the /echo endpoint and binary frames)")
      .tag("type", type).register(registry);
  }

  private static Counter closes(MeterRegistry registry, String code) {
    return Counter.builder("websocket.closes")
      .description("Closed WebSockets by close code (the server's own code when it closed first)")
      .tag("code", code).register(registry);
  }
}
