package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a socket keeps of its upgrade request: the offers as sent, the request's JSON byte for byte. */
class HandshakeTest {

  @Test
  void offersAreSplitTrimmedAndInOrderAcrossCopiesOfTheHeader() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
      .add("Sec-WebSocket-Protocol", "chat, json.v2 ,")
      .add("sec-websocket-protocol", " , mqtt");
    assertEquals(List.of("chat", "json.v2", "mqtt"), Handshake.offered(headers, "Sec-WebSocket-Protocol"));
  }

  @Test
  void aHeaderNotSentCostsNoListOfItsOwn() {
    List<String> none = Handshake.offered(MultiMap.caseInsensitiveMultiMap(), "Sec-WebSocket-Extensions");
    assertSame(List.of(), none, "the shared empty list");
    Handshake handshake = new Handshake("{}", none, none);
    assertSame(List.of(), handshake.subprotocolsOffered());
    assertSame(List.of(), handshake.extensionsOffered());
  }

  @Test
  void keepsItsOwnImmutableCopyOfTheOffers() {
    List<String> offered = new ArrayList<>(List.of("chat"));
    Handshake handshake = new Handshake("{}", offered, List.of("permessage-deflate"));
    offered.add("later");
    assertEquals(List.of("chat"), handshake.subprotocolsOffered());
    assertThrows(UnsupportedOperationException.class, () -> handshake.extensionsOffered().add("x"));
  }

  @Test
  void theRequestIsWrittenAsUtf8AndReadBackAsTheSameJson() {
    JsonObject request = new JsonObject().put("method", "GET").put("path", "/ws?name=Zoë")
      .put("headers", new JsonObject().put("X-Quote", "say \"hi\""));
    Handshake handshake = new Handshake(request.encode(), List.of(), List.of());
    byte[] utf8 = request.encode().getBytes(StandardCharsets.UTF_8);
    assertEquals(utf8.length, handshake.requestBytes(), "bytes, not characters: ë takes two");
    ByteBuf out = Unpooled.buffer();
    handshake.writeRequest(out);
    assertEquals(request.encode(), out.toString(StandardCharsets.UTF_8));
    assertEquals(request, handshake.request());
  }
}
