package io.wstest.client.socket;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;

import java.util.ArrayList;
import java.util.List;

/**
 * The server's first message, read once: which instance served the socket and how it saw the client. Reads this
 * service's welcome and the seed protocol's (identity only under {@code service_identity}, no top-level
 * {@code instance_id}, no {@code seq}, no connection id or keepalive), which the original service and the peer
 * servers speak.
 *
 * @param instanceId   the replica's instance id (top-level, else {@code service_identity.instance_id})
 * @param identity     the {@code service_identity} object, empty when the welcome has none
 * @param forwardedFor the forwarded chain through the proxies, possibly empty
 * @param draining     the replica is shutting down and will close the socket soon
 * @param keepalive    the socket's keepalive settings, empty when the welcome has none
 * @param seq          the message's sequence number, null when the server does not number its messages
 * @param json         the message as received
 */
public record Welcome(String instanceId, JsonObject identity, String clientIp, String remoteAddress,
                      List<String> forwardedFor, String connectionId, String server, boolean draining,
                      JsonObject keepalive, Long seq, JsonObject json) {

  /** Parses a server's first message; null when it is not a welcome naming its instance. */
  public static Welcome parse(JsonObject message) {
    if (!MessageTypes.WELCOME.equals(message.getValue(Fields.TYPE))) {
      return null;
    }
    JsonObject identity = message.getValue(Fields.SERVICE_IDENTITY) instanceof JsonObject o ? o : new JsonObject();
    // the seed protocol (the original service, and servers that speak only it) names the instance only in its identity
    String instanceId = text(message, Fields.INSTANCE_ID);
    if (instanceId == null) {
      instanceId = text(identity, Fields.INSTANCE_ID);
    }
    if (instanceId == null) {
      return null;
    }
    List<String> forwardedFor = new ArrayList<>();
    if (message.getValue(Fields.FORWARDED_FOR) instanceof JsonArray chain) {
      chain.forEach(hop -> forwardedFor.add(String.valueOf(hop)));
    }
    return new Welcome(instanceId, identity, text(message, Fields.CLIENT_IP), text(message, Fields.REMOTE_ADDRESS),
      List.copyOf(forwardedFor), text(message, Fields.CONNECTION_ID), text(message, Fields.SERVER),
      Boolean.TRUE.equals(message.getValue(Fields.DRAINING)),
      message.getValue(Fields.KEEPALIVE) instanceof JsonObject k ? k : new JsonObject(),
      message.getValue(Fields.SEQ) instanceof Number n ? n.longValue() : null, message);
  }

  /** The name people know the instance by: display_name, else the instance id. */
  public String displayName() {
    String name = identityField(Fields.DISPLAY_NAME);
    return name == null ? instanceId : name;
  }

  public String podName() {
    return identityField(Fields.POD_NAME);
  }

  /** A field of the service identity as text (numbers and booleans too), or null when it is absent. */
  public String identityField(String name) {
    return text(identity, name);
  }

  private static String text(JsonObject json, String field) {
    Object value = json.getValue(field);
    return value == null || value instanceof JsonObject || value instanceof JsonArray ? null : value.toString();
  }
}
