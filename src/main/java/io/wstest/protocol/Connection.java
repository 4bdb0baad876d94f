package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpObjectEncoder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.wstest.runtime.FatalErrors;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;
import io.wstest.wire.Scopes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One WebSocket: assembles messages from frames with the size and UTF-8 rules of RFC 6455, answers them, and
 * numbers everything it sends. Lives on its handler's event loop only.
 */
final class Connection extends IndexedSet.Member implements Handler<WebSocketFrame> {

  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  /** The constant parts of an echo reply, encoded once. */
  private static final byte[] ECHO_HEAD = ("{\"" + Fields.TYPE + "\":\"" + MessageTypes.ECHO + "\",\""
    + Fields.ORIGINAL_MESSAGE + "\":").getBytes(StandardCharsets.UTF_8);
  private static final byte[] TIMESTAMP_KEY = (",\"" + Fields.TIMESTAMP + "\":\"").getBytes(StandardCharsets.UTF_8);
  private static final byte[] INSTANCE_KEY = ("\",\"" + Fields.INSTANCE_ID + "\":").getBytes(StandardCharsets.UTF_8);
  private static final byte[] SEQ_KEY = (",\"" + Fields.SEQ + "\":").getBytes(StandardCharsets.UTF_8);
  /**
   * {@link ConnectionOptions#WRITE_QUEUE_MAX_BYTES} as Netty's water marks, one instance for every socket. It is what
   * Vert.x's {@code setWriteQueueMaxSize} sets (the limit as the high mark, half of it as the low one), but Vert.x
   * makes a new one per call, 24 bytes more on the heap for each held socket.
   */
  private static final WriteBufferWaterMark BACKLOG_WATER_MARK =
    new WriteBufferWaterMark(ConnectionOptions.WRITE_QUEUE_MAX_BYTES / 2, ConnectionOptions.WRITE_QUEUE_MAX_BYTES);
  /** Room kept in front of a message for its frame header: 2, 4 or 10 bytes (RFC 6455, 5.2). */
  private static final int HEADER_ROOM = 10;

  private final ConnectionHandler handler;
  private final ServerWebSocket ws;
  /** The socket's Netty channel, for the backlog check on every reply. */
  private final Channel channel;
  /** Vert.x writes straight to the channel (see {@link VertxInternals}); false only if that could not be set up. */
  private boolean directWrites;
  /**
   * Messages are written as finished frames ({@link VertxInternals#writeEncodedFrame}): with direct writes, no
   * negotiated extension (a compressing extension's encoder must see every frame as a frame), and the upgrade's
   * HTTP encoder gone from the pipeline. Netty removes that encoder once the 101 response is written, which is
   * usually before the socket opens; over TLS 1.3 with a client certificate on the OpenSSL engine it was not, and
   * the encoder refused the welcome's bytes (it takes a ByteBuf for HTTP content): such a socket keeps Vert.x's
   * frame path, which passes the encoder untouched.
   */
  private boolean encodedFrames;
  /** Wire-level RFC 6455 checks in front of this socket; knows the close code it failed the socket with. */
  private Rfc6455Guard guard;
  /** This socket's number in the process; its id ({@link #id()}) is made from it when asked, not kept. */
  private final long number;
  private final Endpoint endpoint;
  /** The upgrade request as received, for the welcome and info; null when the caller did not record it. */
  private final Handshake handshake;
  private final WebSocketMetrics metrics;
  private long seq;
  /** Set when the close starts: nothing is read or written after it. */
  private boolean closing;
  /**
   * Set once the shutdown message is sent. The peer has been told to reconnect, but what it sent before reading
   * that is still answered until the close, SHUTDOWN_GRACE later.
   */
  private boolean shutdownSent;
  /** While {@link #shutdownSent}: the write of the latest message, which the close frame must follow. */
  private Future<Void> lastWrite;
  private long graceTimer = -1;
  /** Armed when this server starts a close; drops the connection if the closing handshake never finishes. */
  private long closeDeadlineTimer = -1;
  /** The close code this server sent, or 0 when the peer closed first (then the peer's code counts). */
  private short closeCode;
  /**
   * Whether the server pings this socket and closes it when idle; the client clears it with the
   * {@code server_ping} option ({@link ClientOptions}) to probe a load balancer's own idle timeout.
   */
  private boolean keepalive = true;
  /**
   * When the peer was last heard from, as of the latest keepalive tick: each tick asks the guard whether any frame
   * came since the one before ({@link Rfc6455Guard#heardSinceAsked}), so a socket is never closed early, at most a
   * tick late.
   */
  private long lastHeardMillis;
  private long lastPingMillis;
  private int droppedBroadcasts;
  /** Whether the socket resumes reading once its backlog drains: set up the first time a reply pauses it. */
  private boolean resumesOnDrain;
  /** Created on the first broadcast: most connections never send one. */
  private TokenBucket broadcastBucket;
  /** The parts of a fragmented message so far; null between messages. */
  private Buffer fragments;
  private boolean fragmentedText;

