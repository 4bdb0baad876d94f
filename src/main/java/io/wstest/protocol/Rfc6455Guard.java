package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;

/**
 * RFC 6455 rules enforced on the wire, between Netty's frame decoder and Vert.x. Vert.x answers every decoder
 * violation with close 1000 and echoes any close code it receives, so this handler fails the connection itself
 * (RFC 6455 7.1.7: close frame with the right code, then TCP close): 1002 for protocol violations (reserved bits,
 * unknown opcodes, unmasked or bad control frames, bad fragment order, bad close payloads), 1007 for invalid
 * UTF-8 in a text message or a close reason, 1009 for a message over the limit. Frames that pass reach Vert.x unchanged.
 *
 * <p>It also answers pings and applies back-pressure on the wire. Vert.x answers every ping by itself, straight
 * into the channel and past the write-queue check every reply of {@link Connection} makes, so a peer that floods
 * pings and reads nothing made the server queue pongs without limit (gigabytes in seconds). Here pings never reach
 * Vert.x: while the channel is writable each gets its pong; while it is not (more than the write queue limit
 * waits to be sent) only the latest ping is kept and answered once the peer has read enough (RFC 6455 5.5.3 allows
 * answering only the most recent ping), and the socket is not read at all until then, whatever frame comes in.
 * What the server holds for such a peer is the write queue limit plus one pong.
 */
final class Rfc6455Guard extends ChannelInboundHandlerAdapter {

  private static final String NAME = "wstest-rfc6455-guard";
  private static final int MAX_REASON_BYTES = 123;

  private final int maxMessageBytes;
  /**
   * Set by every frame the peer sends, pings and pongs included: each is a sign of life for the idle timeout, and
   * this handler sees them all as they arrive, also while Vert.x holds them back for a paused socket. A field write
   * per frame instead of a clock read; the socket's keepalive tick reads and clears it ({@link #heardSinceAsked}).
   */
  private boolean heard;
  /** The payload of the latest ping not answered yet because the channel was full; null when none waits. */
  private ByteBuf unansweredPing;
  /** Whether this guard turned the channel's auto-read off (it only turns back on what it turned off). */
  private boolean readingPaused;
  private boolean flushPending;
  /** The UTF-8 check of the text message being received ({@link Utf8Validator}), fragment by fragment. */
  private int utf8State = Utf8Validator.START;
  private boolean textMessage;
  private long messageBytes;
  private boolean failed;
  private int sentCloseCode;
  private ChannelHandlerContext ctx;

