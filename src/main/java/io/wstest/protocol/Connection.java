package io.wstest.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * One WebSocket: assembles messages from frames with the size and UTF-8 rules of RFC 6455, answers them, and
 * numbers everything it sends. Lives on its handler's event loop only.
 */
final class Connection {

  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  /** The constant parts of an echo reply, encoded once. */
  private static final byte[] ECHO_HEAD = "{\"type\":\"echo\",\"original_message\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TIMESTAMP_KEY = ",\"timestamp\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] INSTANCE_KEY = "\",\"instance_id\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SEQ_KEY = ",\"seq\":".getBytes(StandardCharsets.UTF_8);

  private final ConnectionHandler handler;
  private final ServerWebSocket ws;
  private final String id;
  private final Endpoint endpoint;
  private final Utf8Validator utf8 = new Utf8Validator();
  private long seq;
  private boolean closing;
  /** The parts of a fragmented message so far; null between messages. */
  private Buffer fragments;
  private boolean fragmentedText;

  Connection(ConnectionHandler handler, ServerWebSocket ws, String id, Endpoint endpoint) {
    this.handler = handler;
    this.ws = ws;
    this.id = id;
    this.endpoint = endpoint;
  }

  void open() {
    ws.frameHandler(this::onFrame);
    ws.exceptionHandler(e -> LOG.debug("WebSocket {} error: {}", id, e.toString()));
    ws.closeHandler(v -> {
      closing = true;
      handler.closed(this);
    });
    ws.drainHandler(v -> ws.resume());
    if (endpoint == Endpoint.PROTOCOL) {
      send(welcome());
    }
  }

  private JsonObject welcome() {
    ClientAddress address = ClientAddress.of(ws.headers(), ws.remoteAddress());
    return new JsonObject()
      .put("type", "welcome")
      .put("message", "Connected to " + handler.identity().displayName())
      .put("timestamp", Timestamps.now())
      .put("client_ip", address.clientIp())
      .put("remote_address", address.remoteAddress())
      .put("forwarded_for", address.forwardedForJson())
      .put("connection_id", id)
      .put("server", handler.server())
      .put("service_identity", handler.identityJson());
  }

  private void onFrame(WebSocketFrame frame) {
    if (closing) {
      return;
    }
    switch (frame.type()) {
      case TEXT:
      case BINARY:
        startMessage(frame);
        break;
      case CONTINUATION:
        continueMessage(frame);
        break;
      default:
        // ping, pong and close frames are answered by Vert.x itself
        break;
    }
  }

