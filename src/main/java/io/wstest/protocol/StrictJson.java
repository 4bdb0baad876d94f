package io.wstest.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.io.IOException;

/**
 * The hot path's parse: reads a message's top-level {@code "type"} with a streaming parser, building no tree.
 * Strict JSON only (Vert.x's own parser also accepts comments): a message that passes can be spliced into a
 * reply byte for byte and the reply is still valid JSON.
 */
final class StrictJson {

  /** Jackson's defaults: RFC 8259 JSON, no comments. Thread-safe. */
  private static final JsonFactory STRICT = JsonFactory.builder().build();

  private StrictJson() {
  }

  /**
   * The top-level {@code "type"} of a strict JSON object; {@code ""} when it has none or it is not a string;
   * {@code null} when the message is not a strict JSON object (the caller then takes the lenient path).
   */
  static String typeOf(Buffer data) {
    ByteBuf buf = ((BufferInternal) data).getByteBuf();
    try (JsonParser parser = buf.hasArray()
      ? STRICT.createParser(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes())
      : STRICT.createParser(data.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String type = "";
      int depth = 1;
      while (depth > 0) {
        JsonToken token = parser.nextToken();
        if (token == null) {
          return null;
        }
        if (token.isStructStart()) {
          depth++;
        } else if (token.isStructEnd()) {
          depth--;
        } else if (token == JsonToken.FIELD_NAME && depth == 1 && "type".equals(parser.currentName())) {
          JsonToken value = parser.nextToken();
          type = value == JsonToken.VALUE_STRING ? parser.getText() : "";
          if (value != null && value.isStructStart()) {
            depth++;
          }
        }
      }
      return parser.nextToken() == null ? type : null;
    } catch (IOException e) {
      return null;
    }
  }
}
