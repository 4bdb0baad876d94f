package io.wstest.server;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.wstest.ops.AllowedOrigins;
import io.wstest.protocol.ConnectionHandler;
import io.wstest.protocol.Endpoint;
import io.wstest.protocol.Handshake;
import io.wstest.protocol.ReceivedRequest;
import io.wstest.protocol.UpgradeDiagnosis;
import io.wstest.runtime.ServiceLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single door to a WebSocket on both servers: requests that are not valid RFC 6455 upgrades (version 13) get a
 * JSON 426 that says what is missing or wrong, shows the request as received and how to fix the proxy
 * ({@link UpgradeDiagnosis}), foreign browser origins a 403, and while an operator rejects upgrades or the process is
 * shutting down they get that status; the rest are handed to the connection handler with the request as received.
 * It calls {@code toWebSocket()} synchronously, as Vert.x requires.
 */
final class WebSocketUpgrade {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgrade.class);

  private final AllowedOrigins origins;
  private final ServiceLifecycle lifecycle;
  private final boolean showCredentials;

  WebSocketUpgrade(AllowedOrigins origins, ServiceLifecycle lifecycle, boolean showCredentials) {
    this.origins = origins;
    this.lifecycle = lifecycle;
    this.showCredentials = showCredentials;
  }

  void accept(HttpServerRequest request, ConnectionHandler handler, Endpoint endpoint) {
    UpgradeDiagnosis diagnosis = UpgradeDiagnosis.of(request);
    if (!diagnosis.valid() || !request.canUpgradeToWebSocket()) {
      // Netty would also accept hixie-75/76 (whose frames bypass MAX_MESSAGE_BYTES) and the drafts 7 and 8.
      refuseUpgrade(request, handler, diagnosis);
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
    // read before the upgrade: the welcome is sent after it, when the request is gone
    Handshake handshake = Handshake.of(request, showCredentials);
    request.toWebSocket()
      .onSuccess(ws -> handler.handle(ws, endpoint, handshake))
      .onFailure(e -> {
        handler.upgradeFailed();
        LOG.debug("WebSocket handshake failed: {}", e.toString());
      });
  }

  /** 426 with Upgrade: websocket and Sec-WebSocket-Version: 13, and a body naming every problem. */
  private void refuseUpgrade(HttpServerRequest request, ConnectionHandler handler, UpgradeDiagnosis diagnosis) {
    if (diagnosis.valid()) { // Vert.x disagrees with the diagnosis: should not happen, still a clear 426
      LOG.debug("Vert.x refused an upgrade that looked valid: {}", request.uri());
      request.response().putHeader("Upgrade", "websocket").putHeader("Connection", "Upgrade")
        .putHeader("Sec-WebSocket-Version", UpgradeDiagnosis.RFC6455_VERSION);
      refuse(request, 426, "upgrade_required", "this endpoint speaks WebSocket; connect with a WebSocket client");
      return;
    }
    handler.upgradeRejected(diagnosis.reason());
    request.response()
      .setStatusCode(426)
      .putHeader("Upgrade", "websocket")
      .putHeader("Connection", "Upgrade")
      .putHeader("Sec-WebSocket-Version", UpgradeDiagnosis.RFC6455_VERSION)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .putHeader(Responses.NOSNIFF, "nosniff")
      .end(diagnosis.toJson(ReceivedRequest.toJson(request, true, showCredentials)).encode());
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