  private Rfc6455Guard(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Puts a guard in front of the socket's Vert.x handler; call on the socket's event loop right after upgrade. */
  static Rfc6455Guard install(ServerWebSocket ws, int maxMessageBytes) {
    // Vert.x's own socket (not vertx-web's wrapper): the servers upgrade /ws, /echo and 8765 outside the router.
    ChannelHandlerContext vertxHandler = VertxInternals.handlerContext(ws);
    Rfc6455Guard guard = new Rfc6455Guard(maxMessageBytes);
    vertxHandler.pipeline().addBefore(vertxHandler.name(), NAME, guard);
    return guard;
  }

  /**
   * Whether the peer sent any frame (pings and pongs included; pings never reach Vert.x's frame handler) since
   * the last call; on the socket's event loop.
   */
  boolean heardSinceAsked() {
    boolean result = heard;
    heard = false;
    return result;
  }

  /** The close code this guard failed the connection with, or 0 if it did not. */
  int sentCloseCode() {
    return sentCloseCode;
  }

  /**
   * Drops the TCP connection now, without a closing handshake: for a peer that never read the close frame. Like
   * {@link #failChannel}, the close starts here, past Vert.x's handler, which would only queue another close frame.
   * An abortive close (SO_LINGER 0: the peer gets a reset): a graceful one would leave what the peer never read,
   * up to megabytes, in the kernel's send buffer until TCP gives up on it, minutes later.
   */
  void dropConnection() {
    if (ctx != null) {
      ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
      ctx.close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!ctx.channel().isWritable()) {
      // the peer does not read what it is sent: stop reading it too, as Connection does for its replies
      pauseReading(ctx);
    }
    if (msg instanceof WebSocketFrame frame) {
      heard = true;
      if (frame instanceof PingWebSocketFrame ping) {
        answer(ctx, ping);
        return;
      }
      if (check(frame) != null) {
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** A pong now if the channel takes it, else the ping waits (replacing any older one) for the channel to drain. */
  private void answer(ChannelHandlerContext ctx, PingWebSocketFrame ping) {
    if (ctx.channel().isWritable() && unansweredPing == null) {
      ctx.write(new PongWebSocketFrame(ping.content()));
      flushPending = true;
      return;
    }
    if (unansweredPing != null) {
      unansweredPing.release();
    }
    unansweredPing = ping.content();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      if (unansweredPing != null && !failed) {
        ByteBuf payload = unansweredPing;
        unansweredPing = null;
        ctx.writeAndFlush(new PongWebSocketFrame(payload));
      }
      if (readingPaused) {
        readingPaused = false;
        ctx.channel().config().setAutoRead(true);
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void pauseReading(ChannelHandlerContext ctx) {
    // Vert.x turns auto-read off too, when frames pile up behind a paused socket: only what this guard turned off
    // is turned back on here, and a frame that arrives while the channel is full turns it off again
    if (ctx.channel().config().isAutoRead()) {
      readingPaused = true;
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (unansweredPing != null) {
      unansweredPing.release();
      unansweredPing = null;
    }
  }

  /** Returns non-null (and has failed the connection) when the frame breaks a rule. */
  private String check(WebSocketFrame frame) {
    if (frame instanceof CloseWebSocketFrame close) {
      return checkClose(close.content());
    }
    boolean data = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
    if (data) {
      textMessage = frame instanceof TextWebSocketFrame;
      messageBytes = 0;
      utf8State = Utf8Validator.START;
    } else if (!(frame instanceof ContinuationWebSocketFrame)) {
      return null; // ping and pong: size and fragmentation are checked by the decoder
    }
    ByteBuf content = frame.content();
    messageBytes += content.readableBytes();
    if (messageBytes > maxMessageBytes) {
      return fail(CloseCodes.MESSAGE_TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
    }
    if (textMessage) {
      utf8State = Utf8Validator.feed(utf8State, content);
      if (Utf8Validator.isRejected(utf8State) || frame.isFinalFragment() && !Utf8Validator.isComplete(utf8State)) {
        return fail(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in text message");
      }
    }
    return null;
  }

  private String checkClose(ByteBuf payload) {
    int length = payload.readableBytes();
    if (length == 0) {
      return null;
    }
    if (length == 1) {
      return fail(CloseCodes.PROTOCOL_ERROR, "close payload of one byte");
    }
    int code = payload.getUnsignedShort(payload.readerIndex());
    if (!isValidCloseCode(code)) {
      return fail(CloseCodes.PROTOCOL_ERROR, "invalid close code " + code);
    }
    if (!Utf8Validator.isValid(payload.slice(payload.readerIndex() + 2, length - 2))) {
      // 1007 like invalid UTF-8 in a text message: one code for text that is not UTF-8 (RFC 6455 7.4.1), the
      // code Netty's own decoder sends for this, and one of the two Autobahn case 7.5.1 accepts
      return fail(CloseCodes.INVALID_PAYLOAD, "close reason is not valid UTF-8");
    }
    return null;
  }

  /** Codes a peer may send: RFC 6455 7.4.1 plus the IANA-registered 1012-1014, and the 3000-4999 ranges. */
  static boolean isValidCloseCode(int code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      // The decoder has given up on this stream; answer with its status (1002 or 1009), not Vert.x's 1000.
      failChannel(ctx, corrupted.closeStatus().code(), String.valueOf(corrupted.getMessage()));
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  private String fail(short code, String reason) {
    failChannel(ctx, code, reason);
    return reason;
  }

  private void failChannel(ChannelHandlerContext ctx, int code, String reason) {
    if (failed) {
      return;
    }
    failed = true;
    sentCloseCode = code;
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    String shortReason = bytes.length <= MAX_REASON_BYTES ? reason : reason.substring(0, MAX_REASON_BYTES / 3);
    // ctx.close(), not channel().close(): the close starts here and goes toward the socket, past Vert.x's handler,
    // which would otherwise turn it into a second close frame (1000) and wait for a handshake this guard drops.
    ctx.writeAndFlush(new CloseWebSocketFrame(code, shortReason)).addListener(written -> ctx.close());
  }
}
