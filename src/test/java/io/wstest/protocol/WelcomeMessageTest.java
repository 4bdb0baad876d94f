package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The welcome written as bytes is the JSON the tree-built welcome encodes to: same fields, same order, same
 * escaping, for plain and awkward values (quotes, backslashes, control characters, non-ASCII, nulls).
 */
class WelcomeMessageTest {

  private static final JsonObject IDENTITY = new JsonObject().put("instance_id", "i-1")
    .put("display_name", "svc \"ü\" \\ 1").put("started_at", "2026-12-05T16:00:00.000Z");
  private static final JsonObject KEEPALIVE_ON = new JsonObject().put(Fields.SERVER_PING, true)
    .put(Fields.PING_INTERVAL_MS, 30000L).put(Fields.IDLE_TIMEOUT_MS, 90000L);
  private static final JsonObject KEEPALIVE_OFF = new JsonObject().put(Fields.SERVER_PING, false)
    .put(Fields.PING_INTERVAL_MS, 0L).put(Fields.IDLE_TIMEOUT_MS, 0L);
  private static final byte[] INSTANCE_ID = "\"i-1\"".getBytes(StandardCharsets.UTF_8);

  private final WelcomeMessage welcome = new WelcomeMessage("svc \"ü\" \\ 1", "raw", IDENTITY, KEEPALIVE_ON,
    KEEPALIVE_OFF, 65536, INSTANCE_ID);

  @Test
  void plainSocketWithoutHandshake() {
    assertWrittenAsBuilt(null, "127.0.0.1", "127.0.0.1", List.of(), 1, false, true, null, List.of(), null);
  }

  @Test
  void everyFieldFilledWithAwkwardValues() {
    Handshake handshake = new Handshake(new JsonObject().put("method", "GET").put("path", "/ws?a=\"b\"")
      .put("headers", new JsonArray().add(new JsonArray().add("X-Ünïcode").add("tab\there\u0001"))).encode(),
      List.of("chat", "json\"v2"), List.of("permessage-deflate; client_max_window_bits"));
    JsonObject proxy = new JsonObject().put("version", 2).put("command", "PROXY").put("transport", "TCP4")
      .put("source", "192.0.2.1:5000").put("destination", null);
    assertWrittenAsBuilt(handshake, "203.0.113.7", "127.0.0.1", List.of("203.0.113.7", "10.0.0.\"1"), 42,
      true, false, "json\"v2", List.of("permessage-deflate"), proxy);
  }

  private void assertWrittenAsBuilt(Handshake handshake, String clientIp, String remote, List<String> forwardedFor,
                                    long number, boolean draining, boolean keepalive, String subprotocol,
                                    List<String> extensions, JsonObject proxy) {
    ByteBuf out = Unpooled.buffer();
    welcome.write(out, clientIp, remote, forwardedFor, number, draining, keepalive, handshake, subprotocol, extensions,
      proxy);
    out.writeCharSequence(",\"seq\":1}", StandardCharsets.US_ASCII);
    String written = out.toString(StandardCharsets.UTF_8);
    // the timestamp is the only field that differs between two calls: take it from what was written
    String timestamp = new JsonObject(written).getString(Fields.TIMESTAMP);
    JsonObject expected = new JsonObject()
      .put(Fields.TYPE, MessageTypes.WELCOME)
      .put(Fields.MESSAGE, "Connected to svc \"ü\" \\ 1")
      .put(Fields.TIMESTAMP, timestamp)
      .put(Fields.CLIENT_IP, clientIp)
      .put(Fields.REMOTE_ADDRESS, remote)
      .put(Fields.FORWARDED_FOR, new JsonArray(List.copyOf(forwardedFor)))
      .put(Fields.CONNECTION_ID, "i-1-" + number)
      .put(Fields.SERVER, "raw")
      .put(Fields.DRAINING, draining)
      .put(Fields.SERVICE_IDENTITY, IDENTITY)
      .put(Fields.KEEPALIVE, keepalive ? KEEPALIVE_ON : KEEPALIVE_OFF)
      .put(Fields.LIMITS, new JsonObject().put(Fields.MAX_MESSAGE_BYTES, 65536))
      .put(Fields.SUBPROTOCOLS_OFFERED, handshake == null ? new JsonArray()
        : new JsonArray(List.copyOf(handshake.subprotocolsOffered())))
      .put(Fields.SUBPROTOCOL, subprotocol)
      .put(Fields.EXTENSIONS_OFFERED, handshake == null ? new JsonArray()
        : new JsonArray(List.copyOf(handshake.extensionsOffered())))
      .put(Fields.EXTENSIONS, new JsonArray(List.copyOf(extensions)))
      .put(Fields.PROXY_PROTOCOL, proxy)
      .put(Fields.REQUEST, handshake == null ? null : handshake.request())
      .put(Fields.INSTANCE_ID, "i-1")
      .put(Fields.SEQ, 1L);
    assertEquals(expected.encode(), written);
  }
}
