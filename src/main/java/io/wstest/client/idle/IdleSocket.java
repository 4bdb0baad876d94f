package io.wstest.client.idle;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.ClientSocket;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.FailureKind;
import io.wstest.client.socket.Welcome;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;

import java.time.Instant;

/**
 * One idle-timeout socket, step by step on one Vert.x context: handshake, {@code welcome}, the connection option
 * {@code server_ping:false} (confirmed by {@code options_ack}), then idle, silent or sending its keepalive, until
 * the load balancer closes it or its idle time is over; then one {@code ping} message, whose {@code pong} shows the
 * connection still carries data. Every step but the idle time itself is bounded by {@code --timeout}.
 */
public final class IdleSocket implements ClientSocket.Events {

  /** RFC 6455's code for a connection closed without a close frame. */
  public static final short ABNORMAL_CLOSURE = 1006;

  /** What one socket is to do. */
  public record Plan(int index, Keepalive keepalive, Long rungMs, long idleLimitMs) {
  }

  private final Vertx vertx;
  private final WebSocketClient client;
  private final IdleTimeoutSettings settings;
  private final Plan plan;
  private final ClientSocket socket;
  private final Promise<IdleResult> result = Promise.promise();

  private long idleTimer = -1;
  private long keepaliveTimer = -1;
  private Instant openedAt;
  /** 0 until the server confirmed the option and the idle time began. */
  private long idleStartNanos;
  private long idleEndNanos;
  private long lastFrameNanos;
  private Instant lastFrameAt;
  private boolean probing;
  private long probeSentNanos;
  private int keepalivesSent;
  private int keepalivesAnswered;
  private int serverPings;

  IdleSocket(Vertx vertx, WebSocketClient client, IdleTimeoutSettings settings, Plan plan) {
    this.vertx = vertx;
    this.client = client;
    this.settings = settings;
    this.plan = plan;
    this.socket = new ClientSocket(vertx, settings.target(), settings.connect().timeout().toMillis(), this);
  }

  /** Call on the context every callback of this socket is to run on. */
  public Future<IdleResult> start() {
    socket.connect(client, settings.connect().headers());
    return result.future();
  }

  @Override
  public void welcome(Welcome welcome) {
    openedAt = Instant.now();
    heard();
    socket.request(new JsonObject().put(Fields.TYPE, MessageTypes.OPTIONS).put(Fields.SERVER_PING, false),
      MessageTypes.OPTIONS_ACK);
  }

  /** Every frame but a close is traffic the load balancer saw; pings and pongs are counted here. */
  @Override
  public void frame(WebSocketFrame frame) {
    heard();
    if (frame.isPing()) {
      serverPings++;
    } else if (frame.type() == WebSocketFrameType.PONG && plan.keepalive() == Keepalive.PING) {
      keepalivesAnswered++;
    }
  }

  @Override
  public void message(JsonObject message) {
    Object type = message.getValue(Fields.TYPE);
    if (idleStartNanos == 0) {
      onOptionsReply(type, message);
    } else if (MessageTypes.PONG.equals(type) && message.getValue(Fields.ORIGINAL_DATA) instanceof JsonObject original) {
      if (probing && original.getValue("probe") instanceof Number n && n.intValue() == plan.index()) {
        finish(IdleResult.Outcome.SURVIVED, null, (System.nanoTime() - probeSentNanos) / 1e6);
      } else if (original.containsKey("keepalive")) {
        keepalivesAnswered++;
      }
    }
    // anything else (a broadcast from another client of the instance) is traffic, already noted by frame()
  }

  /**
   * Only a confirmed {@code server_ping:false} makes the measurement valid: with the server's pings on, a load
   * balancer would see traffic and never cut the socket.
   */
  private void onOptionsReply(Object type, JsonObject message) {
    if (MessageTypes.OPTIONS_ACK.equals(type)) {
      JsonObject keepalive = message.getJsonObject(Fields.KEEPALIVE);
      if (keepalive != null && Boolean.FALSE.equals(keepalive.getValue(Fields.SERVER_PING))) {
        startIdle();
      } else {
        failWith("the server did not turn its pings off: " + Failure.excerpt(message.encode()));
      }
    } else if (MessageTypes.ERROR.equals(type)) {
      failWith("the server refused the server_ping option: " + Failure.excerpt(message.encode()));
    } else if (MessageTypes.ECHO.equals(type)) {
      failWith("the server does not know connection options (it echoed the options message): a "
        + "websocket-test-service version without server_ping?");
    }
  }

