package io.wstest.server;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON responses and errors, so every non-WebSocket answer has the same shape. */
final class Responses {

  /**
   * Sent with every HTTP answer ({@code nosniff}): browsers then never treat a JSON or text body as HTML or
   * script, whatever a peer managed to get into it.
   */
  static final String NOSNIFF = "X-Content-Type-Options";

  private Responses() {
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
      .setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .putHeader(NOSNIFF, "nosniff")
      .end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String error, String message) {
    json(ctx, status, new JsonObject().put("error", error).put("message", message).put("status", status));
  }
}
