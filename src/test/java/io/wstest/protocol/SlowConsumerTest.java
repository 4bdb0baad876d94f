package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.PrometheusText;
import io.wstest.testsupport.RawWebSocket;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that stops reading while others broadcast: once its write queue is full, broadcasts to it are dropped
 * (not queued), counted, and after SLOW_CONSUMER_LIMIT drops it is closed with 1008; the others get everything.
 */
@ExtendWith(VertxExtension.class)
class SlowConsumerTest {

  private static final Logger LOG = LoggerFactory.getLogger(SlowConsumerTest.class);
  private static final int LIMIT = 20;
  /** Upper bound on the load loop: far more than the few hundred it takes to fill the slow socket's buffers. */
  private static final int MAX_BROADCASTS = 5_000;
  private static final String PAYLOAD = "x".repeat(16_000);

  private InProcessService service;
  private HttpClient http;
  private RawWebSocket slow;
  private WsTestClient sender;
  private WsTestClient receiver;
  private int sent;
  private int deliveredToSlow;
  private int dropped;
  private int afterClose;

  @AfterEach
  void stop(VertxTestContext ctx) throws IOException {
    if (slow != null) {
      slow.close();
    }
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void dropsBroadcastsToASocketThatStoppedReadingThenClosesItWith1008(Vertx vertx, VertxTestContext ctx) {
    http = vertx.createHttpClient();
    InProcessService.start(Map.of("BROADCAST_RATE", "0", "SLOW_CONSUMER_LIMIT", Integer.toString(LIMIT)))
      .compose(s -> {
        service = s;
        // a small receive window so the server's writes back up quickly; after the handshake it reads nothing
        return vertx.executeBlocking(() -> RawWebSocket.connect(service.httpPort(), "/ws", 4096));
      })
      .compose(raw -> {
        slow = raw;
        ctx.verify(() -> assertEquals(101, slow.status()));
        return WsTestClient.connect(vertx, service.httpPort(), "/ws");
      })
      .compose(socket -> {
        sender = socket;
        return sender.next("welcome");
      })
      .compose(w -> WsTestClient.connect(vertx, service.httpPort(), "/ws"))
      .compose(socket -> {
        receiver = socket;
        return receiver.next("welcome");
      })
      .compose(w -> broadcastUntilTheSlowConsumerIsGone())
      // now read everything the server had queued for the slow socket, up to its close frame
      .compose(v -> vertx.executeBlocking(this::drainSlowSocket))
      .compose(close -> {
        ctx.verify(() -> {
          assertEquals(1008, close.closeCode());
          assertTrue(close.closeReason().startsWith("slow consumer"), close.closeReason());
        });
        return PrometheusText.scrape(http, service.httpPort());
      })
      .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
        LOG.info("{} broadcasts: {} reached the slow socket, {} dropped, then {} with it closed; it read {} bytes",
          sent, deliveredToSlow, dropped, afterClose, slow.bytesRead());
        assertEquals(LIMIT, dropped, "drops reported in broadcast_ack");
        assertTrue(deliveredToSlow < sent - LIMIT, "the slow socket fell behind for good");
        assertEquals(LIMIT, metrics.value("websocket_slow_consumer_drops_total"));
        assertEquals(1.0, metrics.value("websocket_closes_total", "code", "1008"));
        assertEquals(sent, metrics.value("websocket_messages_received_total", "type", "broadcast"));
        ctx.completeNow();
      })));
  }

  /**
   * One broadcast at a time: the next goes out once the sender has its ack and its own copy and the receiver its
   * copy, so the two reading sockets never back up, and every ack says exactly what happened to the slow one.
   */
  private Future<Void> broadcastUntilTheSlowConsumerIsGone() {
    if (sent >= MAX_BROADCASTS) {
      return Future.failedFuture("the slow socket was not closed after " + sent + " broadcasts ("
        + deliveredToSlow + " delivered to it, " + dropped + " dropped)");
    }
    sender.send(new JsonObject().put("type", "broadcast").put("message", PAYLOAD));
    sent++;
    return Future.all(sender.next("broadcast_ack"), sender.next("broadcast"), receiver.next("broadcast"))
      .compose(all -> {
        JsonObject ack = all.resultAt(0);
        int recipients = ack.getInteger("recipients");
        dropped += ack.getInteger("dropped");
        if (recipients == 3) {
          deliveredToSlow++;
        } else if (recipients != 2) {
          return Future.failedFuture("unexpected broadcast_ack " + ack.encode());
        }
        if (dropped >= LIMIT) {
          afterClose++;
          if (afterClose > 3) {
            return Future.succeededFuture();
          }
        }
        return broadcastUntilTheSlowConsumerIsGone();
      });
  }

  /** Reads the slow socket to its close frame, checking it got exactly the broadcasts that were not dropped. */
  private RawWebSocket.Frame drainSlowSocket() throws IOException {
    int broadcasts = 0;
    while (true) {
      RawWebSocket.Frame frame = slow.readFrame();
      if (frame.opcode() == RawWebSocket.CLOSE) {
        assertEquals(deliveredToSlow, broadcasts, "broadcasts the slow socket received");
        slow.replyClose(frame);
        assertTrue(slow.readsEndOfStream(), "the server closes the connection after the closing handshake");
        return frame;
      }
      if (frame.opcode() == RawWebSocket.TEXT && new JsonObject(frame.text()).getString("type").equals("broadcast")) {
        broadcasts++;
      }
    }
  }

}
