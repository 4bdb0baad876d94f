package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server pings and the idle timeout, against a peer that answers and one that never does. */
@ExtendWith(VertxExtension.class)
class KeepaliveTest {

  private static final Map<String, String> FAST_KEEPALIVE = Map.of("PING_INTERVAL", "100ms", "IDLE_TIMEOUT", "300ms");

  private InProcessService service;
  private WebSocketClient client;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aPeerThatAnswersPingsStaysOpenPastTheIdleTimeout(Vertx vertx, VertxTestContext ctx) {
    client = vertx.createWebSocketClient();
    AtomicInteger pings = new AtomicInteger();
    InProcessService.start(FAST_KEEPALIVE)
      .compose(s -> {
        service = s;
        return client.connect(service.httpPort(), "127.0.0.1", "/ws");
      })
      .onComplete(ctx.succeeding(ws -> {
        ws.closeHandler(v -> ctx.failNow("closed with " + ws.closeStatusCode() + " although it answered every ping"));
        // Vert.x answers each ping with a pong by itself; 6 pings span twice the idle timeout
        ws.frameHandler(frame -> {
          if (frame.isPing() && pings.incrementAndGet() == 6) {
            ws.closeHandler(null);
            ctx.verify(() -> assertFalse(ws.isClosed()));
            ctx.completeNow();
          }
        });
      }));
  }

  @Test
  void aPeerThatNeverAnswersIsClosedWith1001(Vertx vertx, VertxTestContext ctx) {
    InProcessService.start(FAST_KEEPALIVE)
      .compose(s -> {
        service = s;
        return vertx.executeBlocking(() -> {
          try (RawWebSocket silent = RawWebSocket.connect(service.wsPort(), "/", 0)) {
            assertEquals(101, silent.status());
            int pings = 0;
            for (int frames = 0; frames < 100; frames++) {
              RawWebSocket.Frame frame = silent.readFrame();
              if (frame.opcode() == RawWebSocket.PING) {
                pings++;
              } else if (frame.opcode() == RawWebSocket.CLOSE) {
                return new Object[] {pings, frame};
              }
            }
            throw new AssertionError("no close frame within 100 frames");
          }
        });
      })
      .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
        int pings = (Integer) result[0];
        RawWebSocket.Frame close = (RawWebSocket.Frame) result[1];
        assertEquals(1001, close.closeCode());
        assertTrue(close.closeReason().startsWith("idle timeout"), close.closeReason());
        assertTrue(pings >= 1, "pinged before it was closed: " + pings);
        ctx.completeNow();
      })));
  }

}
