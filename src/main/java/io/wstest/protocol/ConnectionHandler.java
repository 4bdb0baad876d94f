package io.wstest.protocol;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.identity.ServiceIdentity;
import io.wstest.runtime.ServiceLifecycle;
import io.wstest.wire.Fields;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place that speaks the WebSocket protocol, used by both servers. One handler per verticle instance:
 * it owns the sockets accepted on its event loop and receives broadcasts for them over the event bus, so every
 * socket is only ever touched from its own thread.
 */
public final class ConnectionHandler {

  public static final String HTTP = "http";
  public static final String RAW = "raw";

  private static final DeliveryOptions LOCAL_BROADCAST = new DeliveryOptions().setCodecName(Broadcast.CODEC);
  private static final DeliveryOptions LOCAL_DRAIN = new DeliveryOptions().setCodecName(Drain.CODEC);

  private final Vertx vertx;
  private final Context context;
  private final ConnectionRegistry registry;
  private final ServiceIdentity identity;
  private final JsonObject identityJson;
  /** The instance id as a JSON string literal, quoted, escaped and UTF-8 encoded once for spliced replies. */
  private final byte[] instanceIdJson;
  private final String server;
  private final ConnectionOptions options;
  /** The welcome's constant parts, encoded once for every socket of this handler. */
  private final WelcomeMessage welcome;
  private final WebSocketMetrics metrics;
  private final ServiceLifecycle lifecycle;
  private final IndexedSet<Connection> connections = new IndexedSet<>();
  private MessageConsumer<Broadcast> broadcasts;
  private MessageConsumer<Drain> drains;
  /** Set once the process is stopping: a socket whose handshake finishes now is closed straight away. */
  private Drain stopping;
  /** Drains in progress on this hub, each with the sockets it still waits for (sockets opened later don't count). */
  private final List<PendingDrain> pendingDrains = new ArrayList<>();

  private record PendingDrain(Drain drain, int sockets, Set<Connection> waitingFor) {
  }
  private long keepaliveTimer = -1;

  /**
   * @param server "http" or "raw": which server the sockets arrive on (reported in the welcome and counts)
   */
  public ConnectionHandler(Vertx vertx, ServiceIdentity identity, String server, ConnectionOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.registry = ConnectionRegistry.of(vertx);
    this.metrics = WebSocketMetrics.of(vertx);
    this.lifecycle = ServiceLifecycle.of(vertx);
    this.identity = identity;
    this.identityJson = identity.toJson();
    this.instanceIdJson = io.vertx.core.json.Json.encode(identity.instanceId()).getBytes(StandardCharsets.UTF_8);
    this.server = server;
    this.options = options;
    this.welcome = new WelcomeMessage(identity.displayName(), server, identityJson,
      Connection.keepaliveJson(options, true), Connection.keepaliveJson(options, false), options.maxMessageBytes(),
      instanceIdJson);
  }

  /** Starts receiving broadcasts and drain orders, and the keepalive timer; call from the verticle's start. */
  public Future<Void> start() {
    if (options.keepaliveEnabled()) {
      // one timer per handler (per event loop), not one per socket: it walks this handler's sockets
      keepaliveTimer = vertx.setPeriodic(options.keepaliveTickMillis(), id -> keepaliveTick());
    }
    broadcasts = vertx.eventBus().localConsumer(Broadcast.ADDRESS, message -> deliver(message.body()));
    drains = vertx.eventBus().localConsumer(Drain.ADDRESS, message -> drain(message.body()));
    return Future.all(broadcasts.completion(), drains.completion()).onSuccess(v -> registry.hubRegistered())
      .mapEmpty();
  }

  public Future<Void> stop() {
    if (keepaliveTimer >= 0) {
      vertx.cancelTimer(keepaliveTimer);
    }
    if (broadcasts == null) {
      return Future.succeededFuture();
    }
    registry.hubUnregistered();
    return Future.all(broadcasts.unregister(), drains.unregister()).mapEmpty();
  }

  /**
   * Reserves a place for an upgrade under {@code MAX_CONNECTIONS}; false means the process is full and the
   * upgrade must be refused. Call before {@code toWebSocket()}; follow with {@link #handle} or
   * {@link #upgradeFailed}.
   */
  public boolean admit() {
    if (registry.tryAdmit(options.maxConnections())) {
      return true;
    }
    metrics.rejectedMaxConnections.increment();
    return false;
  }

  /** Counts a request refused with 426 because it is not a valid RFC 6455 upgrade. */
  public void upgradeRejected(UpgradeDiagnosis.Reason reason) {
    metrics.upgradeRejected(reason);
  }

  /** Gives back the place {@link #admit} reserved when the handshake did not complete. */
  public void upgradeFailed() {
    registry.release();
  }

  public int maxConnections() {
    return options.maxConnections();
  }

  /** Takes over a freshly upgraded, admitted socket. Must be called on this handler's event loop. */
  public void handle(ServerWebSocket ws, Endpoint endpoint) {
    handle(ws, endpoint, null);
  }