  Connection(ConnectionHandler handler, ServerWebSocket ws, long number, Endpoint endpoint, Handshake handshake) {
    this.handler = handler;
    this.handshake = handshake;
    this.ws = ws;
    this.channel = VertxInternals.handlerContext(ws).channel();
    this.number = number;
    this.endpoint = endpoint;
    this.metrics = handler.metrics();
  }

  /** The connection id the welcome and {@code info} report: the instance id, a dash and this socket's number. */
  String id() {
    return handler.identity().instanceId() + "-" + number;
  }

  /** The connection id: log lines pass the socket itself, so the id is only made when the line is written. */
  @Override
  public String toString() {
    return id();
  }

  /** What became of one broadcast for this socket. */
  enum Delivery { DELIVERED, DROPPED, SKIPPED }

  void open() {
    // first, before anything is written: drops Vert.x state this socket never uses again (VertxInternals)
    directWrites = VertxInternals.trimConnection(ws);
    encodedFrames = directWrites && PendingConnections.acceptedExtensions(channel) == null
      && channel.pipeline().get(HttpObjectEncoder.class) == null;
    // the guard hears every frame, pongs too, also while reading is paused for backlog (the frame handler does not)
    guard = Rfc6455Guard.install(ws, handler.maxMessageBytes());
    lastHeardMillis = System.currentTimeMillis();
    lastPingMillis = lastHeardMillis;
    // the backlog at which broadcasts are dropped and replies pause reading: bounds memory per socket
    channel.config().setWriteBufferWaterMark(BACKLOG_WATER_MARK);
    ws.frameHandler(this); // itself: a method reference would be one more object per held socket
    ws.exceptionHandler(e -> {
      // out of memory in Netty's pipeline lands here, as one socket's error: it must not stop at this socket
      FatalErrors.haltIfFatal(e);
      LOG.debug("WebSocket {} error: {}", this, e.toString());
    });
    ws.closeHandler(v -> {
      closing = true;
      if (graceTimer >= 0) {
        handler.vertx().cancelTimer(graceTimer);
      }
      if (closeDeadlineTimer >= 0) {
        handler.vertx().cancelTimer(closeDeadlineTimer);
      }
      Short peerCode = ws.closeStatusCode();
      int sent = closeCode != 0 ? closeCode : guard.sentCloseCode();
      handler.closed(this, sent != 0 ? sent : peerCode == null ? CloseCodes.ABNORMAL : peerCode);
    });
    if (endpoint == Endpoint.PROTOCOL) {
      // /echo speaks no JSON, so it could not confirm an option: only the protocol endpoints read them
      ClientOptions requested = ClientOptions.fromQuery(ws.query());
      apply(requested);
      sendWelcome();
      if (!requested.valid()) {
        sendInvalidOption(requested);
      }
    }
    // the welcome was the last reader of the upgrade request's headers and Host
    VertxInternals.releaseUpgradeRequest(ws);
  }

