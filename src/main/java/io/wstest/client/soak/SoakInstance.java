package io.wstest.client.soak;

import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.Welcome;

/** The replica a socket reached, as its welcome named it. */
public record SoakInstance(String instanceId, String displayName, String podName) {

  public static SoakInstance of(Welcome welcome) {
    return new SoakInstance(welcome.instanceId(), welcome.displayName(), welcome.podName());
  }

  public JsonObject toJson() {
    return new JsonObject().put("instance_id", instanceId).put("display_name", displayName).put("pod_name", podName);
  }
}
