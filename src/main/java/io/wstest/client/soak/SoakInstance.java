package io.wstest.client.soak;

import io.vertx.core.json.JsonObject;

/** The replica a socket reached, as its welcome named it. */
public record SoakInstance(String instanceId, String displayName, String podName) {

  public static SoakInstance of(JsonObject welcome) {
    JsonObject identity = welcome.getJsonObject("service_identity", new JsonObject());
    String id = welcome.getString("instance_id");
    return new SoakInstance(id, identity.getString("display_name", id), identity.getString("pod_name"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("instance_id", instanceId).put("display_name", displayName).put("pod_name", podName);
  }
}
