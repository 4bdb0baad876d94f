package io.wstest.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The load generator's Vert.x and WebSocket client, both held in fields for the whole run (a client held only
 * in a local variable is closed by a Cleaner mid-handshake). Everything runs on its single event loop.
 */
final class LoadClient implements AutoCloseable {

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;

  LoadClient(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(100_000)
      .setConnectTimeout(10_000)
      .setTcpNoDelay(true)
      .setMaxFrameSize(1 << 20)
      .setMaxMessageSize(1 << 20)
      .setTryUsePerFrameCompression(false)
      .setTryUsePerMessageCompression(false)
      // wss: a benchmark measures and does not authenticate; --tls servers use a self-signed certificate
      .setTrustAll(true)
      .setVerifyHost(false));
  }

  Vertx vertx() {
    return vertx;
  }

  /** Runs {@code work} on the event loop and completes with its result. */
  <T> Future<T> onLoop(Supplier<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /**
   * Opens a socket whose every text message goes to {@code onText}; the handler is in place before the
   * handshake, so the first message (the welcome) is never missed.
   */
  Future<ClientWebSocket> open(URI url, Handler<String> onText) {
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(onText);
    ws.exceptionHandler(e -> { });
    boolean tls = "wss".equals(url.getScheme());
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setSsl(tls)
      .setHost(url.getHost())
      .setPort(url.getPort() > 0 ? url.getPort() : tls ? 443 : 80)
      .setURI(url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath()
        + (url.getRawQuery() != null ? "?" + url.getRawQuery() : ""));
    return ws.connect(options).map(ws);
  }

  Future<Void> timer(long ms) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, ms), id -> promise.complete());
    return promise.future();
  }

  @Override
  public void close() {
    // one step at a time from the calling thread: a close future chained on the event loop never completes once
    // that loop is gone
    try {
      client.shutdown(0, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing the Vert.x instance below closes the client anyway
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the run is over; nothing useful to do with a slow close
    }
  }
}
