package io.wstest.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A test's view of one protocol WebSocket: JSON messages are kept until a test asks for the next one of a type,
 * so a test waits for exactly the events it expects. Callbacks run on the client's event loop.
 */
public final class JsonSocket {

  private final WebSocket ws;
  private final List<JsonObject> unclaimed = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  private int received;

  private record Waiter(String type, Promise<JsonObject> promise) {
  }

  private JsonSocket(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(text -> onMessage(new JsonObject(text)));
    ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode()));
    ws.exceptionHandler(e -> { });
  }

  /** Connects to ws://127.0.0.1:port/path. Keep {@code client} in a field (a local one is collected mid-handshake). */
  public static Future<JsonSocket> connect(WebSocketClient client, int port, String path) {
    return client.connect(port, "127.0.0.1", path).map(JsonSocket::new);
  }

  private synchronized void onMessage(JsonObject message) {
    received++;
    String type = message.getString("type");
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (waiter.type.equals(type)) {
        it.remove();
        waiter.promise.complete(message);
        return;
      }
    }
    unclaimed.add(message);
  }

  /** The oldest message of this type not yet returned, now or when it arrives. */
  public synchronized Future<JsonObject> next(String type) {
    for (Iterator<JsonObject> it = unclaimed.iterator(); it.hasNext(); ) {
      JsonObject message = it.next();
      if (type.equals(message.getString("type"))) {
        it.remove();
        return Future.succeededFuture(message);
      }
    }
    Promise<JsonObject> promise = Promise.promise();
    waiters.add(new Waiter(type, promise));
    return promise.future();
  }

  public JsonSocket send(JsonObject message) {
    ws.writeTextMessage(message.encode());
    return this;
  }

  public JsonSocket sendText(String text) {
    ws.writeTextMessage(text);
    return this;
  }

  /** Completes with the close code once the socket closed (1006 when it ended without a close frame). */
  public Future<Short> closed() {
    return closed.future();
  }

  public synchronized int received() {
    return received;
  }

  public WebSocket socket() {
    return ws;
  }
}
