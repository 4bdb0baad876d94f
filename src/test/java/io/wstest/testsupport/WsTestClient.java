package io.wstest.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * A protocol-speaking test client: one socket whose JSON messages are queued until a test asks for the next
 * one, so tests read replies in order without sleeping. The Vert.x client is kept in a field (a client held only
 * in a local variable can be cleaned up mid-handshake). Messages arrive on the socket's event loop while tests ask
 * for them from their own thread (JUnit's, in the ITs): the queues are read and changed under the client's lock, so
 * a reply that arrives while {@link #next(String)} is looking is not left unread with its asker waiting.
 */
public final class WsTestClient {

  private final WebSocketClient client;
  private final Inbox<JsonObject> messages = new Inbox<>();
  /** Waiters for a given message type; they get their type before plain {@link #next()} waiters. */
  private final List<TypedWaiter> waitingForType = new ArrayList<>();
  private final List<JsonObject> all = new ArrayList<>();
  private final Inbox<Buffer> binaryMessages = new Inbox<>();
  private final Promise<Short> closed = Promise.promise();
  private WebSocket socket;

  private WsTestClient(Vertx vertx) {
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(16 * 1024 * 1024)
      .setMaxMessageSize(16 * 1024 * 1024));
  }

  public static Future<WsTestClient> connect(Vertx vertx, int port, String path) {
    return connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path));
  }

  public static Future<WsTestClient> connect(Vertx vertx, WebSocketConnectOptions options) {
    WsTestClient c = new WsTestClient(vertx);
    return WebSockets.connect(c.client, options, ws -> {
      c.socket = ws;
      ws.textMessageHandler(text -> c.deliver(new JsonObject(text)));
      ws.binaryMessageHandler(c.binaryMessages::offer);
      ws.closeHandler(v -> c.closed.tryComplete(ws.closeStatusCode()));
      ws.exceptionHandler(e -> { });
    }).map(c);
  }

  private record TypedWaiter(String type, Promise<JsonObject> promise) {
  }

  private void deliver(JsonObject message) {
    Promise<JsonObject> asker = null;
    synchronized (this) {
      all.add(message);
      String type = message.getString("type");
      for (Iterator<TypedWaiter> it = waitingForType.iterator(); it.hasNext(); ) {
        TypedWaiter waiter = it.next();
        if (waiter.type.equals(type)) {
          it.remove();
          asker = waiter.promise;
          break;
        }
      }
      if (asker == null) {
        asker = messages.queueOrHandOver(message);
      }
    }
    if (asker != null) {
      asker.complete(message); // outside the lock: it runs the asker's callbacks
    }
  }

  /**
   * Messages nobody asked for yet, and askers still waiting for one (one of the two is always empty). Guarded by
   * its own lock; the JSON inbox also by its client's, which {@link #deliver} and the {@code next} methods hold.
   */
  private static final class Inbox<T> {
    final Deque<T> unread = new ArrayDeque<>();
    final Deque<Promise<T>> waiting = new ArrayDeque<>();

    void offer(T message) {
      Promise<T> next = queueOrHandOver(message);
      if (next != null) {
        next.complete(message);
      }
    }

    /** The asker waiting longest, for the caller to complete outside any lock; or null, and the message is queued. */
    synchronized Promise<T> queueOrHandOver(T message) {
      Promise<T> next = waiting.poll();
      if (next == null) {
        unread.add(message);
      }
      return next;
    }

    synchronized Future<T> take() {
      T message = unread.poll();
      if (message != null) {
        return Future.succeededFuture(message);
      }
      Promise<T> promise = Promise.promise();
      waiting.add(promise);
      return promise.future();
    }
  }

  /** The next JSON message from the server, in arrival order. */
  public synchronized Future<JsonObject> next() {
    return messages.take();
  }

  /** The next binary message from the server, in arrival order; JSON messages are queued apart. */
  public Future<Buffer> nextBinary() {
    return binaryMessages.take();
  }

  /**
   * The oldest message of this type not yet returned, now or when it arrives; other types stay queued. For
   * replies whose order is not fixed (a broadcast_ack may overtake or follow the broadcast itself).
   */
  public synchronized Future<JsonObject> next(String type) {
    for (Iterator<JsonObject> it = messages.unread.iterator(); it.hasNext(); ) {
      JsonObject message = it.next();
      if (type.equals(message.getString("type"))) {
        it.remove();
        return Future.succeededFuture(message);
      }
    }
    Promise<JsonObject> promise = Promise.promise();
    waitingForType.add(new TypedWaiter(type, promise));
    return promise.future();
  }

  /** Sends a JSON message without waiting for anything. */
  public WsTestClient send(JsonObject message) {
    socket.writeTextMessage(message.encode());
    return this;
  }

  /** Sends a text frame as is (for instance, something that is not JSON). */
  public WsTestClient sendText(String text) {
    socket.writeTextMessage(text);
    return this;
  }

  /** Sends one binary message. */
  public WsTestClient sendBinary(Buffer data) {
    socket.writeBinaryMessage(data);
    return this;
  }

  /** Sends a JSON message and returns the next message received after it was sent. */
  public Future<JsonObject> request(JsonObject message) { // next() before the write: the reply cannot slip past
    Future<JsonObject> reply = next();
    socket.writeTextMessage(message.encode());
    return reply;
  }

  public WebSocket socket() { return socket; }

  /** Every JSON message received so far, in arrival order (a copy). */
  public synchronized List<JsonObject> all() { return List.copyOf(all); }

  /** Completes with the close code the server sent (null for none). */
  public Future<Short> closed() { return closed.future(); }

  public Future<Void> close() {
    return socket.close().compose(v -> client.close());
  }
}
