package io.wstest.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.server.ServerConfig;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.RawWebSocket;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that sends pings as fast as it can and never reads the pongs costs the server no more than its write
 * queue limit: pongs obey the same back-pressure as replies (only the latest ping waits for an answer, and the
 * socket is not read while its queue is full), and the other sockets of the same event loop keep being answered.
 */
@ExtendWith(VertxExtension.class)
class PingFloodTest {

  private static final Logger LOG = LoggerFactory.getLogger(PingFloodTest.class);
  /** The flood stops at whichever comes first: this many pings, or {@link #FLOOD_MILLIS}. */
  private static final int MAX_PINGS = 200_000;
  private static final long FLOOD_MILLIS = 3_000;
  private static final int PINGS_PER_WRITE = 100;
  /** The largest control frame payload: 127-byte pongs, 200,000 of them would be 25 MB queued without the bound. */
  private static final byte[] PING_PAYLOAD = new byte[125];
  /** The write queue limit plus what one write may overshoot it by (a pong, the welcome). */
  private static final long BOUND = ConnectionOptions.WRITE_QUEUE_MAX_BYTES + 2048;

  private RawWebSocket flooder;
  private Thread floodThread;

  @AfterEach
  void stop() throws Exception {
    if (flooder != null) {
      flooder.close(); // also ends a flood blocked in a write
    }
    if (floodThread != null) {
      floodThread.join(10_000);
    }
  }

  @Test
  void aPingFloodThatIsNeverReadCostsAtMostTheWriteQueueAndOtherSocketsAreStillAnswered(Vertx vertx,
                                                                                       VertxTestContext ctx) {
    ProtocolServerWithChannels server = new ProtocolServerWithChannels();
    AtomicLong sent = new AtomicLong();
    AtomicLong largestBacklog = new AtomicLong();
    long[] atEnd = new long[2];
    vertx.deployVerticle(server)
      .compose(id -> vertx.executeBlocking(() -> {
        // a small receive window so the server's pongs back up after a few kilobytes
        flooder = RawWebSocket.connect(server.port, "/ws", 4096);
        flooder.readFrame(); // the welcome: the handler has the socket; from here on the flooder reads nothing
        Channel channel = server.channels.get(0);
        floodThread = new Thread(() -> flood(channel, sent, largestBacklog), "ping-flood");
        floodThread.start();
        // the flood ends by itself, or blocks in a write once the server stops reading: either is the end of it
        floodThread.join(FLOOD_MILLIS + 2_000);
        // read on the channel's own event loop: what the server holds for the flooder now, and whether it reads
        channel.eventLoop().submit(() -> {
          atEnd[0] = pendingBytes(channel);
          atEnd[1] = channel.config().isAutoRead() ? 1 : 0;
        }).get(10, TimeUnit.SECONDS);
        return null;
      }))
      // the flooder still holds its socket open and unread; a second socket on the same event loop is served
      .compose(v -> WsTestClient.connect(vertx, server.port, "/ws"))
      .compose(other -> other.next("welcome")
        .compose(w -> other.request(new JsonObject().put("type", "ping").put("message", "still there?"))))
      .onComplete(ctx.succeeding(pong -> ctx.verify(() -> {
        LOG.info("{} pings sent without reading; server backlog at most {} bytes during the flood, {} at its end",
          sent.get(), largestBacklog.get(), atEnd[0]);
        assertEquals("pong", pong.getString("type"));
        assertEquals("still there?", pong.getJsonObject("original_data").getString("message"));
        assertTrue(largestBacklog.get() <= BOUND, "backlog during the flood: " + largestBacklog.get());
        assertTrue(atEnd[0] <= BOUND, "backlog at the end: " + atEnd[0]);
        // the bound was reached (the flood did fill the queue), and the server then stopped reading the flooder
        assertTrue(atEnd[0] >= ConnectionOptions.WRITE_QUEUE_MAX_BYTES / 2, "backlog at the end: " + atEnd[0]);
        assertEquals(0, atEnd[1], "the flooder's socket is still read");
        ctx.completeNow();
      })));
  }

