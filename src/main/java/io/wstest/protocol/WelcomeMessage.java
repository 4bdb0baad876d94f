package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;

import java.util.List;

/**
 * The welcome every protocol socket gets first, written as UTF-8 bytes. What is the same for every socket of a
 * handler (the greeting, the server, the identity, keepalive, limits) is encoded once, when the handler is made;
 * a socket adds only its own fields, and the upgrade request, which {@link Handshake} keeps encoded, is spliced in
 * as it is instead of parsed and encoded again. The JSON is the same, field for field and in the same order, as
 * the welcome built as a {@link JsonObject} ({@code WelcomeMessageTest} compares them).
 */
final class WelcomeMessage {

  /** From the opening brace up to the timestamp's value, which follows. */
  private final byte[] head;
  private final byte[] serverAndDraining;
  /** The rest after {@code draining}, up to {@code keepalive}'s value. */
  private final byte[] identity;
  private final byte[] keepaliveOn;
  private final byte[] keepaliveOff;
  private final byte[] limits;
  private final byte[] instanceId;
  /** A connection id's opening quote and its constant part, the instance id and a dash: a socket adds its number. */
  private final byte[] connectionIdPrefix;

  /**
   * @param keepaliveOn    the {@code keepalive} object of a socket the server pings; {@code keepaliveOff} of one
   *                       that turned it off
   * @param instanceIdJson the instance id as a JSON string, quotes included
   */
  WelcomeMessage(String displayName, String server, JsonObject identityJson, JsonObject keepaliveOn,
                 JsonObject keepaliveOff, int maxMessageBytes, byte[] instanceIdJson) {
    head = JsonBytes.utf8("{\"" + Fields.TYPE + "\":\"" + MessageTypes.WELCOME + "\",\"" + Fields.MESSAGE + "\":"
      + Json.encode("Connected to " + displayName) + ",\"" + Fields.TIMESTAMP + "\":\"");
    serverAndDraining = JsonBytes.utf8(",\"" + Fields.SERVER + "\":" + Json.encode(server) + ",\""
      + Fields.DRAINING + "\":");
    identity = JsonBytes.utf8(",\"" + Fields.SERVICE_IDENTITY + "\":" + identityJson.encode() + ",\""
      + Fields.KEEPALIVE + "\":");
    this.keepaliveOn = JsonBytes.utf8(keepaliveOn.encode());
    this.keepaliveOff = JsonBytes.utf8(keepaliveOff.encode());
    limits = JsonBytes.utf8(",\"" + Fields.LIMITS + "\":"
      + new JsonObject().put(Fields.MAX_MESSAGE_BYTES, maxMessageBytes).encode());
    instanceId = instanceIdJson;
    connectionIdPrefix = new byte[instanceIdJson.length];
    System.arraycopy(instanceIdJson, 0, connectionIdPrefix, 0, instanceIdJson.length - 1);
    connectionIdPrefix[instanceIdJson.length - 1] = '-';
  }

  /**
   * One socket's welcome, without its closing {@code ,"seq":N}}: the caller numbers it.
   *
   * @param connectionNumber the socket's number in this process: its connection id is the instance id, a dash and
   *                         this number ({@link Connection#id()})
   */
  void write(ByteBuf out, String clientIp, String remoteAddress, List<String> forwardedFor, long connectionNumber,
             boolean draining, boolean keepalive, Handshake handshake, String subprotocol, List<String> extensions,
             JsonObject proxyProtocol) {
    out.writeBytes(head).writeBytes(Timestamps.nowAscii()).writeByte('"');
    JsonBytes.field(out, Fields.CLIENT_IP, clientIp);
    JsonBytes.field(out, Fields.REMOTE_ADDRESS, remoteAddress);
    JsonBytes.key(out, Fields.FORWARDED_FOR);
    JsonBytes.strings(out, forwardedFor);
    JsonBytes.key(out, Fields.CONNECTION_ID);
    out.writeBytes(connectionIdPrefix);
    JsonBytes.decimal(out, connectionNumber);
    out.writeByte('"');
    out.writeBytes(serverAndDraining);
    JsonBytes.bool(out, draining);
    out.writeBytes(identity).writeBytes(keepalive ? keepaliveOn : keepaliveOff).writeBytes(limits);
    JsonBytes.key(out, Fields.SUBPROTOCOLS_OFFERED);
    JsonBytes.strings(out, handshake == null ? List.of() : handshake.subprotocolsOffered());
    JsonBytes.field(out, Fields.SUBPROTOCOL, subprotocol);
    JsonBytes.key(out, Fields.EXTENSIONS_OFFERED);
    JsonBytes.strings(out, handshake == null ? List.of() : handshake.extensionsOffered());
    JsonBytes.key(out, Fields.EXTENSIONS);
    JsonBytes.strings(out, extensions);
    JsonBytes.key(out, Fields.PROXY_PROTOCOL);
    JsonBytes.object(out, proxyProtocol);
    JsonBytes.key(out, Fields.REQUEST);
    if (handshake == null) {
      JsonBytes.nullValue(out);
    } else {
      handshake.writeRequest(out);
    }
    JsonBytes.key(out, Fields.INSTANCE_ID);
    out.writeBytes(instanceId);
  }

  /** A few bytes more than the constant parts, for the first guess at a socket's buffer. */
  int constantBytes() {
    return head.length + serverAndDraining.length + identity.length + keepaliveOn.length + limits.length
      + instanceId.length + 256;
  }

}
