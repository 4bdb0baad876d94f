package io.wstest.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What one WebSocket told us: which instance served it (from the welcome), how the server saw the client (the
 * forwarded chain through the proxy), and how long the handshake and the ping took; or why it failed.
 *
 * @param welcome the welcome message as received, or null when none arrived
 */
public record ConnectionResult(int index, String endpoint, String url, JsonObject welcome, Double connectMs,
                               Double pingMs, Failure failure) {

  public boolean ok() {
    return failure == null;
  }

  public String instanceId() {
    return welcome == null ? null : welcome.getString("instance_id");
  }

  public JsonObject identity() {
    JsonObject identity = welcome == null ? null : welcome.getJsonObject("service_identity");
    return identity == null ? new JsonObject() : identity;
  }

  /** The name people know the instance by: display_name, else the instance id. */
  public String displayName() {
    return identity().getString("display_name", instanceId());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("index", index)
      .put("endpoint", endpoint)
      .put("url", url)
      .put("ok", ok());
    if (welcome != null) {
      json.put("instance_id", instanceId())
        .put("display_name", displayName())
        .put("pod_name", identity().getString("pod_name"))
        .put("server", welcome.getString("server"))
        .put("connection_id", welcome.getString("connection_id"))
        .put("client_ip", welcome.getString("client_ip"))
        .put("remote_address", welcome.getString("remote_address"))
        .put("forwarded_for", welcome.getJsonArray("forwarded_for", new JsonArray()));
    }
    if (connectMs != null) {
      json.put("connect_ms", LatencySummary.round(connectMs));
    }
    if (pingMs != null) {
      json.put("ping_ms", LatencySummary.round(pingMs));
    }
    if (failure != null) {
      json.put("failure", failure.toJson());
    }
    return json;
  }
}
