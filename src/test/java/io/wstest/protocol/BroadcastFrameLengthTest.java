package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.ProtocolServer;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Broadcasts are written as finished frames, so the server writes the frame header itself: a broadcast needing
 * each of the three payload length forms of RFC 6455 (7-bit, 16-bit, 64-bit) arrives whole, byte for byte, and
 * numbered, on both servers, and the next message after it still parses (a wrong length would shift it).
 */
@ExtendWith(VertxExtension.class)
class BroadcastFrameLengthTest {

  /** Payloads of about 100 bytes, 1 KB and 100 KB: the 7-bit, 16-bit and 64-bit length forms. */
  private static final List<String> MESSAGES = List.of("short ü", "x".repeat(1000) + "ü", "y".repeat(100_000) + "ü");

  @Test
  void everyLengthFormArrivesWhole(Vertx vertx, VertxTestContext ctx) {
    InProcessService.start(vertx, Map.of("MAX_MESSAGE_BYTES", "200000", "BROADCAST_RATE", "0"))
      .compose(service -> Future.all(welcomed(ProtocolServer.RAW.connect(vertx, service)),
        welcomed(ProtocolServer.HTTP.connect(vertx, service)), welcomed(ProtocolServer.RAW.connect(vertx, service))))
      .compose(all -> roundTrip(all.resultAt(0), all.resultAt(1), all.resultAt(2), 0, ctx))
      .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<WsTestClient> welcomed(Future<WsTestClient> connecting) {
    return connecting.compose(socket -> socket.next("welcome").map(welcome -> socket));
  }

  /**
   * Broadcast {@code i}: both receivers get it whole, numbered after the welcome and the earlier rounds (each a
   * broadcast and an info reply), and then an info reply parses.
   */
  private Future<Void> roundTrip(WsTestClient sender, WsTestClient onHttp, WsTestClient onRaw, int i,
                                 VertxTestContext ctx) {
    if (i == MESSAGES.size()) {
      return Future.succeededFuture();
    }
    sender.send(new JsonObject().put("type", "broadcast").put("message", MESSAGES.get(i)));
    return Future.all(onHttp.next("broadcast"), onRaw.next("broadcast"), sender.next("broadcast_ack"))
      .compose(all -> {
        ctx.verify(() -> {
          for (int r = 0; r < 2; r++) {
            JsonObject copy = all.resultAt(r);
            assertEquals(MESSAGES.get(i), copy.getString("message"));
            assertEquals(2L + 2L * i, copy.getLong("seq"), copy.getString("type"));
          }
          assertEquals(3, all.<JsonObject>resultAt(2).getInteger("recipients"));
        });
        return Future.all(onHttp.request(new JsonObject().put("type", "info")),
          onRaw.request(new JsonObject().put("type", "info")));
      })
      .compose(infos -> {
        ctx.verify(() -> assertEquals("info", infos.<JsonObject>resultAt(0).getString("type")));
        return roundTrip(sender, onHttp, onRaw, i + 1, ctx);
      });
  }
}