  /** The welcome, written as bytes: the handler's {@link WelcomeMessage} and this socket's own fields. */
  private void sendWelcome() {
    if (closing) {
      return;
    }
    ProxyProtocol.Header proxy = ProxyProtocol.header(channel);
    ClientAddress address = ClientAddress.of(ws.headers(), peer(), proxy == null ? null : proxy.sourceIp());
    String accepted = PendingConnections.acceptedExtensions(channel);
    WelcomeMessage welcome = handler.welcome();
    ByteBuf out = messageBuffer(welcome.constantBytes() + (handshake == null ? 0 : handshake.requestBytes()));
    welcome.write(out, address.clientIp(), address.remoteAddress(), address.forwardedFor(), number, handler.draining(),
      keepalive, handshake, ws.subProtocol(), accepted == null ? List.of() : List.of(accepted.split("\\s*,\\s*")),
      proxy == null ? null : proxy.toJson());
    out.writeBytes(SEQ_KEY);
    JsonBytes.decimal(out, ++seq);
    out.writeByte('}');
    metrics.sent.increment();
    writeJson(out);
    pauseWhileBacklogged();
  }

  /**
   * The socket's peer, from Netty's channel: {@code ws.remoteAddress()} would say the same but keep its answer
   * (about 90 bytes) for the socket's life, and the welcome is its only reader.
   */
  private SocketAddress peer() {
    return channel.remoteAddress() instanceof InetSocketAddress inet ? SocketAddress.inetSocketAddress(inet)
      : ws.remoteAddress();
  }

  /** What keepalive applies to this socket now: the server's settings, or zeros once the client turned it off. */
  private JsonObject keepaliveJson() {
    return keepaliveJson(handler.options(), keepalive);
  }

  static JsonObject keepaliveJson(ConnectionOptions options, boolean keepalive) {
    long pingInterval = keepalive ? options.pingIntervalMillis() : 0;
    long idleTimeout = keepalive ? options.idleTimeoutMillis() : 0;
    return new JsonObject()
      .put(Fields.SERVER_PING, pingInterval > 0)
      .put(Fields.PING_INTERVAL_MS, pingInterval)
      .put(Fields.IDLE_TIMEOUT_MS, idleTimeout);
  }

  /** An invalid request changes nothing (see {@link ClientOptions}). */
  private void apply(ClientOptions requested) {
    if (requested.valid() && requested.serverPing() != null) {
      keepalive = requested.serverPing();
    }
  }

  private void sendInvalidOption(ClientOptions requested) {
    send(new JsonObject()
      .put(Fields.TYPE, MessageTypes.ERROR)
      .put(Fields.ERROR, "invalid_option")
      .put(Fields.OPTION, requested.invalidOption())
      .put(Fields.MESSAGE, requested.problem())
      .put(Fields.KEEPALIVE, keepaliveJson())
      .put(Fields.TIMESTAMP, Timestamps.now()));
  }

  /**
   * The socket's frame handler. Frames arrive already checked by {@link Rfc6455Guard} (size, UTF-8, fragment
   * order, close payloads), so this only joins fragments into messages.
   */
  @Override
  public void handle(WebSocketFrame frame) {
    if (closing) {
      return;
    }
    switch (frame.type()) {
      case TEXT:
      case BINARY:
        if (frame.isFinal()) {
          onMessage(frame.isText(), frame.binaryData());
        } else {
          fragments = Buffer.buffer(Math.max(256, frame.binaryData().length() * 2)).appendBuffer(frame.binaryData());
          fragmentedText = frame.isText();
        }
        break;
      case CONTINUATION:
        if (fragments != null) {
          fragments.appendBuffer(frame.binaryData());
          if (frame.isFinal()) {
            Buffer message = fragments;
            fragments = null;
            onMessage(fragmentedText, message);
          }
        }
        break;
      default:
        // pings are answered by Rfc6455Guard and never arrive here; pongs and close frames need no answer here
        break;
    }
  }

