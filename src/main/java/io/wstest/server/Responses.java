package io.wstest.server;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON responses and errors, so every non-WebSocket answer has the same shape. */
final class Responses {

  private Responses() {
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
      .setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String error, String message) {
    json(ctx, status, new JsonObject().put("error", error).put("message", message).put("status", status));
  }
}
