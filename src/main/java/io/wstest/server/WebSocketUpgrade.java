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
    if (!handler.admit()) {
      rejectFull(request, handler.maxConnections());
      return;
    }
    request.toWebSocket()
      .onSuccess(ws -> handler.handle(ws, endpoint))
      .onFailure(e -> {
        handler.upgradeFailed();
        LOG.debug("WebSocket handshake failed: {}", e.toString());
      });
  }

  /** MAX_CONNECTIONS reached: 503 so a load balancer retries another replica. */
  private static void rejectFull(HttpServerRequest request, int max) {
    request.response()
      .setStatusCode(503)
      .putHeader("Content-Type", "application/json")
      .putHeader("Retry-After", "1")
      .end(new JsonObject()
        .put("error", "too_many_connections")
        .put("message", "this replica already holds its maximum of " + max + " WebSocket connections (MAX_CONNECTIONS)")
        .put("status", 503).encode());
  }
}