  private void onMessage(boolean text, Buffer data) {
    if (!text) {
      metrics.receivedBinary.increment();
      metrics.sent.increment();
      written(ws.writeBinaryMessage(data));
      pauseWhileBacklogged();
    } else if (endpoint == Endpoint.ECHO) {
      metrics.receivedText.increment();
      metrics.sent.increment();
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
    if (fastType != null && isEcho(fastType)) {
      metrics.receivedEcho.increment();
      sendEcho(data);
      return;
    }
    JsonObject message;
    try {
      message = new JsonObject(data);
    } catch (DecodeException | ClassCastException e) {
      metrics.receivedInvalidJson.increment();
      send(new JsonObject()
        .put(Fields.TYPE, MessageTypes.ERROR)
        .put(Fields.ERROR, "invalid_json")
        .put(Fields.MESSAGE, "expected a JSON object")
        .put(Fields.TIMESTAMP, Timestamps.now()));
      return;
    }
    Object type = message.getValue(Fields.TYPE);
    if (MessageTypes.PING.equals(type)) {
      metrics.receivedPing.increment();
      send(new JsonObject().put(Fields.TYPE, MessageTypes.PONG).put(Fields.TIMESTAMP, Timestamps.now()).put(Fields.ORIGINAL_DATA, message));
    } else if (MessageTypes.BROADCAST.equals(type)) {
      metrics.receivedBroadcast.increment();
      Object scope = message.getValue(Fields.SCOPE);
      boolean cluster = Scopes.CLUSTER.equals(scope);
      if (!cluster && scope != null && !Scopes.LOCAL.equals(scope)) {
        send(new JsonObject()
          .put(Fields.TYPE, MessageTypes.ERROR)
          .put(Fields.ERROR, "invalid_scope")
          .put(Fields.MESSAGE, "scope must be \"local\" (this replica, the default) or \"cluster\" (every replica)")
          .put(Fields.TIMESTAMP, Timestamps.now()));
        return;
      }
      if (!broadcastAllowed()) {
        return;
      }
      handler.publish(this, new JsonObject()
        .put(Fields.TYPE, MessageTypes.BROADCAST)
        .put(Fields.MESSAGE, message.getValue(Fields.MESSAGE))
        .put(Fields.FROM, id())
        .put(Fields.TIMESTAMP, Timestamps.now())
        .put(Fields.INSTANCE_ID, handler.identity().instanceId())
        .put(Fields.DISPLAY_NAME, handler.identity().displayName())
        .put(Fields.SCOPE, cluster ? Scopes.CLUSTER : Scopes.LOCAL), cluster);
    } else if (MessageTypes.CLUSTER.equals(type)) {
      metrics.receivedCluster.increment();
      send(handler.clusterView().put(Fields.TYPE, MessageTypes.CLUSTER).put(Fields.TIMESTAMP, Timestamps.now()));
    } else if (MessageTypes.INFO.equals(type)) {
      metrics.receivedInfo.increment();
      send(info());
    } else if (MessageTypes.OPTIONS.equals(type)) {
      metrics.receivedOptions.increment();
      ClientOptions requested = ClientOptions.fromMessage(message);
      if (requested.valid()) {
        apply(requested);
        send(new JsonObject().put(Fields.TYPE, MessageTypes.OPTIONS_ACK).put(Fields.KEEPALIVE, keepaliveJson())
          .put(Fields.TIMESTAMP, Timestamps.now()));
      } else {
        sendInvalidOption(requested);
      }
    } else {
      metrics.receivedEcho.increment();
      send(new JsonObject()
        .put(Fields.TYPE, MessageTypes.ECHO)
        .put(Fields.ORIGINAL_MESSAGE, message)
        .put(Fields.TIMESTAMP, Timestamps.now()));
    }
  }

  /** Every type but the protocol's requests is echoed (docs/protocol.md). */
  private static boolean isEcho(String type) {
    return switch (type) {
      case MessageTypes.PING, MessageTypes.BROADCAST, MessageTypes.INFO, MessageTypes.OPTIONS, MessageTypes.CLUSTER -> false;
      default -> true;
    };
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
    // written straight into the frame's byte buffer: the constant parts and the timestamp are bytes already
    ByteBuf in = VertxInternals.byteBuf(request);
    ByteBuf reply = messageBuffer(in.readableBytes() + 160);
    reply.writeBytes(ECHO_HEAD).writeBytes(in, in.readerIndex(), in.readableBytes())
      .writeBytes(TIMESTAMP_KEY).writeBytes(Timestamps.nowAscii())
      .writeBytes(INSTANCE_KEY).writeBytes(handler.instanceIdJson())
      .writeBytes(SEQ_KEY);
    JsonBytes.decimal(reply, ++seq);
    reply.writeByte('}');
    metrics.sent.increment();
    writeJson(reply);
    pauseWhileBacklogged();
  }

  /**
   * A buffer for one JSON message, with room in front for its frame header: fill it from the reader index on and
   * hand it to {@link #writeJson}. Pooled and direct, as the socket sends it.
   */
  private ByteBuf messageBuffer(int payloadGuess) {
    ByteBuf buffer = channel.alloc().directBuffer(HEADER_ROOM + payloadGuess);
    return buffer.writerIndex(HEADER_ROOM).readerIndex(HEADER_ROOM);
  }

  /**
   * Writes a message that is UTF-8 JSON already (and takes over its buffer). From {@link #messageBuffer}, the
   * frame header goes into the room in front and the buffer is written as the finished frame
   * ({@link VertxInternals#writeEncodedFrame}): no frame object, future or second copy by the frame encoder per
   * message. Sockets with a negotiated extension, sockets being shut down (their close waits for the last write's
   * future) and messages over MAX_MESSAGE_BYTES take Vert.x's frame path.
   */
  private void writeJson(ByteBuf utf8) {
    int payload = utf8.readableBytes();
    if (payload > handler.maxMessageBytes()) {
      // larger than one frame may be: let Vert.x split it
      written(ws.writeTextMessage(utf8.toString(StandardCharsets.UTF_8)));
      utf8.release();
      return;
    }
    if (encodedFrames && !shutdownSent && utf8.readerIndex() >= HEADER_ROOM) {
      int header = payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10;
      int start = utf8.readerIndex() - header;
      utf8.setByte(start, 0x81); // FIN, text; a server's frames are not masked
      if (payload < 126) {
        utf8.setByte(start + 1, payload);
      } else if (payload <= 0xFFFF) {
        utf8.setByte(start + 1, 126).setShort(start + 2, payload);
      } else {
        utf8.setByte(start + 1, 127).setLong(start + 2, payload);
      }
      utf8.readerIndex(start);
      if (VertxInternals.writeEncodedFrame(ws, utf8)) {
        return;
      }
      utf8.readerIndex(start + header);
      encodedFrames = false;
    }
    written(ws.writeFrame(TextFrames.of(utf8)));
  }

  private JsonObject info() {
    return new JsonObject()
      .put(Fields.TYPE, MessageTypes.INFO)
      .put(Fields.TIMESTAMP, Timestamps.now())
      .put(Fields.CONNECTION_ID, id())
      .put(Fields.SERVER, handler.server())
      .put(Fields.SERVICE_IDENTITY, handler.identityJson())
      .put(Fields.CONNECTIONS, handler.registry().countsJson()
        .put(Fields.THIS_VERTICLE_INSTANCE, handler.localConnections()))
      .put(Fields.SUBPROTOCOL, ws.subProtocol())
      .put(Fields.REQUEST, handshake == null ? null : handshake.request());
  }

  /** BROADCAST_RATE: over the limit the sender gets an error reply and the socket stays open. */
  private boolean broadcastAllowed() {
    int rate = handler.options().broadcastRate();
    if (rate <= 0) {
      return true;
    }
    long nowNanos = System.nanoTime();
    if (broadcastBucket == null) {
      broadcastBucket = new TokenBucket(rate, nowNanos);
    }
    if (broadcastBucket.tryTake(nowNanos)) {
      return true;
    }
    send(new JsonObject()
      .put(Fields.TYPE, MessageTypes.ERROR)
      .put(Fields.ERROR, "rate_limited")
      .put(Fields.MESSAGE, "at most " + rate + " broadcasts per second per connection; this one was not sent")
      .put(Fields.LIMIT_PER_SECOND, rate)
      .put(Fields.RETRY_AFTER_MS, broadcastBucket.millisUntilNextToken())
      .put(Fields.TIMESTAMP, Timestamps.now()));
    return false;
  }

  /** The last hub has delivered this connection's broadcast. */
  void broadcastDelivered(int recipients, int dropped) {
    if (!closing) {
      send(new JsonObject()
        .put(Fields.TYPE, MessageTypes.BROADCAST_ACK)
        .put(Fields.SCOPE, Scopes.LOCAL)
        .put(Fields.RECIPIENTS, recipients)
        .put(Fields.DROPPED, dropped)
        .put(Fields.TIMESTAMP, Timestamps.now()));
    }
  }

  /** The cluster broadcast's ack: this replica's counts and those the other replicas reported in time. */
  void clusterBroadcastDelivered(JsonObject counts) {
    if (!closing) {
      send(new JsonObject()
        .put(Fields.TYPE, MessageTypes.BROADCAST_ACK)
        .put(Fields.SCOPE, Scopes.CLUSTER)
        .mergeIn(counts)
        .put(Fields.TIMESTAMP, Timestamps.now()));
    }
  }

  /**
   * Writes a broadcast unless this socket is an /echo socket or closing (SKIPPED) or already has a full write
   * queue (DROPPED, and counted: the handler closes the socket once {@link #droppedBroadcasts()} reaches
   * SLOW_CONSUMER_LIMIT).
   */
  Delivery deliverBroadcast(byte[] jsonPrefix) {
    // /echo promises its peers nothing but their own messages back: a JSON broadcast there would be an
    // unexpected frame to a plain echo client, and counting it would overstate broadcast_ack's recipients.
    if (endpoint != Endpoint.PROTOCOL) {
      return Delivery.SKIPPED;
    }
    if (closing || ws.isClosed()) {
      return Delivery.SKIPPED;
    }
    if (backlogged()) {
      droppedBroadcasts++;
      return Delivery.DROPPED;
    }
    // bytes straight into the frame, as in sendEcho: one pooled buffer per receiver, the prefix copied once
    ByteBuf message = messageBuffer(jsonPrefix.length + 24);
    message.writeBytes(jsonPrefix).writeBytes(SEQ_KEY);
    JsonBytes.decimal(message, ++seq);
    message.writeByte('}');
    writeJson(message);
    return Delivery.DELIVERED;
  }

  int droppedBroadcasts() {
    return droppedBroadcasts;
  }

  void closeSlowConsumer() {
    fail(CloseCodes.POLICY_VIOLATION, "slow consumer: " + droppedBroadcasts + " broadcasts dropped");
  }

  /**
   * One keepalive tick: pings when a ping is due and reports whether the peer has been silent for the idle
   * timeout (the handler then calls {@link #closeIdle}).
   */
  boolean keepalive(long now, long pingIntervalMillis, long idleTimeoutMillis) {
    if (guard.heardSinceAsked()) {
      lastHeardMillis = now;
    }
    if (closing || !keepalive) {
      return false;
    }
    if (idleTimeoutMillis > 0 && now - lastHeardMillis >= idleTimeoutMillis) {
      return true;
    }
    if (pingIntervalMillis > 0 && now - lastPingMillis >= pingIntervalMillis) {
      lastPingMillis = now;
      ws.writePing(Buffer.buffer());
    }
    return false;
  }

  /**
   * 1001 "going away": the server gives up on a peer that stopped answering. Not 1011 (no server error) and not
   * 1008 (kept for slow consumers, so the two show apart in websocket_closes_total).
   */
  void closeIdle() {
    fail(CloseCodes.GOING_AWAY, "idle timeout: nothing received for " + handler.options().idleTimeoutMillis() + " ms");
  }

  /**
   * Tells the peer to reconnect, keeps answering its messages for SHUTDOWN_GRACE (a message the peer sent before it
   * read the shutdown is still on its way and must not be lost), then closes with {@code code} once every reply,
   * and so every message sent before the close, has been written. The /echo endpoint speaks no JSON: nothing tells
   * its peer to stop sending, so a grace would save nothing and it gets the close at once.
   */
  void shutdown(String reason, short code) {
    if (closing || shutdownSent) {
      return;
    }
    if (endpoint != Endpoint.PROTOCOL) {
      lastWrite = Future.succeededFuture();
      closeAfterLastWrite(code);
      return;
    }
    shutdownSent = true;
    metrics.sent.increment();
    lastWrite = ws.writeTextMessage(new JsonObject()
      .put(Fields.TYPE, MessageTypes.SHUTDOWN)
      .put(Fields.REASON, reason)
      .put(Fields.RECONNECT, true)
      .put(Fields.TIMESTAMP, Timestamps.now())
      .put(Fields.INSTANCE_ID, handler.identity().instanceId())
      .put(Fields.SEQ, ++seq).encode());
    long grace = handler.options().shutdownGraceMillis();
    if (grace < 1) {
      closeAfterLastWrite(code);
    } else {
      graceTimer = handler.vertx().setTimer(grace, t -> {
        graceTimer = -1;
        closeAfterLastWrite(code);
      });
    }
  }

  private void closeAfterLastWrite(short code) {
    if (closing) {
      return;
    }
    closing = true;
    // the code this server closes with counts in websocket_closes_total, whatever the peer answers
    closeCode = code;
    fragments = null;
    armCloseDeadline();
    lastWrite.onComplete(ar -> ws.close(code, CloseCodes.reason(code)));
  }

  /**
   * A peer that stopped reading never receives the close frame (it waits behind the full write queue, or behind
   * the shutdown message, whose write never completes), so the handshake never ends by itself: drop the
   * connection after CLOSE_TIMEOUT. The close handler then runs as for any other close.
   */
  private void armCloseDeadline() {
    if (closeDeadlineTimer < 0) {
      closeDeadlineTimer = handler.vertx().setTimer(handler.options().closeTimeoutMillis(), t -> {
        LOG.debug("WebSocket {} did not finish its closing handshake in time: dropping the connection", this);
        guard.dropConnection();
      });
    }
  }

  /** Remembers a write while shutting down, so that the close frame follows it. */
  private void written(Future<Void> write) {
    if (shutdownSent) {
      lastWrite = write;
    }
  }

  private void send(JsonObject message) {
    if (closing) {
      return;
    }
    message.put(Fields.INSTANCE_ID, handler.identity().instanceId()).put(Fields.SEQ, ++seq);
    // counted before it is written, so a peer that has the message also sees it in /metrics
    metrics.sent.increment();
    ByteBuf encoded = VertxInternals.byteBuf(message.toBuffer());
    ByteBuf out = messageBuffer(encoded.readableBytes());
    out.writeBytes(encoded);
    writeJson(out);
    pauseWhileBacklogged();
  }

  /** Replies are never queued without bound: stop reading until the peer has read what it was sent. */
  private void pauseWhileBacklogged() {
    if (backlogged()) {
      ws.pause();
      if (!resumesOnDrain) {
        // set the first time it is needed: most sockets never fall behind, and a handler is an object per socket
        ws.drainHandler(v -> ws.resume());
        resumesOnDrain = true;
      }
    }
  }

  /**
   * The channel holds more unsent bytes than the write queue limit ({@link #BACKLOG_WATER_MARK}). With direct
   * writes that is exactly Vert.x's {@code writeQueueFull()}, which takes the socket's lock twice per reply and
   * throws once the peer's close frame has arrived. Vert.x's queued writes signal drain only for their own queue,
   * so such a socket (if {@link VertxInternals} could not apply) keeps asking Vert.x.
   */
  private boolean backlogged() {
    return directWrites ? !channel.isWritable() : !ws.isClosed() && ws.writeQueueFull();
  }

  private void fail(short code, String reason) {
    closing = true;
    closeCode = code;
    fragments = null;
    armCloseDeadline();
    LOG.debug("Closing WebSocket {} with {}: {}", this, code, reason);
    ws.close(code, reason);
  }
}
