package io.wstest.client.handshake;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.wstest.client.handshake.HandshakeObservation.Attempt;
import io.wstest.client.socket.ClientSocket;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.Welcome;
import io.wstest.client.socket.WsTarget;

import java.util.List;
import java.util.Map;

/**
 * One handshake of {@code test-lb handshake} on the one {@link ClientSocket}: its outcome as an {@link Attempt},
 * then, on an open socket, one message at a time answered by the server ({@link #send}), each bounded by the
 * timeout. Every method runs on the socket's context.
 */
final class ProbeSocket implements ClientSocket.Events {

  /** How an open socket ended while a message was waiting for its answer. */
  static final class Ended extends RuntimeException {
    final Short code;
    final String reason;
    final boolean reset;

    Ended(Short code, String reason, boolean reset, String detail) {
      super(detail, null, false, false);
      this.code = code;
      this.reason = reason;
      this.reset = reset;
    }
  }

  private final Vertx vertx;
  private final long timeoutMs;
  private final ClientSocket socket;
  private final Promise<Attempt> opened = Promise.promise();
  private Promise<JsonObject> answer;
  private long timer = -1;
  private Failure failure;

  private ProbeSocket(Vertx vertx, WsTarget target, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.socket = new ClientSocket(vertx, target, timeoutMs, this);
  }

  /** Opens a socket; the future always succeeds, with the attempt (which says whether there is a welcome). */
  static Future<ProbeSocket> open(Vertx vertx, WebSocketClient client, WsTarget target, long timeoutMs,
                                  List<Map.Entry<String, String>> headers, List<String> subprotocols) {
    ProbeSocket probe = new ProbeSocket(vertx, target, timeoutMs);
    probe.socket.connect(client, headers, subprotocols);
    return probe.opened.future().map(a -> probe);
  }

  Attempt attempt() {
    return opened.future().result();
  }

  @Override
  public void welcome(Welcome welcome) {
    socket.established();
    opened.tryComplete(new Attempt(101, null, null, socket.responseHeaders(), socket.subProtocol(), welcome.json()));
  }

  @Override
  public void failed(Failure failure) {
    this.failure = failure;
    ClientSocket.Rejection rejection = socket.rejection();
    Integer status = rejection != null ? Integer.valueOf(rejection.status())
      : socket.connectMs() != null ? Integer.valueOf(101) : null;
    opened.tryComplete(new Attempt(status, rejection == null ? null : rejection.body(), failure.detail(),
      socket.responseHeaders(), null, null));
  }

  /** Nothing answered at all: the name did not resolve, the port refused, no handshake in time. */
  boolean unreachable() {
    return failure != null && failure.unreachable() && socket.rejection() == null;
  }

  @Override
  public void message(JsonObject message) {
    if (answer != null) {
      Promise<JsonObject> waiting = answer;
      answer = null;
      cancelTimer();
      waiting.tryComplete(message);
    }
  }

  @Override
  public void closed() {
    if (answer != null) {
      Promise<JsonObject> waiting = answer;
      answer = null;
      cancelTimer();
      Short code = socket.closeStatusCode();
      waiting.tryFail(new Ended(code, socket.closeReason(), socket.resetSeen(),
        "closed " + (code == null ? "1006" : code)));
    }
  }

  /** Sends a text message and completes with the server's next message, or fails ({@link Ended}, timeout). */
  Future<JsonObject> send(String text) {
    if (socket.isClosed()) {
      return Future.failedFuture(new Ended(socket.closeStatusCode(), socket.closeReason(), socket.resetSeen(),
        "closed"));
    }
    answer = Promise.promise();
    Future<JsonObject> result = answer.future();
    timer = vertx.setTimer(timeoutMs, id -> {
      timer = -1;
      if (answer != null) {
        Promise<JsonObject> waiting = answer;
        answer = null;
        waiting.tryFail(new Ended(null, null, socket.resetSeen(), "no answer within " + timeoutMs + " ms"));
      }
    });
    socket.write(text);
    return result;
  }

  Future<Void> close() {
    cancelTimer();
    return socket.close();
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
