package io.wstest.server;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.wstest.protocol.ConnectionHandler;
import io.wstest.protocol.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single door to a WebSocket on both servers: requests that are not upgrades get a JSON 426, upgrades are
 * handed to the connection handler. It calls {@code toWebSocket()} synchronously, as Vert.x requires.
 */
final class WebSocketUpgrade {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgrade.class);

  private WebSocketUpgrade() {
  }

  static void accept(HttpServerRequest request, ConnectionHandler handler, Endpoint endpoint) {
    if (!request.canUpgradeToWebSocket()) {
      request.response()
        .setStatusCode(426)
        .putHeader("Upgrade", "websocket")
        .putHeader("Connection", "Upgrade")
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject()
          .put("error", "upgrade_required")
          .put("message", "this endpoint speaks WebSocket; connect with a WebSocket client")
          .put("status", 426).encode());
      return;
    }
    request.toWebSocket()
      .onSuccess(ws -> handler.handle(ws, endpoint))
      .onFailure(e -> LOG.debug("WebSocket handshake failed: {}", e.toString()));
  }
}
