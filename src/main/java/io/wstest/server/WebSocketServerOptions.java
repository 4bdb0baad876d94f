package io.wstest.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.wstest.options.TlsEngine;
import io.wstest.protocol.ProxyProtocol;
import io.wstest.protocol.PendingConnections;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP server options both servers share, so the two endpoints enforce the same WebSocket limits and, with
 * TLS_CERT + TLS_KEY, both speak https/wss.
 */
final class WebSocketServerOptions {

  private WebSocketServerOptions() {
  }

  static HttpServerOptions create(ServerConfig config, int port) {
    HttpServerOptions options = plain(config, port);
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(config.tlsCert())
        .setKeyPath(config.tlsKey()));
      if (config.tlsEngine() == TlsEngine.OPENSSL) {
        // unset, Vert.x uses the JVM's engine
        options.setSslEngineOptions(new OpenSSLEngineOptions());
      }
      if (config.clientAuth() != ClientAuth.NONE) {
        options.setClientAuth(config.clientAuth().toVertx())
          .setTrustOptions(new PemTrustOptions().addCertPath(config.tlsClientCa()));
      }
    }
    return options;
  }

  /**
   * The options of a PROXY protocol listener: always plain TCP, because the PROXY header is read in front of the
   * HTTP decoder, after the point where TLS would have been negotiated (see ProxyProtocol).
   */
  static HttpServerOptions proxyProtocol(ServerConfig config, int port) {
    return plain(config, port);
  }

  private static HttpServerOptions plain(ServerConfig config, int port) {
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
      .setPerFrameWebSocketCompressionSupported(config.compression())
      // HTTP/1.1 only: nothing here needs HTTP/2, and h2c (prior knowledge or Upgrade: h2c) would be one more
      // protocol on the port that the request deadlines, limits and the WebSocket upgrade were not built for.
      .setHttp2ClearTextEnabled(false)
      // The TLS handshake counts in the request deadline (PendingConnections); Netty counts it from the accept, and
      // bytes trickling in do not extend it.
      .setSslHandshakeTimeout(config.handshakeTimeout().toMillis())
      .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    if (!config.subprotocols().isEmpty()) {
      // Netty's handshaker picks, per request, the client's first offer that is in this list; "*" matches any
      options.setWebSocketSubProtocols(config.subprotocols());
    }
    return options;
  }

  /** The process's PROXY protocol requirement, for the PROXY listeners. */
  static ProxyProtocol proxyProtocol(Vertx vertx, ServerConfig config) {
    return ProxyProtocol.of(vertx, config.proxyProtocolTimeout().toMillis());
  }

  /** The process's bound on connections that are not WebSockets yet, with the deadlines they are held to. */
  static PendingConnections pendingConnections(Vertx vertx, ServerConfig config) {
    return PendingConnections.of(vertx, config.handshakeTimeout().toMillis(), config.httpIdleTimeout().toMillis(),
      config.maxPendingConnections());
  }
}
