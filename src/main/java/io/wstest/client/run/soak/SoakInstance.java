package io.wstest.client.run.soak;

import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.Welcome;
import io.wstest.wire.Fields;

/** The replica a socket reached, as its welcome named it. */
public record SoakInstance(String instanceId, String displayName, String podName) {

  public static SoakInstance of(Welcome welcome) {
    return new SoakInstance(welcome.instanceId(), welcome.displayName(), welcome.podName());
  }

  public JsonObject toJson() {
    return new JsonObject().put(Fields.INSTANCE_ID, instanceId).put(Fields.DISPLAY_NAME, displayName).put(Fields.POD_NAME, podName);
  }
}
