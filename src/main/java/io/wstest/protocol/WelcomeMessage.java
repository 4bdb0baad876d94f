package io.wstest.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The welcome every protocol socket gets first, written as UTF-8 bytes. What is the same for every socket of a
 * handler (the greeting, the server, the identity, keepalive, limits) is encoded once, when the handler is made;
 * a socket adds only its own fields, and the upgrade request, which {@link Handshake} keeps encoded, is spliced in
 * as it is instead of parsed and encoded again. The JSON is the same, field for field and in the same order, as
 * the welcome built as a {@link JsonObject} ({@code WelcomeMessageTest} compares them).
 */
final class WelcomeMessage {

  private static final byte[] NULL = utf8("null");
  private static final byte[] EMPTY_ARRAY = utf8("[]");
  private static final byte[] TRUE = utf8("true");
  private static final byte[] FALSE = utf8("false");

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
    head = utf8("{\"" + Fields.TYPE + "\":\"" + MessageTypes.WELCOME + "\",\"" + Fields.MESSAGE + "\":"
      + Json.encode("Connected to " + displayName) + ",\"" + Fields.TIMESTAMP + "\":\"");
    serverAndDraining = utf8(",\"" + Fields.SERVER + "\":" + Json.encode(server) + ",\"" + Fields.DRAINING + "\":");
    identity = utf8(",\"" + Fields.SERVICE_IDENTITY + "\":" + identityJson.encode() + ",\"" + Fields.KEEPALIVE + "\":");
    this.keepaliveOn = utf8(keepaliveOn.encode());
    this.keepaliveOff = utf8(keepaliveOff.encode());
    limits = utf8(",\"" + Fields.LIMITS + "\":"
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
    key(out, Fields.CLIENT_IP);
    string(out, clientIp);
    key(out, Fields.REMOTE_ADDRESS);
    string(out, remoteAddress);
    key(out, Fields.FORWARDED_FOR);
    strings(out, forwardedFor);
    key(out, Fields.CONNECTION_ID);
    out.writeBytes(connectionIdPrefix);
    Connection.writeDecimal(out, connectionNumber);
    out.writeByte('"');
    out.writeBytes(serverAndDraining).writeBytes(draining ? TRUE : FALSE);
    out.writeBytes(identity).writeBytes(keepalive ? keepaliveOn : keepaliveOff).writeBytes(limits);
    key(out, Fields.SUBPROTOCOLS_OFFERED);
    strings(out, handshake == null ? List.of() : handshake.subprotocolsOffered());
    key(out, Fields.SUBPROTOCOL);
    string(out, subprotocol);
    key(out, Fields.EXTENSIONS_OFFERED);
    strings(out, handshake == null ? List.of() : handshake.extensionsOffered());
    key(out, Fields.EXTENSIONS);
    strings(out, extensions);
    key(out, Fields.PROXY_PROTOCOL);
    if (proxyProtocol == null) {
      out.writeBytes(NULL);
    } else {
      out.writeBytes(proxyProtocol.toBuffer().getBytes());
    }
    key(out, Fields.REQUEST);
    if (handshake == null) {
      out.writeBytes(NULL);
    } else {
      handshake.writeRequest(out);
    }
    key(out, Fields.INSTANCE_ID);
    out.writeBytes(instanceId);
  }

  /** A few bytes more than the constant parts, for the first guess at a socket's buffer. */
  int constantBytes() {
    return head.length + serverAndDraining.length + identity.length + keepaliveOn.length + limits.length
      + instanceId.length + 256;
  }

  /** Field names are the protocol's constants: plain ASCII that needs no escaping. */
  private static void key(ByteBuf out, String name) {
    out.writeByte(',').writeByte('"').writeCharSequence(name, StandardCharsets.US_ASCII);
    out.writeByte('"').writeByte(':');
  }

  private static void string(ByteBuf out, String value) {
    if (value == null) {
      out.writeBytes(NULL);
    } else {
      out.writeByte('"').writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(value)).writeByte('"');
    }
  }

  private static void strings(ByteBuf out, List<String> values) {
    if (values.isEmpty()) {
      out.writeBytes(EMPTY_ARRAY);
      return;
    }
    out.writeByte('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.writeByte(',');
      }
      string(out, values.get(i));
    }
    out.writeByte(']');
  }

  private static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
