package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a WebSocket's upgrade request carried, kept past the upgrade for the welcome and {@code info}: the request
 * as received ({@link ReceivedRequest}) and the subprotocols and extensions the client offered. Every held socket
 * keeps one, so it is kept small: the request as its encoded UTF-8 bytes (no tree of maps, no String around them),
 * packed ({@link PackedJson}: a typical request's 495 bytes of JSON in 84), and the offers as immutable lists (none
 * at all for a header not sent).
 */
public final class Handshake {

  /** The request's strict JSON, {@link PackedJson packed}. */
  private final byte[] packedRequest;
  private final List<String> subprotocolsOffered;
  private final List<String> extensionsOffered;

  /** @param requestJson the request as strict JSON, as {@link ReceivedRequest#json} writes it */
  public Handshake(String requestJson, List<String> subprotocolsOffered, List<String> extensionsOffered) {
    this(Unpooled.wrappedBuffer(requestJson.getBytes(StandardCharsets.UTF_8)), subprotocolsOffered,
      extensionsOffered);
  }

  private Handshake(ByteBuf requestJson, List<String> subprotocolsOffered, List<String> extensionsOffered) {
    this.packedRequest = PackedJson.pack(requestJson);
    this.subprotocolsOffered = List.copyOf(subprotocolsOffered);
    this.extensionsOffered = List.copyOf(extensionsOffered);
  }

  public static Handshake of(HttpServerRequest request, boolean showCredentials) {
    return new Handshake(ReceivedRequest.json(request, true, showCredentials),
      offered(request.headers(), "Sec-WebSocket-Protocol"), offered(request.headers(), "Sec-WebSocket-Extensions"));
  }

  public List<String> subprotocolsOffered() {
    return subprotocolsOffered;
  }

  public List<String> extensionsOffered() {
    return extensionsOffered;
  }

  /** The request as a new JSON tree. */
  JsonObject request() {
    byte[] json = new byte[requestBytes()];
    PackedJson.unpack(packedRequest, Unpooled.wrappedBuffer(json).clear());
    return new JsonObject(Buffer.buffer(json));
  }

  /** The length of the request's JSON in bytes, as {@link #writeRequest} writes it. */
  int requestBytes() {
    return PackedJson.unpackedLength(packedRequest);
  }

  /** Appends the request's JSON, strict already as {@link ReceivedRequest} encoded it. */
  void writeRequest(ByteBuf out) {
    PackedJson.unpack(packedRequest, out);
  }

  /** The comma-separated items of every copy of a header, trimmed, in order. */
  static List<String> offered(MultiMap headers, String name) {
    List<String> values = headers.getAll(name);
    if (values.isEmpty()) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    for (String value : values) {
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    }
    return items;
  }
}
