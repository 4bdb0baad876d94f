package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.websocket.WebSocketFrameImpl;

/**
 * Final text frames from bytes that are already UTF-8 JSON, so a reply is not decoded to a String only for
 * {@code writeTextMessage} to encode it again. Vert.x 5 has no public factory for a text frame from bytes; this
 * is the one place that uses its frame class directly.
 */
final class TextFrames {

  private TextFrames() {
  }

  /** {@code utf8} must be valid UTF-8 and no longer than the server's frame size limit; the frame takes it over. */
  static WebSocketFrame of(ByteBuf utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
  }
}
