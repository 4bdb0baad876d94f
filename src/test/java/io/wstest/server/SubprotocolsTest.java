package io.wstest.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SUBPROTOCOLS on /ws, /echo and the raw port: {@code *} selects the client's first offer, a list the client's first
 * offer in it, {@code none} nothing; the welcome reports what was offered and selected, and extensions offered and
 * accepted.
 */
class SubprotocolsTest {

  private static final String OFFER = "Sec-WebSocket-Protocol: graphql-ws, chat\r\n";

  private InProcessService service;

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      service.stopAndWait();
    }
  }

  private InProcessService start(Map<String, String> settings) throws Exception {
    service = InProcessService.startAndWait(settings);
    return service;
  }

  @Test
  void anySelectsTheFirstOfferOnEveryEndpoint() throws Exception {
    InProcessService s = start(Map.of());
    for (String target : new String[] {"http /ws", "http /echo", "raw /x"}) {
      int port = target.startsWith("http") ? s.httpPort() : s.wsPort();
      try (RawWebSocket ws = RawWebSocket.connect(port, target.substring(target.indexOf(' ') + 1), 0, OFFER)) {
        assertEquals(101, ws.status(), target);
        assertTrue(ws.responseHead().toLowerCase().contains("sec-websocket-protocol: graphql-ws\r\n"),
          target + ": " + ws.responseHead());
        if (!target.endsWith("/echo")) {
          JsonObject welcome = new JsonObject(ws.readFrame().text());
          assertEquals(new JsonArray().add("graphql-ws").add("chat"), welcome.getJsonArray("subprotocols_offered"));
          assertEquals("graphql-ws", welcome.getString("subprotocol"));
          assertEquals(new JsonArray(), welcome.getJsonArray("extensions_offered"));
          assertEquals(new JsonArray(), welcome.getJsonArray("extensions"));
        }
      }
    }
  }

  @Test
  void aListSelectsTheClientsFirstOfferThatIsInIt() throws Exception {
    InProcessService s = start(Map.of("SUBPROTOCOLS", "mqtt,chat"));
    try (RawWebSocket ws = RawWebSocket.connect(s.httpPort(), "/ws", 0, OFFER)) {
      JsonObject welcome = new JsonObject(ws.readFrame().text());
      assertEquals("chat", welcome.getString("subprotocol"));
    }
    try (RawWebSocket ws = RawWebSocket.connect(s.httpPort(), "/ws", 0, "Sec-WebSocket-Protocol: soap\r\n")) {
      assertEquals(101, ws.status(), "no match: upgraded without a subprotocol (the client decides)");
      JsonObject welcome = new JsonObject(ws.readFrame().text());
      assertNull(welcome.getValue("subprotocol"));
      assertEquals(new JsonArray().add("soap"), welcome.getJsonArray("subprotocols_offered"));
    }
  }

  @Test
  void noneNeverSelectsOne() throws Exception {
    InProcessService s = start(Map.of("SUBPROTOCOLS", "none"));
    try (RawWebSocket ws = RawWebSocket.connect(s.wsPort(), "/", 0, OFFER)) {
      assertEquals(101, ws.status());
      assertTrue(!ws.responseHead().toLowerCase().contains("sec-websocket-protocol"), ws.responseHead());
      assertNull(new JsonObject(ws.readFrame().text()).getValue("subprotocol"));
    }
  }

  @Test
  void extensionsOfferedAndAcceptedWithCompression() throws Exception {
    InProcessService s = start(Map.of("WS_COMPRESSION", "true"));
    try (RawWebSocket ws = RawWebSocket.connect(s.httpPort(), "/ws", 0,
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-unknown\r\n")) {
      assertEquals(101, ws.status(), ws.responseHead());
      assertTrue(ws.responseHead().toLowerCase().contains("sec-websocket-extensions: permessage-deflate"),
        ws.responseHead());
      JsonObject welcome = new JsonObject(inflate(ws.readFrame().payload()));
      assertEquals(new JsonArray().add("permessage-deflate; client_max_window_bits").add("x-unknown"),
        welcome.getJsonArray("extensions_offered"));
      assertEquals(1, welcome.getJsonArray("extensions").size(), welcome.encode());
      assertTrue(welcome.getJsonArray("extensions").getString(0).startsWith("permessage-deflate"), welcome.encode());
    }
  }

  /** A permessage-deflate message: raw DEFLATE without its final empty block (RFC 7692 7.2.2). */
  private static String inflate(byte[] payload) throws DataFormatException {
    Inflater inflater = new Inflater(true);
    byte[] input = Arrays.copyOf(payload, payload.length + 4);
    input[payload.length + 2] = (byte) 0xFF;
    input[payload.length + 3] = (byte) 0xFF;
    inflater.setInput(input);
    byte[] out = new byte[64 * 1024];
    int n = inflater.inflate(out);
    inflater.end();
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  @Test
  void badListsStopStartUp() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("SUBPROTOCOLS", "chat, bad name")));
    assertTrue(e.getMessage().contains("SUBPROTOCOLS"), e.getMessage());
  }
}
