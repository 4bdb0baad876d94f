package io.wstest.client.idle;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.FailureKind;
import io.wstest.client.socket.WsTarget;

import java.time.Instant;
import java.util.Locale;

/**
 * One idle-timeout socket, step by step on one Vert.x context: handshake, {@code welcome}, the connection option
 * {@code server_ping:false} (confirmed by {@code options_ack}), then idle, silent or sending its keepalive, until
 * the load balancer closes it or its idle time is over; then one {@code ping} message, whose {@code pong} shows the
 * connection still carries data. Every step but the idle time itself is bounded by {@code --timeout}.
 */
public final class IdleSocket {

  /** RFC 6455's code for a connection closed without a close frame. */
  public static final short ABNORMAL_CLOSURE = 1006;

  /** What one socket is to do. */
  public record Plan(int index, Keepalive keepalive, Long rungMs, long idleLimitMs) {
  }

  private final Vertx vertx;
  private final WebSocketClient client;
  private final IdleTimeoutSettings settings;
  private final Plan plan;
  private final long timeoutMs;
  private final Promise<IdleResult> result = Promise.promise();

  private WebSocket socket;
  private String stage = "connect";
  private long stepTimer = -1;
  private long idleTimer = -1;
  private long keepaliveTimer = -1;
  private JsonObject welcome;
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
  private boolean resetSeen;

  IdleSocket(Vertx vertx, WebSocketClient client, IdleTimeoutSettings settings, Plan plan) {
    this.vertx = vertx;
    this.client = client;
    this.settings = settings;
    this.plan = plan;
    this.timeoutMs = settings.connect().timeout().toMillis();
  }

  /** Call on the context every callback of this socket is to run on. */
  public Future<IdleResult> start() {
    arm("connect");
    WsTarget target = settings.target();
    client.connect(target.connectOptions(settings.connect().headers(), timeoutMs)).onComplete(ar -> {
      if (ar.succeeded()) {
        opened(ar.result());
      } else {
        failed(Failure.ofConnect(ar.cause(), target.hostPort()));
      }
    });
    return result.future();
  }

  private void opened(WebSocket ws) {
    if (result.future().isComplete()) {
      ws.close();
      return;
    }
    socket = ws;
    openedAt = Instant.now();
    heard();
    ws.exceptionHandler(this::onError);
    ws.closeHandler(v -> onClose());
    ws.frameHandler(this::onFrame);
    ws.textMessageHandler(this::onText);
    arm("welcome");
  }

  /** Every frame but a close is traffic the load balancer saw; pings and pongs are counted here. */
  private void onFrame(WebSocketFrame frame) {
    if (frame.isClose()) {
      return;
    }
    heard();
    if (frame.isPing()) {
      serverPings++;
    } else if (frame.type() == WebSocketFrameType.PONG && plan.keepalive() == Keepalive.PING) {
      keepalivesAnswered++;
    }
  }

  private void onText(String text) {
    if (result.future().isComplete()) {
      return;
    }
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (RuntimeException e) {
      if (idleStartNanos == 0) {
        failed(Failure.of(FailureKind.PROTOCOL, stage, "not a JSON object: " + Failure.excerpt(text)));
      }
      return;
    }
    Object type = message.getValue("type");
    if (welcome == null) {
      if (!"welcome".equals(type) || message.getString("instance_id") == null) {
        failed(Failure.of(FailureKind.PROTOCOL, stage,
          "first message is not a welcome with an instance_id: " + Failure.excerpt(text)));
        return;
      }
      welcome = message;
      arm("options_ack");
      socket.writeTextMessage(new JsonObject().put("type", "options").put("server_ping", false).encode());
    } else if (idleStartNanos == 0) {
      onOptionsReply(type, message, text);
    } else if ("pong".equals(type) && message.getValue("original_data") instanceof JsonObject original) {
      if (probing && original.getValue("probe") instanceof Number n && n.intValue() == plan.index()) {
        finish(IdleResult.Outcome.SURVIVED, null, (System.nanoTime() - probeSentNanos) / 1e6);
      } else if (original.containsKey("keepalive")) {
        keepalivesAnswered++;
      }
    }
    // anything else (a broadcast from another client of the instance) is traffic, already noted by onFrame
  }