  private void failWith(String detail) {
    failed(Failure.of(FailureKind.PROTOCOL, socket.stage(), detail));
    socket.close();
  }

  private void startIdle() {
    socket.established();
    idleStartNanos = System.nanoTime();
    heard();
    idleTimer = vertx.setTimer(plan.idleLimitMs(), t -> probe());
    if (plan.keepalive() != Keepalive.NONE) {
      keepaliveTimer = vertx.setPeriodic(settings.keepaliveInterval().toMillis(), t -> sendKeepalive());
    }
  }

  private void sendKeepalive() {
    if (socket.isClosed()) {
      return;
    }
    keepalivesSent++;
    heard();
    if (plan.keepalive() == Keepalive.PING) {
      socket.writePing(Buffer.buffer("test-lb " + keepalivesSent));
    } else {
      socket.write(new JsonObject().put(Fields.TYPE, MessageTypes.PING).put("client", "test-lb")
        .put("keepalive", keepalivesSent).encode());
    }
  }

  /** The idle time is over: does the connection still carry a message both ways? */
  private void probe() {
    idleTimer = -1;
    cancelKeepalive();
    idleEndNanos = System.nanoTime();
    probing = true;
    probeSentNanos = idleEndNanos;
    socket.request(new JsonObject().put(Fields.TYPE, MessageTypes.PING).put("client", "test-lb")
      .put("probe", plan.index()), "probe");
  }

  private void heard() {
    lastFrameNanos = System.nanoTime();
    lastFrameAt = Instant.now();
  }

  @Override
  public void closed() {
    if (!probing) {
      idleEndNanos = System.nanoTime();
      finish(IdleResult.Outcome.CUT, Math.round((idleEndNanos - lastFrameNanos) / 1e6), null);
    } else {
      finish(IdleResult.Outcome.CUT_ON_PROBE, null, null);
    }
  }

  @Override
  public void failed(Failure failure) {
    if (probing && failure.kind() == FailureKind.TIMEOUT) {
      finish(IdleResult.Outcome.NO_ANSWER, null, null);
      return;
    }
    if (result.future().isComplete()) {
      return;
    }
    cancelTimers();
    result.complete(new IdleResult(plan.index(), plan.keepalive(), plan.rungMs(), plan.idleLimitMs(),
      settings.target().name(), settings.target().url(), socket.welcome(), openedAt, lastFrameAt, null,
      IdleResult.Outcome.FAILED, null, null, null, null, null, 0, 0, serverPings, null, failure));
  }

  /** Ends a measured socket: its idle time, and how it closed if it did. */
  private void finish(IdleResult.Outcome outcome, Long closedAfterMs, Double probeMs) {
    if (result.future().isComplete()) {
      return;
    }
    cancelTimers();
    boolean closed = outcome == IdleResult.Outcome.CUT || outcome == IdleResult.Outcome.CUT_ON_PROBE;
    // Vert.x reports 1006 for a connection that ended without a close frame (a peer may not send 1006 itself)
    Short code = closed ? socket.closeStatusCode() : null;
    boolean closeFrame = code != null && code != ABNORMAL_CLOSURE;
    IdleResult.CloseKind kind = !closed ? null : closeFrame ? IdleResult.CloseKind.CLOSE_FRAME
      : socket.resetSeen() ? IdleResult.CloseKind.RESET : IdleResult.CloseKind.NO_CLOSE_FRAME;
    result.complete(new IdleResult(plan.index(), plan.keepalive(), plan.rungMs(), plan.idleLimitMs(),
      settings.target().name(), settings.target().url(), socket.welcome(), openedAt, lastFrameAt,
      closed ? Instant.now() : null, outcome, closedAfterMs, Math.round((idleEndNanos - idleStartNanos) / 1e6),
      closed ? Integer.valueOf(closeFrame ? code : ABNORMAL_CLOSURE) : null, kind,
      closeFrame ? socket.closeReason() : null,
      keepalivesSent, keepalivesAnswered, serverPings, probeMs, null));
    socket.close();
  }

  private void cancelKeepalive() {
    if (keepaliveTimer >= 0) {
      vertx.cancelTimer(keepaliveTimer);
      keepaliveTimer = -1;
    }
  }

  private void cancelTimers() {
    cancelKeepalive();
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }
}