  @Test
  void aFlooderThatReadsAgainGetsThePongOfItsLatestPingAndIsServedAgain(Vertx vertx, VertxTestContext ctx) {
    ProtocolServerWithChannels server = new ProtocolServerWithChannels();
    byte[] last = "the last ping".getBytes(StandardCharsets.UTF_8);
    vertx.deployVerticle(server)
      .compose(id -> vertx.executeBlocking(() -> {
        flooder = RawWebSocket.connect(server.port, "/ws", 4096);
        flooder.readFrame(); // the welcome
        // far more pongs than the server queues and the kernel buffers hold; the writes block while the server
        // does not read, and go on once the reader below has caught up
        floodThread = new Thread(() -> {
          try {
            for (int i = 0; i < 200; i++) {
              flooder.writeFrames(RawWebSocket.PING, PING_PAYLOAD, PINGS_PER_WRITE);
            }
            flooder.writeFrame(RawWebSocket.PING, last);
          } catch (IOException closed) {
            // the test ended early and closed the socket
          }
        }, "ping-flood");
        floodThread.start();
        int pongs = 0;
        while (true) {
          RawWebSocket.Frame frame = flooder.readFrame();
          assertEquals(RawWebSocket.PONG, frame.opcode(), "only pongs while flooding");
          pongs++;
          if (Arrays.equals(last, frame.payload())) {
            break;
          }
        }
        floodThread.join(10_000);
        flooder.writeFrame(RawWebSocket.TEXT, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
        JsonObject reply = new JsonObject(flooder.readFrame().text());
        LOG.info("{} pings answered with {} pongs, the latest one included", 200 * PINGS_PER_WRITE + 1, pongs);
        return reply;
      }))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertEquals("pong", reply.getString("type"), reply.encode());
        ctx.completeNow();
      })));
  }

  /** Pings until the count or the time is up, or a write fails; samples the server's backlog as it goes. */
  private void flood(Channel serverSide, AtomicLong sent, AtomicLong largestBacklog) {
    long deadline = System.currentTimeMillis() + FLOOD_MILLIS;
    try {
      while (sent.get() < MAX_PINGS && System.currentTimeMillis() < deadline) {
        flooder.writeFrames(RawWebSocket.PING, PING_PAYLOAD, PINGS_PER_WRITE);
        sent.addAndGet(PINGS_PER_WRITE);
        largestBacklog.accumulateAndGet(pendingBytes(serverSide), Math::max);
      }
    } catch (IOException closed) {
      // the test closed the socket to end a flood the server no longer reads
    }
  }

  /** Bytes the server has queued for this socket and not yet handed to the kernel (read from any thread). */
  private static long pendingBytes(Channel channel) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  /**
   * The service's connection handler behind a plain Vert.x server that remembers each socket's channel, so the
   * test can look at what the server queues for one peer. One instance: every socket is on one event loop.
   */
  static final class ProtocolServerWithChannels extends VerticleBase {
    final List<Channel> channels = new CopyOnWriteArrayList<>();
    volatile int port;
    private ConnectionHandler handler;

    @Override
    public Future<?> start() {
      ServerConfig config = ServerConfig.fromEnv(Map.of("BIND_HOST", "127.0.0.1"));
      handler = new ConnectionHandler(vertx, InProcessService.IDENTITY, ConnectionHandler.HTTP,
        config.connectionOptions());
      return handler.start().compose(v -> vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")
          .setPort(0).setStrictThreadMode(true))
        .requestHandler(request -> {
          handler.admit(); // no MAX_CONNECTIONS here: always true
          request.toWebSocket().onSuccess(ws -> {
            channels.add(((WebSocketInternal) ws).channelHandlerContext().channel());
            handler.handle(ws, Endpoint.PROTOCOL);
          });
        })
        .listen())
        .onSuccess(listening -> port = listening.actualPort());
    }

    @Override
    public Future<?> stop() {
      return handler.stop();
    }
  }
}
