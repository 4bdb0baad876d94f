package io.wstest.server;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wstest.protocol.ClusterLink;
import io.wstest.protocol.ConnectionRegistry;

/**
 * {@code GET /cluster}: the replicas this one sees over Redis, with their socket counts, state and when each was
 * last heard from. 200 while Redis is reachable, 503 with the reason while it is not (readiness is unaffected:
 * the replica still serves its own sockets), 404 with {@code enabled: false} when REDIS_URL is unset.
 */
final class ClusterEndpoint {

  private final ConnectionRegistry registry;

  ClusterEndpoint(ConnectionRegistry registry) {
    this.registry = registry;
  }

  void handle(RoutingContext ctx) {
    ClusterLink cluster = registry.cluster();
    JsonObject body;
    int status;
    if (cluster == null) {
      status = 404;
      body = new JsonObject().put("enabled", false).put("status", "disabled")
        .put("message", "clustering is off: start the replicas with REDIS_URL to see each other here");
    } else {
      body = cluster.view();
      status = "up".equals(body.getString("status")) ? 200 : 503;
    }
    Responses.json(ctx, status, body);
  }
}
