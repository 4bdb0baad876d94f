package io.wstest.client.socket;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One test-lb WebSocket to a protocol server, the same for every scenario: the handshake, the {@code welcome} read
 * once into a {@link Welcome}, then the steps its owner asks for ({@link #request}), each bounded by the timeout,
 * and every way it can fail as a typed {@link Failure}. Its handlers are attached before the handshake completes,
 * so a welcome the server sends at once is never lost. All callbacks run on the context that called
 * {@link #connect}; nothing here is shared between threads.
 *
 * <p>Until its owner calls {@link #established()} the socket is in its steps: an early close, an error, a text
 * message that is not JSON or a binary message fails it. Established, it only passes messages and its close on.
 * {@link Events#failed} and {@link Events#closed} are each reported at most once, and never after {@link #settle()}.
 */
public final class ClientSocket {

  /** What a socket tells its owner, on the socket's context. */
  public interface Events {
    /** The welcome arrived; the owner takes the next step ({@link #request}, {@link #established()}, ...). */
    void welcome(Welcome welcome);

    /** A JSON message after the welcome. */
    default void message(JsonObject message) {
    }

    /** The socket failed in a step (or a step's timer ran out); it is closed (or closing) already. */
    void failed(Failure failure);

    /** An established socket closed: see {@link #closeStatusCode()}, {@link #resetSeen()}. */
    default void closed() {
    }

    /** Every frame but a close, before it is read as a message (for owners that watch the traffic). */
    default void frame(WebSocketFrame frame) {
    }
  }

  private final Vertx vertx;
  private final WsTarget target;
  private final long timeoutMs;
  private final Events events;
  private ClientWebSocket ws;
  /** The handshake completed: before it, the socket's methods throw. */
  private boolean connected;
  private String stage = "connect";
  private long timer = -1;
  private long startNanos;
  private Double connectMs;
  private Welcome welcome;
  private List<Map.Entry<String, String>> responseHeaders = List.of();
  private boolean established;
  private boolean over;
  private boolean resetSeen;

  /**
   * The WebSocket client for a scenario's sockets: room for {@code maxConnections} at once, the handshake and the
   * close handshake bounded by the timeout, certificates checked unless {@code insecure}. Keep it in a field: a
   * client only referenced from a local variable can be cleaned up mid-handshake.
   */
  public static WebSocketClient client(Vertx vertx, int maxConnections, long timeoutMs, boolean insecure) {
    return vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(Math.max(1, maxConnections))
      .setConnectTimeout((int) timeoutMs)
      .setClosingTimeout((int) Math.max(1, Math.ceil(timeoutMs / 1000.0)))
      .setTrustAll(insecure)
      .setVerifyHost(!insecure));
  }

  public ClientSocket(Vertx vertx, WsTarget target, long timeoutMs, Events events) {
    this.vertx = vertx;
    this.target = target;
    this.timeoutMs = timeoutMs;
    this.events = events;
  }

  /**
   * Opens the socket with these request headers (in order) and waits for the welcome; the handshake and the
   * welcome are each a step of the timeout.
   */
  public void connect(WebSocketClient client, List<Map.Entry<String, String>> headers) {
    startNanos = System.nanoTime();
    WebSocketConnectOptions options = target.connectOptions(List.of(), timeoutMs);
    headers.forEach(h -> options.addHeader(h.getKey(), h.getValue()));
    arm("connect");
    ws = client.webSocket();
    ws.exceptionHandler(this::onError);
    ws.closeHandler(v -> onClose());
    ws.frameHandler(frame -> {
      if (!frame.isClose() && !over) {
        events.frame(frame);
      }
    });
    ws.binaryMessageHandler(b -> {
      if (!established) {
        fail(Failure.of(FailureKind.PROTOCOL, stage,
          "binary message where JSON was expected (is this the websocket-test-service?)"));
      }
    });
    ws.textMessageHandler(this::onText);
    ws.connect(options).onComplete(ar -> {
      if (ar.failed()) {
        fail(Failure.ofConnect(ar.cause(), target.hostPort()));
      } else if (over) {
        ws.close();
      } else {
        connected = true;
        connectMs = (System.nanoTime() - startNanos) / 1_000_000.0;
        // Vert.x keeps the handshake response's headers only until the socket is first handed out: copy them now.
        responseHeaders = copy(ws.headers());
        if (welcome == null) {
          arm("welcome");
        }
      }
    });
  }

  /** Sends a message and makes waiting for its answer the next step, named for that answer (pong, options_ack). */
  public void request(JsonObject message, String answer) {
    arm(answer);
    ws.writeTextMessage(message.encode());
  }

  /** Starts a step that sends nothing: waiting for {@code what} at most the timeout. */
  public void await(String what) {
    arm(what);
  }

  /** The steps are over and succeeded: from now on only messages and the close are passed on. */
  public void established() {
    cancelTimer();
    established = true;
    stage = "open";
  }

  /** The owner has what it wanted: no more events, whatever happens to the socket. */
  public void settle() {
    cancelTimer();
    over = true;
  }

  /** Closes with 1000 and waits (bounded by the client's closing timeout) for the close handshake; no events. */
  public Future<Void> close() {
    settle();
    if (isClosed()) {
      return Future.succeededFuture();
    }
    ws.closeHandler(null);
    return ws.close().otherwiseEmpty();
  }

  /** Closes with a code and reason; an established socket still reports its {@link Events#closed()}. */
  public void close(short code, String reason) {
    if (!isClosed()) {
      ws.close(code, reason);
    }
  }

  public void write(String text) {
    ws.writeTextMessage(text);
  }

  public void writePing(Buffer data) {
    ws.writePing(data);
  }

  /** True when a message written now would not be sent: the socket is closed or its write queue is full. */
  public boolean cannotWrite() {
    // isClosed() first: writeQueueFull() throws once the socket is closed
    return isClosed() || ws.writeQueueFull();
  }

  public boolean isClosed() {
    return !connected || ws.isClosed();
  }

  public Welcome welcome() {
    return welcome;
  }

  /** Milliseconds from the start to the completed handshake; null when there was none. */
  public Double connectMs() {
    return connectMs;
  }

  /** The 101 response's headers (its Set-Cookie ...), empty before it. */
  public List<Map.Entry<String, String>> responseHeaders() {
    return responseHeaders;
  }

  /** The step the socket is in: connect, welcome, the awaited answer, or open once established. */
  public String stage() {
    return stage;
  }

  /** The close code, or null for a connection that ended without a close frame (Vert.x then reports 1006). */
  public Short closeStatusCode() {
    return connected ? ws.closeStatusCode() : null;
  }

  public String closeReason() {
    return connected ? ws.closeReason() : null;
  }

  /** A TCP reset was seen (it shows only as an error before the close). */
  public boolean resetSeen() {
    return resetSeen;
  }

  private void onText(String text) {
    connected = true;
    if (over) {
      return;
    }
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (RuntimeException e) {
      if (!established) {
        fail(Failure.of(FailureKind.PROTOCOL, stage, "not a JSON object: " + Failure.excerpt(text)));
      }
      return;
    }
    if (welcome != null) {
      events.message(message);
      return;
    }
    welcome = Welcome.parse(message);
    if (welcome == null) {
      fail(Failure.of(FailureKind.PROTOCOL, stage,
        "first message is not a welcome with an instance_id: " + Failure.excerpt(text)));
      return;
    }
    cancelTimer();
    events.welcome(welcome);
  }

  private void onError(Throwable error) {
    if (Failure.rootMessage(error).toLowerCase(Locale.ROOT).contains("reset")) {
      resetSeen = true;
    }
    if (!established) {
      fail(Failure.of(FailureKind.ERROR, stage, Failure.rootMessage(error)));
    }
  }

  private void onClose() {
    connected = true;
    if (over) {
      return;
    }
    if (!established) {
      fail(Failure.closed(stage, closeStatusCode(), closeReason()));
      return;
    }
    over = true;
    cancelTimer();
    events.closed();
  }

  private void arm(String step) {
    cancelTimer();
    stage = step;
    timer = vertx.setTimer(timeoutMs, id -> {
      timer = -1;
      fail(timeout(step, target, timeoutMs));
    });
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void fail(Failure failure) {
    if (over) {
      return;
    }
    over = true;
    cancelTimer();
    if (!isClosed()) {
      ws.close();
    }
    events.failed(failure);
  }

  private static List<Map.Entry<String, String>> copy(MultiMap headers) {
    if (headers == null) {
      return List.of();
    }
    List<Map.Entry<String, String>> list = new ArrayList<>();
    headers.forEach(h -> list.add(Map.entry(h.getKey(), h.getValue())));
    return List.copyOf(list);
  }

  /** A step of a protocol connection that took longer than the timeout: connect, welcome, pong (or another reply). */
  public static Failure timeout(String step, WsTarget target, long timeoutMs) {
    return Failure.of(FailureKind.TIMEOUT, step, switch (step) {
      case "connect" -> "no WebSocket handshake with " + target.hostPort() + " within " + timeoutMs + " ms";
      case "welcome" -> "connected, but no welcome message within " + timeoutMs
        + " ms (is this the websocket-test-service?)";
      case "pong" -> "no pong within " + timeoutMs + " ms of the ping";
      default -> "no " + step + " within " + timeoutMs + " ms";
    });
  }
}
