package io.wstest.server;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerRequest;
import io.wstest.identity.ServiceIdentity;
import io.wstest.ops.PeerErrors;
import io.wstest.protocol.ConnectionHandler;
import io.wstest.protocol.Endpoint;
import io.wstest.protocol.PendingConnections;
import io.wstest.runtime.ServiceLifecycle;

/**
 * Port 8765: a WebSocket on any path, speaking the same protocol as /ws through the same handler; with PROXY_WS_PORT
 * the same on a listener that requires a PROXY protocol header.
 */
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
    WebSocketUpgrade upgrade = new WebSocketUpgrade(config.allowedOrigins(), ServiceLifecycle.of(vertx),
      config.showCredentials());
    Handler<HttpServerRequest> requests = request -> upgrade.accept(request, connections, Endpoint.PROTOCOL);
    PendingConnections pending = WebSocketServerOptions.pendingConnections(vertx, config);
    return connections.start()
      .compose(v -> vertx.createHttpServer(WebSocketServerOptions.create(config, config.wsPort()))
        // errors of connections no request or socket handler has taken yet: counted, not a line each
        .exceptionHandler(PeerErrors::connectionError)
        .connectionHandler(pending::track)
        .requestHandler(requests)
        .listen()
        .onSuccess(pending::guardAccepts))
      .compose(v -> ProxyListener.listen(vertx, config, config.proxyWsPort(), ServerConfig.PROXY_WS_PORT, requests));
  }

  @Override
  public Future<?> stop() {
    return connections == null ? Future.succeededFuture() : connections.stop();
  }
}