  /**
   * Takes over a freshly upgraded, admitted socket. Must be called on this handler's event loop.
   *
   * @param handshake the upgrade request as received ({@link ReceivedRequest}) and the subprotocols and extensions
   *                  offered and accepted, for the welcome and info; null when unknown
   */
  public void handle(ServerWebSocket ws, Endpoint endpoint, Handshake handshake) {
    long number = registry.opened(server);
    metrics.opened.increment();
    Connection connection = new Connection(this, ws, number, endpoint, handshake);
    connections.add(connection);
    connection.open();
    if (stopping != null) {
      connection.shutdown(stopping.reason, stopping.code);
    }
  }

  public int localConnections() {
    return connections.size();
  }

  void closed(Connection connection, int code) {
    if (connections.remove(connection)) {
      registry.closed(server);
      registry.release();
      metrics.closed(code);
    }
    pendingDrains.removeIf(pending -> {
      if (pending.waitingFor.remove(connection) && pending.waitingFor.isEmpty()) {
        pending.drain.hubDone(pending.sockets);
        return true;
      }
      return false;
    });
  }

  /**
   * Sends every socket of this process (both servers, every verticle instance) a {@code shutdown} message and
   * then closes it with {@code code}, spread evenly over {@code spread}. Completes, on the caller's context,
   * with the number of sockets closed once every one of them has finished its closing handshake.
   *
   * @param stopping the process is going away: sockets whose handshake completes later are closed too
   */
  public static Future<Integer> closeAll(Vertx vertx, String reason, short code, Duration spread, boolean stopping) {
    ConnectionRegistry registry = ConnectionRegistry.of(vertx);
    int hubs = registry.hubCount();
    if (hubs == 0) {
      return Future.succeededFuture(0);
    }
    Context caller = vertx.getOrCreateContext();
    Promise<Integer> done = Promise.promise();
    Drain drain = new Drain(reason, code, spread.toMillis(), stopping, hubs,
      closed -> caller.runOnContext(v -> done.complete(closed)));
    vertx.eventBus().publish(Drain.ADDRESS, drain, LOCAL_DRAIN);
    return done.future();
  }

  /** Closes this hub's sockets, the i-th of n after i/n of the spread, and reports once all are closed. */
  private void drain(Drain drain) {
    if (drain.stopping) {
      stopping = drain;
    }
    List<Connection> open = connections.snapshot();
    int n = open.size();
    if (n == 0) {
      drain.hubDone(0);
      return;
    }
    pendingDrains.add(new PendingDrain(drain, n, new HashSet<>(open)));
    for (int i = 0; i < n; i++) {
      Connection connection = open.get(i);
      long delay = drain.spreadMillis * i / n;
      if (delay < 1) {
        connection.shutdown(drain.reason, drain.code);
      } else {
        vertx.setTimer(delay, t -> connection.shutdown(drain.reason, drain.code));
      }
    }
  }

  private void keepaliveTick() {
    long now = System.currentTimeMillis();
    List<Connection> idle = null;
    for (Connection connection : connections) {
      if (connection.keepalive(now, options.pingIntervalMillis(), options.idleTimeoutMillis())) {
        idle = add(idle, connection);
      }
    }
    // closed after the walk, so a close handler can never change the set under the loop
    if (idle != null) {
      idle.forEach(Connection::closeIdle);
    }
  }

  private static List<Connection> add(List<Connection> list, Connection connection) {
    List<Connection> result = list == null ? new ArrayList<>() : list;
    result.add(connection);
    return result;
  }

  /**
   * Publishes a broadcast to every protocol socket of this process (/ws and the raw server, not /echo) and
   * reports the recipient count to the sender. With {@code clusterScope} and a {@link ClusterLink} attached it
   * also goes to every other replica, and the sender's ack waits for their reports (at most the link's window).
   */
  void publish(Connection sender, JsonObject message, boolean clusterScope) {
    String encoded = message.encode();
    if (!clusterScope) {
      deliverEverywhere(vertx, registry, encoded).onSuccess(local -> context.runOnContext(v ->
        sender.broadcastDelivered(local.recipients(), local.dropped())));
      return;
    }
    ClusterLink cluster = registry.cluster();
    Future<Delivered> local = deliverEverywhere(vertx, registry, encoded);
    Future<JsonObject> remote = cluster != null ? cluster.publish(encoded) : Future.succeededFuture(
      new JsonObject().put(Fields.CLUSTER, "disabled").put(Fields.REPLICAS_EXPECTED, 0).put(Fields.REPLICAS, new JsonArray()));
    Future.all(local, remote).onComplete(done -> context.runOnContext(v ->
      sender.clusterBroadcastDelivered(clusterAck(local.result(), remote.result()))));
  }

