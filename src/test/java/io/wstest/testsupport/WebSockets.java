package io.wstest.testsupport;

import io.vertx.core.Future;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.function.Consumer;

/** Client WebSockets for tests of a server that speaks first (the welcome). */
public final class WebSockets {

  private WebSockets() {
  }

  /**
   * Connects once {@code handlers} has set the socket's handlers. Set in a callback of {@code connect()} instead,
   * they can come too late for a message the server sends at once: when the connection's event loop is not the
   * caller's, Vert.x resumes the socket on one thread while the callback runs on another, and the welcome is
   * dropped about once in a few thousand connects (seen under load in WsTestClient, fixed the same way).
   */
  public static Future<WebSocket> connect(WebSocketClient client, WebSocketConnectOptions options,
                                          Consumer<WebSocket> handlers) {
    ClientWebSocket ws = client.webSocket();
    handlers.accept(ws);
    return ws.connect(options);
  }
}
