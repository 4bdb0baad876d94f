package io.wstest.client.socket;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;

import java.util.ArrayList;
import java.util.List;

/**
 * The service's own view of its replicas, {@code GET /cluster} through the load balancer (docs/operations.md,
 * Cluster): 200 with the replicas alive and each one's open sockets, 404 when clustering is off (no
 * {@code REDIS_URL}), 503 with a {@code reason} while Redis is unreachable. {@code failure} is set when nothing
 * usable came back at all (no answer, or not this service's JSON).
 */
public record ClusterView(String url, Integer status, JsonObject body, Failure failure) {

  /** One replica as the cluster view lists it: its own count of open WebSockets, as of its last heartbeat. */
  public record Replica(String instanceId, String displayName, String state, int openSockets) {
  }

  /** The view answered 200: clustering is on and Redis reachable. */
  public boolean up() {
    return failure == null && status != null && status == 200 && body != null;
  }

  /** The service said clustering is off (404: no REDIS_URL). */
  public boolean disabled() {
    return status != null && status == 404;
  }

  /** Why the view is not available, for a message: the service's reason on 503, else the failure or status. */
  public String reason() {
    if (body != null && body.getValue(Fields.REASON) instanceof String reason) {
      return reason;
    }
    if (failure != null) {
      return failure.detail();
    }
    return "HTTP " + status;
  }

  /** The replicas alive, in the service's order (by display name); empty unless {@link #up()}. */
  public List<Replica> replicas() {
    List<Replica> list = new ArrayList<>();
    if (!up()) {
      return list;
    }
    JsonArray replicas = body.getJsonArray(Fields.REPLICAS, new JsonArray());
    for (Object entry : replicas) {
      if (entry instanceof JsonObject replica) {
        JsonObject connections = replica.getJsonObject(Fields.CONNECTIONS, new JsonObject());
        String id = replica.getString(Fields.INSTANCE_ID);
        list.add(new Replica(id, replica.getString(Fields.DISPLAY_NAME, id), replica.getString(Fields.STATE),
          connections.getInteger(Fields.TOTAL, 0)));
      }
    }
    return list;
  }

  /** The replica count the service sees, itself included; only meaningful when {@link #up()}. */
  public int replicaCount() {
    return replicas().size();
  }
}
