package io.wstest.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Strict JSON written straight into a buffer as UTF-8, for the JSON every handshake produces (the welcome, the
 * upgrade request kept for {@code info}): the same bytes {@link JsonObject#encode()} gives for the same tree —
 * Jackson's escaping ({@link JsonStringEncoder}), no spaces, {@code null} for a missing value — without building
 * the tree and walking it again. Encoding the request as a {@link JsonObject} was 7 % of the event loop's samples
 * in connect churn (JFR). Measured on a browser's upgrade request (12 headers, {@code Handshake.of} called 50,000
 * times a round on a real request, best of 6 warm rounds, 3 alternating runs on one CPU): 5.9–8.6 µs per handshake
 * through a {@link JsonObject}, 3.8–4.0 µs written here.
 */
final class JsonBytes {

  private static final byte[] NULL = utf8("null");
  private static final byte[] EMPTY_ARRAY = utf8("[]");
  private static final byte[] TRUE = utf8("true");
  private static final byte[] FALSE = utf8("false");

  private JsonBytes() {
  }

  /** A comma and a quoted key with its colon; keys are the protocol's constants, plain ASCII needing no escape. */
  static void key(ByteBuf out, String name) {
    out.writeByte(',').writeByte('"').writeCharSequence(name, StandardCharsets.US_ASCII);
    out.writeByte('"').writeByte(':');
  }

  /** A string value, or {@code null}. */
  static void string(ByteBuf out, String value) {
    if (value == null) {
      out.writeBytes(NULL);
      return;
    }
    out.writeByte('"');
    if (needsNoEscape(value)) { // most values: printable ASCII, copied as they are without a byte array between
      out.writeCharSequence(value, StandardCharsets.US_ASCII);
    } else {
      out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(value));
    }
    out.writeByte('"');
  }

  /** A comma, a key and its string value (or {@code null}). */
  static void field(ByteBuf out, String name, String value) {
    key(out, name);
    string(out, value);
  }

  /** An array of strings. */
  static void strings(ByteBuf out, List<String> values) {
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

  static void bool(ByteBuf out, boolean value) {
    out.writeBytes(value ? TRUE : FALSE);
  }

  /** A non-negative integer in decimal ASCII, without a String in between. */
  static void decimal(ByteBuf out, long value) {
    int first = out.writerIndex();
    do {
      out.writeByte('0' + (int) (value % 10));
      value /= 10;
    } while (value != 0);
    for (int i = first, j = out.writerIndex() - 1; i < j; i++, j--) {
      byte digit = out.getByte(i);
      out.setByte(i, out.getByte(j));
      out.setByte(j, digit);
    }
  }

  /** A nested object as Vert.x encodes it, or {@code null}: for the parts most requests do not have. */
  static void object(ByteBuf out, JsonObject value) {
    if (value == null) {
      out.writeBytes(NULL);
    } else {
      out.writeBytes(value.toBuffer().getBytes());
    }
  }

  static void nullValue(ByteBuf out) {
    out.writeBytes(NULL);
  }

  private static boolean needsNoEscape(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
