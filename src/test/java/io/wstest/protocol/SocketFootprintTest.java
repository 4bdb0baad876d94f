package io.wstest.protocol;

import io.netty.channel.Channel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-socket trimming of {@link VertxInternals} on a real upgraded socket: it applies to this Vert.x version
 * (fails when an upgrade renames the internals it reaches), releasing the upgrade request leaves what the
 * getters promise, and a trimmed socket still echoes, reports a full write queue while the peer does not read,
 * and calls its drain handler once the peer reads again; sockets accepted on one address share one local address.
 */
@ExtendWith(VertxExtension.class)
class SocketFootprintTest {

  /** Bounds the write loop; a paused peer with 4 KB buffers fills up after a few dozen of these frames. */
  private static final int MAX_WRITES = 2_000;
  private static final String CHUNK = "x".repeat(16 * 1024);

  private WebSocketClient client;
  /** A Vert.x on the service's transport (epoll), for the test that needs it; closed after each test. */
  private Vertx nativeVertx;

  @Test
  void trimmedSocketEchoesAndKeepsBackpressure(Vertx vertx, VertxTestContext ctx) {
    int port = FreePorts.next();
    AtomicReference<Boolean> trimmed = new AtomicReference<>();
    Promise<Integer> writesUntilFull = Promise.promise();
    Promise<Void> drained = Promise.promise();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
      .setStrictThreadMode(true));
    server.webSocketHandler(ws -> {
      trimmed.set(VertxInternals.trimConnection(ws));
      ws.setWriteQueueMaxSize(64 * 1024);
      ws.textMessageHandler(text -> {
        if (!"fill".equals(text)) {
          ws.writeTextMessage("echo:" + text);
          return;
        }
        int writes = 0;
        while (!ws.writeQueueFull() && writes < MAX_WRITES) {
          ws.writeTextMessage(CHUNK);
          writes++;
        }
        ws.drainHandler(v -> drained.tryComplete());
        writesUntilFull.complete(ws.writeQueueFull() ? writes : -1);
      });
    });
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(4096)
      .setMaxFrameSize(64 * 1024));
    server.listen()
      .compose(s -> client.connect(port, "127.0.0.1", "/"))
      .compose(ws -> {
        Promise<String> echo = Promise.promise();
        ws.textMessageHandler(echo::tryComplete);
        ws.writeTextMessage("hello");
        return echo.future().map(reply -> {
          ctx.verify(() -> {
            assertEquals(Boolean.TRUE, trimmed.get(), "VertxInternals reaches this Vert.x version's internals");
            assertEquals("echo:hello", reply);
          });
          return ws;
        });
      })
      .compose(ws -> {
        ws.pause();
        ws.writeTextMessage("fill");
        return writesUntilFull.future().map(writes -> {
          ctx.verify(() -> assertTrue(writes > 0, "write queue reported full after " + writes + " frames"));
          return ws;
        });
      })
      .compose(ws -> {
        ws.textMessageHandler(text -> { });
        ws.resume();
        return drained.future();
      })
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void leavesSocketsAloneOffTheirEventLoopAndForgetsTheUpgradeRequest(Vertx vertx, VertxTestContext ctx) {
    int port = FreePorts.next();
    Promise<ServerWebSocket> accepted = Promise.promise();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port));
    server.webSocketHandler(accepted::complete);
    client = vertx.createWebSocketClient();
    server.listen()
      .compose(s -> client.connect(port, "127.0.0.1", "/a/path?q=1"))
      .compose(ws -> accepted.future())
      .compose(ws -> vertx.executeBlocking(() -> {
        ctx.verify(() -> {
          assertFalse(Context.isOnEventLoopThread());
          assertFalse(VertxInternals.trimConnection(ws), "a worker thread must not swap the write queue");
          assertTrue(ws.headers().contains("Sec-WebSocket-Key"));
          assertEquals("127.0.0.1:" + port, ws.authority().toString());
          VertxInternals.releaseUpgradeRequest(ws);
          assertTrue(ws.headers().isEmpty());
          assertNull(ws.authority(), "the parsed Host is dropped");
          assertEquals("/a/path?q=1", ws.uri());
          assertEquals("q=1", ws.query());
          assertThrows(IllegalStateException.class, () -> ws.headers().add("a", "b"), "shared map is read-only");
        });
        return null;
      }))
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void socketsAcceptedOnOneAddressShareOneLocalAddress(VertxTestContext ctx) {
    nativeVertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    int port = FreePorts.next();
    List<Channel> accepted = new CopyOnWriteArrayList<>();
    Promise<Void> both = Promise.promise();
    HttpServer server = nativeVertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port));
    server.webSocketHandler(ws -> {
      VertxInternals.trimConnection(ws);
      accepted.add(VertxInternals.handlerContext(ws).channel());
      if (accepted.size() == 2) {
        both.complete();
      }
    });
    client = nativeVertx.createWebSocketClient();
    server.listen()
      .compose(s -> Future.all(client.connect(port, "127.0.0.1", "/"), client.connect(port, "127.0.0.1", "/")))
      .compose(sockets -> both.future())
      .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertTrue(nativeVertx.isNativeTransportEnabled(), "the service's transport (epoll) is available here");
        Channel first = accepted.get(0);
        Channel second = accepted.get(1);
        assertEquals(new InetSocketAddress("127.0.0.1", port), second.localAddress());
        assertSame(first.localAddress(), second.localAddress(), "one shared instance");
        assertNotEquals(first.remoteAddress(), second.remoteAddress());
        ctx.completeNow();
      })));
  }

  @AfterEach
  void closeNativeVertx() throws Exception {
    if (nativeVertx != null) {
      nativeVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