  /** This replica's counts first, then each replica that reported; totals over all of them. */
  private JsonObject clusterAck(Delivered local, JsonObject remote) {
    JsonArray replicas = new JsonArray().add(new JsonObject()
      .put(Fields.INSTANCE_ID, identity.instanceId())
      .put(Fields.DISPLAY_NAME, identity.displayName())
      .put(Fields.RECIPIENTS, local.recipients())
      .put(Fields.DROPPED, local.dropped()));
    int recipients = local.recipients();
    int dropped = local.dropped();
    JsonArray reported = remote.getJsonArray(Fields.REPLICAS, new JsonArray());
    for (int i = 0; i < reported.size(); i++) {
      JsonObject replica = reported.getJsonObject(i);
      replicas.add(replica);
      recipients += replica.getInteger(Fields.RECIPIENTS, 0);
      dropped += replica.getInteger(Fields.DROPPED, 0);
    }
    int expected = 1 + remote.getInteger(Fields.REPLICAS_EXPECTED, 0);
    return new JsonObject()
      .put(Fields.RECIPIENTS, recipients)
      .put(Fields.DROPPED, dropped)
      .put(Fields.CLUSTER, remote.getString(Fields.CLUSTER))
      .put(Fields.REPLICAS_EXPECTED, expected)
      .put(Fields.REPLICAS_REPORTED, replicas.size())
      .put(Fields.COMPLETE, replicas.size() >= expected)
      .put(Fields.REPLICAS, replicas);
  }

  /**
   * Delivers an encoded broadcast message to every protocol socket of this process: encoded once, every hub
   * appends only each socket's {@code seq}. Completes, on any thread, once every hub is done. The cluster link
   * uses it for broadcasts that come from other replicas.
   */
  public static Future<Delivered> deliverLocally(Vertx vertx, String encodedBroadcast) {
    return deliverEverywhere(vertx, ConnectionRegistry.of(vertx), encodedBroadcast);
  }

  private static Future<Delivered> deliverEverywhere(Vertx vertx, ConnectionRegistry registry, String encoded) {
    int hubs = registry.hubCount();
    if (hubs == 0) {
      return Future.succeededFuture(new Delivered(0, 0));
    }
    Promise<Delivered> done = Promise.promise();
    String prefix = encoded.substring(0, encoded.length() - 1);
    Broadcast broadcast = new Broadcast(prefix, hubs, (recipients, dropped) ->
      done.complete(new Delivered(recipients, dropped)));
    vertx.eventBus().publish(Broadcast.ADDRESS, broadcast, LOCAL_BROADCAST);
    return done.future();
  }

  /** The body of a {@code cluster} reply: the link's live view, or {@code enabled: false} without Redis. */
  JsonObject clusterView() {
    ClusterLink cluster = registry.cluster();
    if (cluster == null) {
      return new JsonObject().put("enabled", false).put("status", "disabled")
        .put("message", "clustering is off: this replica was started without REDIS_URL");
    }
    return cluster.view();
  }

  private void deliver(Broadcast broadcast) {
    int delivered = 0;
    int dropped = 0;
    List<Connection> tooSlow = null;
    for (Connection connection : connections) {
      switch (connection.deliverBroadcast(broadcast.jsonPrefix)) {
        case DELIVERED -> delivered++;
        case DROPPED -> {
          dropped++;
          if (connection.droppedBroadcasts() >= options.slowConsumerLimit()) {
            tooSlow = add(tooSlow, connection);
          }
        }
        default -> { }
      }
    }
    if (tooSlow != null) {
      tooSlow.forEach(Connection::closeSlowConsumer);
    }
    metrics.broadcastRecipients.increment(delivered);
    metrics.sent.increment(delivered);
    if (dropped > 0) {
      metrics.slowConsumerDrops.increment(dropped);
    }
    broadcast.hubDone(delivered, dropped);
  }

  /**
   * The process got SIGTERM/SIGINT and is draining: readiness fails and every socket will get a shutdown. A
   * client whose welcome says so landed on a replica that is going away (the load balancer has not noticed yet).
   */
  boolean draining() {
    return lifecycle.state() == ServiceLifecycle.State.DRAINING;
  }

  Vertx vertx() { return vertx; }
  ServiceIdentity identity() { return identity; }
  JsonObject identityJson() { return identityJson; }
  byte[] instanceIdJson() { return instanceIdJson; }
  WelcomeMessage welcome() { return welcome; }
  String server() { return server; }
  int maxMessageBytes() { return options.maxMessageBytes(); }
  ConnectionOptions options() { return options; }
  WebSocketMetrics metrics() { return metrics; }
  ConnectionRegistry registry() { return registry; }

  /** Registers the broadcast and drain codecs once per Vert.x instance. */
  static void registerCodec(Vertx vertx) {
    vertx.eventBus().registerCodec(new LocalCodec<Broadcast>(Broadcast.CODEC));
    vertx.eventBus().registerCodec(new LocalCodec<Drain>(Drain.CODEC));
  }
}
