package io.wstest.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.wstest.identity.ServiceIdentity;
import io.wstest.ops.PeerErrors;
import io.wstest.protocol.ConnectionHandler;
import io.wstest.protocol.Endpoint;
import io.wstest.runtime.ServiceLifecycle;

/** Port 8765: a WebSocket on any path, speaking the same protocol as /ws through the same handler. */
public final class RawWebSocketVerticle extends VerticleBase {

  private final ServerConfig config;
  private final ServiceIdentity identity;
  private ConnectionHandler connections;

  public RawWebSocketVerticle(ServerConfig config, ServiceIdentity identity) {
    this.config = config;
    this.identity = identity;
  }

  @Override
  public Future<?> start() {
    connections = new ConnectionHandler(vertx, identity, ConnectionHandler.RAW, config.connectionOptions());
    WebSocketUpgrade upgrade = new WebSocketUpgrade(config.allowedOrigins(), ServiceLifecycle.of(vertx));
    return connections.start().compose(v -> vertx
      .createHttpServer(WebSocketServerOptions.create(config, config.wsPort()))
      // errors of connections no request or socket handler has taken yet: counted, not a line each
      .exceptionHandler(PeerErrors::connectionError)
      .connectionHandler(WebSocketServerOptions.pendingConnections(vertx, config)::track)
      .requestHandler(request -> upgrade.accept(request, connections, Endpoint.PROTOCOL))
      .listen());
  }

  @Override
  public Future<?> stop() {
    return connections == null ? Future.succeededFuture() : connections.stop();
  }
}
