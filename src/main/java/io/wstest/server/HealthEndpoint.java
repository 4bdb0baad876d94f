package io.wstest.server;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wstest.identity.ServiceIdentity;
import io.wstest.protocol.ConnectionRegistry;
import io.wstest.protocol.Timestamps;
import io.wstest.runtime.ServiceLifecycle;
import io.wstest.wire.Fields;

/** {@code GET /} and {@code GET /health}: the seed's JSON, field for field. */
final class HealthEndpoint {

  private final ServiceIdentity identity;
  private final JsonObject identityJson;
  private final ConnectionRegistry registry;
  private final ServiceLifecycle lifecycle;

  HealthEndpoint(ServiceIdentity identity, ConnectionRegistry registry, ServiceLifecycle lifecycle) {
    this.identity = identity;
    this.identityJson = identity.toJson();
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  void handle(RoutingContext ctx) {
    JsonObject body = new JsonObject()
      .put("status", lifecycle.state() == ServiceLifecycle.State.DRAINING ? "draining" : "healthy")
      .put(Fields.TIMESTAMP, Timestamps.now())
      .put(Fields.ACTIVE_WEBSOCKET_CONNECTIONS, registry.active())
      .put("service", identity.serviceName())
      .put("version", identity.version())
      .put(Fields.SERVICE_IDENTITY, identityJson);
    Responses.json(ctx, 200, body);
  }
}