  private void startMessage(WebSocketFrame frame) {
    if (fragments != null) {
      fail(CloseCodes.PROTOCOL_ERROR, "new message started before the previous one ended");
      return;
    }
    Buffer data = frame.binaryData();
    boolean text = frame.isText();
    if (data.length() > handler.maxMessageBytes()) {
      fail(CloseCodes.MESSAGE_TOO_BIG, "message larger than " + handler.maxMessageBytes() + " bytes");
      return;
    }
    if (text) {
      utf8.reset();
      if (!utf8.feed(data)) {
        fail(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in text message");
        return;
      }
    }
    if (frame.isFinal()) {
      completeMessage(text, data);
    } else {
      fragments = Buffer.buffer(Math.max(256, data.length() * 2)).appendBuffer(data);
      fragmentedText = text;
    }
  }

  private void continueMessage(WebSocketFrame frame) {
    if (fragments == null) {
      fail(CloseCodes.PROTOCOL_ERROR, "continuation frame without a message to continue");
      return;
    }
    Buffer data = frame.binaryData();
    if (fragments.length() + data.length() > handler.maxMessageBytes()) {
      fail(CloseCodes.MESSAGE_TOO_BIG, "message larger than " + handler.maxMessageBytes() + " bytes");
      return;
    }
    if (fragmentedText && !utf8.feed(data)) {
      fail(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in text message");
      return;
    }
    fragments.appendBuffer(data);
    if (frame.isFinal()) {
      Buffer message = fragments;
      fragments = null;
      completeMessage(fragmentedText, message);
    }
  }

  private void completeMessage(boolean text, Buffer data) {
    if (text && !utf8.isComplete()) {
      fail(CloseCodes.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
      return;
    }
    if (!text) {
      ws.writeBinaryMessage(data);
      pauseWhileBacklogged();
    } else if (endpoint == Endpoint.ECHO) {
      ws.writeTextMessage(data.toString(StandardCharsets.UTF_8));
      pauseWhileBacklogged();
    } else {
      onJson(data);
    }
  }

  private void onJson(Buffer data) {
    // strict JSON objects that ask for an echo take the hot path; the rest (and JSON with comments, whose echo
    // must be re-encoded to be strict JSON) are parsed into a tree below
    String fastType = StrictJson.typeOf(data);
    if (fastType != null && !"ping".equals(fastType) && !"broadcast".equals(fastType) && !"info".equals(fastType)) {
      sendEcho(data);
      return;
    }
    JsonObject message;
    try {
      message = new JsonObject(data);
    } catch (DecodeException | ClassCastException e) {
      send(new JsonObject()
        .put("type", "error")
        .put("error", "invalid_json")
        .put("message", "expected a JSON object")
        .put("timestamp", Timestamps.now()));
      return;
    }
    Object type = message.getValue("type");
    if ("ping".equals(type)) {
      send(new JsonObject().put("type", "pong").put("timestamp", Timestamps.now()).put("original_data", message));
    } else if ("broadcast".equals(type)) {
      handler.publish(this, new JsonObject()
        .put("type", "broadcast")
        .put("message", message.getValue("message"))
        .put("from", id)
        .put("timestamp", Timestamps.now())
        .put("instance_id", handler.identity().instanceId()));
    } else if ("info".equals(type)) {
      send(info());
    } else {
      send(new JsonObject()
        .put("type", "echo")
        .put("original_message", message)
        .put("timestamp", Timestamps.now()));
    }
  }

  /**
   * The hot path: the request is a strict JSON object ({@link StrictJson}), so its bytes are spliced into the
   * reply as they came and the reply is written as bytes: the same JSON as encoding a parsed tree, without
   * building the tree, decoding or encoding again.
   */
  private void sendEcho(Buffer request) {
    if (closing) {
      return;
    }
    Buffer reply = Buffer.buffer(request.length() + 160)
      .appendBytes(ECHO_HEAD).appendBuffer(request)
      .appendBytes(TIMESTAMP_KEY).appendString(Timestamps.now())
      .appendBytes(INSTANCE_KEY).appendString(handler.instanceIdJson())
      .appendBytes(SEQ_KEY).appendString(Long.toString(++seq)).appendByte((byte) '}');
    if (reply.length() <= handler.maxMessageBytes()) {
      ws.writeFrame(TextFrames.of(reply));
    } else {
      // larger than one frame may be: let Vert.x split it
      ws.writeTextMessage(reply.toString(StandardCharsets.UTF_8));
    }
    pauseWhileBacklogged();
  }

  private JsonObject info() {
    return new JsonObject()
      .put("type", "info")
      .put("timestamp", Timestamps.now())
      .put("connection_id", id)
      .put("server", handler.server())
      .put("service_identity", handler.identityJson())
      .put("connections", handler.registry().countsJson()
        .put("this_verticle_instance", handler.localConnections()));
  }

  /** The last hub has delivered this connection's broadcast. */
  void broadcastDelivered(int recipients) {
    if (!closing) {
      send(new JsonObject()
        .put("type", "broadcast_ack")
        .put("recipients", recipients)
        .put("timestamp", Timestamps.now()));
    }
  }

  /** Writes a broadcast unless this socket is closing or its write queue is full; returns whether it did. */
  boolean deliverBroadcast(String jsonPrefix) {
    if (closing || ws.writeQueueFull()) {
      return false;
    }
    ws.writeTextMessage(jsonPrefix + ",\"seq\":" + (++seq) + "}");
    return true;
  }

  private void send(JsonObject message) {
    if (closing) {
      return;
    }
    message.put("instance_id", handler.identity().instanceId()).put("seq", ++seq);
    ws.writeTextMessage(message.encode());
    pauseWhileBacklogged();
  }

  /** Replies are never queued without bound: stop reading until the peer has read what it was sent. */
  private void pauseWhileBacklogged() {
    if (ws.writeQueueFull()) {
      ws.pause();
    }
  }

  private void fail(short code, String reason) {
    closing = true;
    fragments = null;
    LOG.debug("Closing WebSocket {} with {}: {}", id, code, reason);
    ws.close(code, reason);
  }
}
