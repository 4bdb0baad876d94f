package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.vertx.core.http.WebSocketFrame;

/**
 * Final text frames from bytes that are already UTF-8 JSON, so a reply is not decoded to a String only for
 * {@code writeTextMessage} to encode it again. Vert.x 5 has no public factory for a text frame from bytes, so
 * the frame comes from {@link VertxInternals}.
 */
final class TextFrames {

  private TextFrames() {
  }

  /** {@code utf8} must be valid UTF-8 and no longer than the server's frame size limit; the frame takes it over. */
  static WebSocketFrame of(ByteBuf utf8) {
    return VertxInternals.textFrame(utf8);
  }
}