  /**
   * Only a confirmed {@code server_ping:false} makes the measurement valid: with the server's pings on, a load
   * balancer would see traffic and never cut the socket.
   */
  private void onOptionsReply(Object type, JsonObject message, String text) {
    if ("options_ack".equals(type)) {
      JsonObject keepalive = message.getJsonObject("keepalive");
      if (keepalive != null && Boolean.FALSE.equals(keepalive.getValue("server_ping"))) {
        startIdle();
      } else {
        failed(Failure.of(FailureKind.PROTOCOL, stage, "the server did not turn its pings off: "
          + Failure.excerpt(text)));
      }
    } else if ("error".equals(type)) {
      failed(Failure.of(FailureKind.PROTOCOL, stage, "the server refused the server_ping option: "
        + Failure.excerpt(text)));
    } else if ("echo".equals(type)) {
      failed(Failure.of(FailureKind.PROTOCOL, stage, "the server does not know connection options (it echoed "
        + "the options message): a websocket-test-service version without server_ping?"));
    }
  }

  private void startIdle() {
    cancelStep();
    stage = "idle";
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
      socket.writeTextMessage(new JsonObject().put("type", "ping").put("client", "test-lb")
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
    arm("probe");
    socket.writeTextMessage(new JsonObject().put("type", "ping").put("client", "test-lb").put("probe", plan.index())
      .encode());
  }

  private void heard() {
    lastFrameNanos = System.nanoTime();
    lastFrameAt = Instant.now();
  }

  /** A reset shows only here (before the close handler); the close that follows says the rest. */
  private void onError(Throwable error) {
    if (Failure.rootMessage(error).toLowerCase(Locale.ROOT).contains("reset")) {
      resetSeen = true;
    }
  }

  private void onClose() {
    if (result.future().isComplete()) {
      return;
    }
    if (idleStartNanos == 0) {
      failed(Failure.closed(stage, socket.closeStatusCode(), socket.closeReason()));
    } else if (!probing) {
      idleEndNanos = System.nanoTime();
      finish(IdleResult.Outcome.CUT, Math.round((idleEndNanos - lastFrameNanos) / 1e6), null);
    } else {
      finish(IdleResult.Outcome.CUT_ON_PROBE, null, null);
    }
  }

  private void arm(String step) {
    cancelStep();
    stage = step;
    stepTimer = vertx.setTimer(timeoutMs, id -> {
      stepTimer = -1;
      if (step.equals("probe")) {
        finish(IdleResult.Outcome.NO_ANSWER, null, null);
      } else {
        failed(ConnectionRunner.timeout(step, settings.target(), timeoutMs));
      }
    });
  }

  private void failed(Failure failure) {
    if (result.future().isComplete()) {
      return;
    }
    cancelTimers();
    result.complete(new IdleResult(plan.index(), plan.keepalive(), plan.rungMs(), plan.idleLimitMs(),
      settings.target().name(), settings.target().url(), welcome, openedAt, lastFrameAt, null,
      IdleResult.Outcome.FAILED, null, null, null, null, null, 0, 0, serverPings, null, failure));
    closeSocket();
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
      : resetSeen ? IdleResult.CloseKind.RESET : IdleResult.CloseKind.NO_CLOSE_FRAME;
    result.complete(new IdleResult(plan.index(), plan.keepalive(), plan.rungMs(), plan.idleLimitMs(),
      settings.target().name(), settings.target().url(), welcome, openedAt, lastFrameAt,
      closed ? Instant.now() : null, outcome, closedAfterMs, Math.round((idleEndNanos - idleStartNanos) / 1e6),
      closed ? Integer.valueOf(closeFrame ? code : ABNORMAL_CLOSURE) : null, kind,
      closeFrame ? socket.closeReason() : null,
      keepalivesSent, keepalivesAnswered, serverPings, probeMs, null));
    closeSocket();
  }

  private void closeSocket() {
    if (socket != null && !socket.isClosed()) {
      socket.close();
    }
  }

  private void cancelStep() {
    if (stepTimer >= 0) {
      vertx.cancelTimer(stepTimer);
      stepTimer = -1;
    }
  }

  private void cancelKeepalive() {
    if (keepaliveTimer >= 0) {
      vertx.cancelTimer(keepaliveTimer);
      keepaliveTimer = -1;
    }
  }

  private void cancelTimers() {
    cancelStep();
    cancelKeepalive();
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }
}
