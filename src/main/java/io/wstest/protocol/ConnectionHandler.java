package io.wstest.protocol;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.wstest.identity.ServiceIdentity;

import java.util.LinkedHashSet;
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

  private final Vertx vertx;
  private final Context context;
  private final ConnectionRegistry registry;
  private final ServiceIdentity identity;
  private final JsonObject identityJson;
  /** The instance id as a JSON string literal, quoted and escaped once for spliced replies. */
  private final String instanceIdJson;
  private final String server;
  private final int maxMessageBytes;
  private final Set<Connection> connections = new LinkedHashSet<>();
  private MessageConsumer<Broadcast> broadcasts;

  /**
   * @param server "http" or "raw": which server the sockets arrive on (reported in the welcome and counts)
   */
  public ConnectionHandler(Vertx vertx, ServiceIdentity identity, String server, int maxMessageBytes) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.registry = ConnectionRegistry.of(vertx);
    this.identity = identity;
    this.identityJson = identity.toJson();
    this.instanceIdJson = io.vertx.core.json.Json.encode(identity.instanceId());
    this.server = server;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Starts receiving broadcasts; call from the verticle's start. */
  public Future<Void> start() {
    broadcasts = vertx.eventBus().localConsumer(Broadcast.ADDRESS, message -> deliver(message.body()));
    return broadcasts.completion().onSuccess(v -> registry.hubRegistered());
  }

  public Future<Void> stop() {
    if (broadcasts == null) {
      return Future.succeededFuture();
    }
    registry.hubUnregistered();
    return broadcasts.unregister();
  }

  /** Takes over a freshly upgraded socket. Must be called on this handler's event loop. */
  public void handle(ServerWebSocket ws, Endpoint endpoint) {
    long number = registry.opened(server);
    Connection connection = new Connection(this, ws, identity.instanceId() + "-" + number, endpoint);
    connections.add(connection);
    connection.open();
  }

  public int localConnections() {
    return connections.size();
  }

  void closed(Connection connection) {
    if (connections.remove(connection)) {
      registry.closed(server);
    }
  }

  /** Publishes a broadcast to every socket of this process and reports the recipient count to the sender. */
  void publish(Connection sender, JsonObject message) {
    String encoded = message.encode();
    String prefix = encoded.substring(0, encoded.length() - 1);
    Broadcast broadcast = new Broadcast(prefix, registry.hubCount(),
      recipients -> context.runOnContext(v -> sender.broadcastDelivered(recipients)));
    vertx.eventBus().publish(Broadcast.ADDRESS, broadcast, LOCAL_BROADCAST);
  }

  private void deliver(Broadcast broadcast) {
    int delivered = 0;
    for (Connection connection : connections) {
      if (connection.deliverBroadcast(broadcast.jsonPrefix)) {
        delivered++;
      }
    }
    broadcast.hubDone(delivered);
  }

  ServiceIdentity identity() { return identity; }
  JsonObject identityJson() { return identityJson; }
  String instanceIdJson() { return instanceIdJson; }
  String server() { return server; }
  int maxMessageBytes() { return maxMessageBytes; }
  ConnectionRegistry registry() { return registry; }

  /** Registers the broadcast codec once per Vert.x instance. */
  static void registerCodec(Vertx vertx) {
    vertx.eventBus().registerCodec(new Broadcast.LocalCodec());
  }
}
