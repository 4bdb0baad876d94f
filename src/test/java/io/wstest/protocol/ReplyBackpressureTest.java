package io.wstest.protocol;

import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.protocol.PingFloodTest.ProtocolServerWithChannels;
import io.wstest.testsupport.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that sends requests and does not read the replies makes the server stop reading it once the replies
 * back up past the write queue limit; once the peer reads again, the server reads it again and answers every
 * request it sent, in order.
 */
@ExtendWith(VertxExtension.class)
class ReplyBackpressureTest {

  /** Echo requests of about 4 KB: 3 MB of replies, far more than the write queue limit and the kernel buffers. */
  private static final int REQUESTS = 750;
  private static final String PADDING = "x".repeat(4_000);
  /** How long the server may take to stop reading the peer once it floods (it takes milliseconds). */
  private static final long PAUSE_WAIT_MILLIS = 20_000;

  private RawWebSocket peer;
  private Thread writer;

  @AfterEach
  void stop() throws Exception {
    if (peer != null) {
      peer.close(); // also ends a writer blocked in a write
    }
    if (writer != null) {
      writer.join(10_000);
    }
  }

  @Test
  void aPeerThatReadsNoRepliesIsNoLongerReadAndIsServedAgainOnceItReads(Vertx vertx, VertxTestContext ctx) {
    ProtocolServerWithChannels server = new ProtocolServerWithChannels();
    vertx.deployVerticle(server)
      .compose(id -> vertx.executeBlocking(() -> {
        // a small receive window so the replies back up after a few kilobytes
        peer = RawWebSocket.connect(server.port, "/ws", 4096);
        peer.readFrame(); // the welcome
        Channel channel = server.channels.get(0);
        writer = new Thread(this::sendRequests, "echo-requests");
        writer.start();
        // the writes block once the server stops reading; that must happen well before all requests are in
        long deadline = System.currentTimeMillis() + PAUSE_WAIT_MILLIS;
        boolean reading = true;
        while (reading && System.currentTimeMillis() < deadline) {
          reading = channel.eventLoop().submit(() -> channel.config().isAutoRead()).get(10, TimeUnit.SECONDS);
        }
        assertTrue(!reading, "the server stopped reading a peer that reads none of its replies");
        int replies = 0;
        while (replies < REQUESTS) {
          JsonObject reply = new JsonObject(peer.readFrame().text());
          assertEquals("echo", reply.getString("type"), reply.encode());
          assertEquals(replies, reply.getJsonObject("original_message").getInteger("n"), "answered in order");
          replies++;
        }
        writer.join(10_000);
        peer.writeFrame(RawWebSocket.TEXT, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
        return new JsonObject(peer.readFrame().text());
      }))
      .onComplete(ctx.succeeding(pong -> ctx.verify(() -> {
        assertEquals("pong", pong.getString("type"), pong.encode());
        ctx.completeNow();
      })));
  }

  private void sendRequests() {
    try {
      for (int n = 0; n < REQUESTS; n++) {
        String request = new JsonObject().put("type", "echo").put("n", n).put("padding", PADDING).encode();
        peer.writeFrame(RawWebSocket.TEXT, request.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException closed) {
      // the test ended early and closed the socket
    }
  }
}
