package io.wstest.server;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.wstest.ops.PeerErrors;
import io.wstest.protocol.PendingConnections;
import io.wstest.protocol.ProxyProtocol;

/**
 * A listener that serves the same requests as one of the main ports but requires a PROXY protocol header on every
 * connection (PROXY_HTTP_PORT, PROXY_WS_PORT). A port of its own, so kubelet probes and plain clients keep using the
 * main ports, which never expect one: a listener that accepted both with and without a header would let any client
 * forge its address.
 */
final class ProxyListener {

  private ProxyListener() {
  }

  /** Listens on {@code port} unless it is 0 (off); the failure names {@code setting} when the port is taken. */
  static Future<?> listen(Vertx vertx, ServerConfig config, int port, Setting<Integer> setting,
                          Handler<HttpServerRequest> requests) {
    if (port == 0) {
      return Future.succeededFuture();
    }
    PendingConnections pending = WebSocketServerOptions.pendingConnections(vertx, config);
    ProxyProtocol proxy = WebSocketServerOptions.proxyProtocol(vertx, config);
    return vertx.createHttpServer(WebSocketServerOptions.proxyProtocol(config, port))
      // errors of connections no request or socket handler has taken yet: counted, not a line each
      .exceptionHandler(PeerErrors::connectionError)
      .connectionHandler(connection -> {
        pending.track(connection);
        proxy.require(connection);
      })
      .requestHandler(requests)
      .listen()
      .onSuccess(pending::guardAccepts)
      .recover(failure -> Future.failedFuture(
        ServiceLauncher.describeListenFailure(failure, config.bindHost(), port, setting)));
  }
}
