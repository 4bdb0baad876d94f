package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.ProtocolServer;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A held socket's upgrade request packed: any strict JSON comes back byte for byte, never larger, and a real
 * upgrade's request (as the service reports it) shrinks to a fraction, so a renamed key or a reordered field of
 * {@link ReceivedRequest} shows up here instead of silently costing every held socket its bytes again.
 */
@ExtendWith(VertxExtension.class)
class PackedJsonTest {

  @Test
  void aRealUpgradeRequestPacksToLessThanAQuarter(Vertx vertx, VertxTestContext ctx) {
    InProcessService.start(vertx, Map.of())
      .compose(service -> Future.all(welcome(ProtocolServer.HTTP.connect(vertx, service)),
        welcome(ProtocolServer.RAW.connect(vertx, service, "Origin", "http://127.0.0.1", "User-Agent", "test"))))
      .onComplete(ctx.succeeding(welcomes -> ctx.verify(() -> {
        for (int i = 0; i < 2; i++) {
          JsonObject request = welcomes.<JsonObject>resultAt(i).getJsonObject("request");
          byte[] json = request.encode().getBytes(StandardCharsets.UTF_8);
          byte[] packed = PackedJson.pack(json);
          assertTrue(packed.length * 4 < json.length, packed.length + " of " + json.length + " bytes: " + request);
          assertArrayEquals(json, unpacked(packed));
        }
        ctx.completeNow();
      })));
  }

  /** The welcome, and then info's copy of the request, which the socket unpacked from what it kept. */
  private static Future<JsonObject> welcome(Future<WsTestClient> connecting) {
    return connecting.compose(socket -> socket.next("welcome").compose(welcome ->
      socket.request(new JsonObject().put("type", "info")).map(info -> {
        assertEquals(welcome.getJsonObject("request"), info.getJsonObject("request"));
        return welcome;
      })));
  }

  @Test
  void awkwardJsonComesBackByteForByte() {
    List<String> samples = List.of(
      "",
      "{}",
      "\"127.0.0.1\"",
      // a token cut short by the end of the input, and one cut short by another character
      "{\"method\":\"GE",
      "[\"Host\",\"x\"],[\"Host\",",
      new JsonObject().put("method", "GET").put("path", "/ws?name=Zoë&q=\"\\\u0001\t")
        .put("headers", new JsonArray().add(new JsonArray().add("Host").add("127.0.0.1:8080"))
          .add(new JsonArray().add("X-Ünïcode-😀").add("\",\"query\":null,\"uri\":\""))).encode());
    for (String sample : samples) {
      byte[] json = sample.getBytes(StandardCharsets.UTF_8);
      byte[] packed = PackedJson.pack(json);
      assertTrue(packed.length <= json.length, sample);
      assertEquals(json.length, PackedJson.unpackedLength(packed), sample);
      assertArrayEquals(json, unpacked(packed), sample);
    }
  }

  @Test
  void randomMixturesOfTokensAndTextComeBackByteForByte() {
    // pieces that overlap the tokens in every way: whole, cut, doubled, next to quotes and escapes
    List<String> pieces = List.of("\"", "\",\"", "],[", "127.0.0.1", "127.0.0", "Host", "host\",\"", "{\"method\":",
      "\"GET\"", ",\"tls\":", "null", "Upgrade\",\"websocket", "Sec-WebSocket-", "\\\"", "ü", "😀", "a", " ", "13");
    Random random = new Random(17);
    for (int round = 0; round < 20_000; round++) {
      StringBuilder text = new StringBuilder();
      int count = random.nextInt(40);
      for (int i = 0; i < count; i++) {
        text.append(pieces.get(random.nextInt(pieces.size())));
      }
      byte[] json = text.toString().getBytes(StandardCharsets.UTF_8);
      byte[] packed = PackedJson.pack(json);
      assertArrayEquals(json, unpacked(packed), text.toString());
      assertEquals(json.length, PackedJson.unpackedLength(packed), text.toString());
    }
  }

  @Test
  void refusesBytesStrictJsonNeverHolds() {
    byte[] notStrict = "{\"a\":\"tab\there\"}".getBytes(StandardCharsets.UTF_8);
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PackedJson.pack(notStrict));
    assertEquals("not strict JSON: byte 0x9 at 9", error.getMessage());
  }

  private static byte[] unpacked(byte[] packed) {
    ByteBuf out = Unpooled.buffer();
    PackedJson.unpack(packed, out);
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    return bytes;
  }
}
