package io.wstest.server;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * The HTTP server options both servers share, so the two endpoints enforce the same WebSocket limits and, with
 * TLS_CERT + TLS_KEY, both speak https/wss.
 */
final class WebSocketServerOptions {

  private WebSocketServerOptions() {
  }

  static HttpServerOptions create(ServerConfig config, int port) {
    HttpServerOptions options = new HttpServerOptions()
      .setPort(port)
      .setHost(config.bindHost())
      .setTcpNoDelay(true)
      // Every socket is only touched from its own event loop (see ConnectionHandler), so Vert.x may write
      // straight to the channel: one MPSC write queue (4 KB of heap) less per connection (docs/performance.md).
      // Anything that writes to a socket must do so on that socket's event loop.
      .setStrictThreadMode(true)
      // A single frame may not exceed the message limit either; Netty closes such sockets with 1009.
      .setMaxWebSocketFrameSize(config.maxMessageBytes())
      .setMaxWebSocketMessageSize(config.maxMessageBytes())
      .setPerMessageWebSocketCompressionSupported(config.compression())
      .setPerFrameWebSocketCompressionSupported(config.compression());
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(config.tlsCert())
        .setKeyPath(config.tlsKey()));
    }
    return options;
  }
}
