package io.wstest.server;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.wstest.ops.AllowedOrigins;
import io.wstest.protocol.ConnectionHandler;
import io.wstest.protocol.Endpoint;
import io.wstest.runtime.ServiceLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single door to a WebSocket on both servers: requests that are not upgrades, and upgrades that do not ask for
 * RFC 6455 (version 13), get a JSON 426, foreign
 * browser origins a 403, and while an operator rejects upgrades or the process is shutting down they get that
 * status; the rest are handed to the connection handler. It calls {@code toWebSocket()} synchronously, as
 * Vert.x requires.
 */
final class WebSocketUpgrade {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgrade.class);

  /** RFC 6455 4.4: the one version served, named in the 426 answer to any other. */
  private static final String RFC6455_VERSION = "13";

  private final AllowedOrigins origins;
  private final ServiceLifecycle lifecycle;

  WebSocketUpgrade(AllowedOrigins origins, ServiceLifecycle lifecycle) {
    this.origins = origins;
    this.lifecycle = lifecycle;
  }

  void accept(HttpServerRequest request, ConnectionHandler handler, Endpoint endpoint) {
    if (!request.canUpgradeToWebSocket()) {
      request.response()
        .putHeader("Upgrade", "websocket")
        .putHeader("Connection", "Upgrade")
        .putHeader("Sec-WebSocket-Version", RFC6455_VERSION);
      refuse(request, 426, "upgrade_required", "this endpoint speaks WebSocket; connect with a WebSocket client");
      return;
    }
    if (!RFC6455_VERSION.equals(request.getHeader("Sec-WebSocket-Version"))) {
      // Netty would also accept hixie-75/76 (whose frames bypass MAX_MESSAGE_BYTES) and the drafts 7 and 8.
      handler.unsupportedVersion();
      request.response().putHeader("Sec-WebSocket-Version", RFC6455_VERSION);
      refuse(request, 426, "unsupported_websocket_version",
        "only WebSocket version 13 (RFC 6455) is served; send Sec-WebSocket-Version: 13");
      return;
    }
    if (!origins.allows(request.getHeader("Origin"))) {
      refuse(request, 403, "origin_not_allowed", "this Origin may not open WebSockets here (ALLOWED_ORIGINS)");
      return;
    }
    ServiceLifecycle.Refusal refusal = lifecycle.upgradeRefusal();
    if (refusal != null) {
      refuse(request, refusal.status(), refusal.error(), refusal.message());
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
      .putHeader(Responses.NOSNIFF, "nosniff")
      .putHeader("Retry-After", "1")
      .end(new JsonObject()
        .put("error", "too_many_connections")
        .put("message", "this replica already holds its maximum of " + max + " WebSocket connections (MAX_CONNECTIONS)")
        .put("status", 503).encode());
  }

  private static void refuse(HttpServerRequest request, int status, String error, String message) {
    request.response()
      .setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .putHeader(Responses.NOSNIFF, "nosniff")
      .end(new JsonObject().put("error", error).put("message", message).put("status", status).encode());
  }
}
