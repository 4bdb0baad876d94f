package io.wstest.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.RawHttp;
import io.wstest.testsupport.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The request as the server received it, written field by field: in the welcome (kept packed by every socket) and
 * in {@code GET /request}, over real sockets. It is the JSON Vert.x itself encodes for the same tree (escapes, no
 * spaces, field order), with every header pair in arrival order and {@code header_count} counting the pairs.
 */
class ReceivedRequestTest {

  /** Headers a proxy or a client may really send: escapes, a tab, a Latin-1 letter, a repeat, a credential. */
  private static final String HEADERS = "X-Quote: say \"hi\" \\ bye\r\n"
    + "X-Tab: a\tb\r\n"
    + "X-Latin: caf\u00e9\r\n"
    + "X-Dup: one\r\n"
    + "x-dup: two\r\n"
    + "Authorization: Bearer s3cr3t-token\r\n"
    + "X-Forwarded-For: 203.0.113.7, 198.51.100.2\r\n";
  private static final List<List<String>> SENT_AFTER_THE_HANDSHAKE = List.of(
    List.of("X-Quote", "say \"hi\" \\ bye"),
    List.of("X-Tab", "a\tb"),
    List.of("X-Latin", "caf\u00e9"),
    List.of("X-Dup", "one"),
    List.of("x-dup", "two"),
    List.of("Authorization", "Bearer <redacted 12 bytes>"),
    List.of("X-Forwarded-For", "203.0.113.7, 198.51.100.2"));

  private InProcessService service;

  @BeforeEach
  void start() throws Exception {
    service = InProcessService.startAndWait(Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    service.stopAndWait();
  }

  /** Header names are matched in any case, as HTTP/1.1 clients and proxies send them. */
  @Test
  void credentialHeadersAreRedactedWhateverTheCaseOfTheirNames() {
    assertEquals("Bearer <redacted 6 bytes>", ReceivedRequest.redact("AUTHORIZATION", "Bearer s3cr3t"));
    assertEquals("a=<redacted 1 bytes>; b=<redacted 2 bytes>", ReceivedRequest.redact("cOOkie", "a=1; b=22"));
    assertEquals("<redacted 3 bytes>", ReceivedRequest.redact("X-API-KEY", " abc "));
    assertEquals("<redacted 3 bytes>", ReceivedRequest.redact("x-Auth-User", "bob"));
    assertEquals("<redacted 3 bytes>", ReceivedRequest.redact("X-Session-TOKEN-Id", "t0k"));
    assertEquals("<redacted 2 bytes>", ReceivedRequest.redact("X-Client-Secret", "s!"));
    assertEquals("dGhlIHNhbXBsZSBub25jZQ==", ReceivedRequest.redact("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="));
    assertEquals("qwerty", ReceivedRequest.redact("X-Keyboard", "qwerty"));
    assertEquals("to", ReceivedRequest.redact("To", "to"));
  }

  @Test
  void theWelcomesRequestIsVertxsOwnJsonWithEveryPairAndItsCount() throws Exception {
    for (int port : new int[] {service.httpPort(), service.wsPort()}) {
      try (RawWebSocket ws = RawWebSocket.connect(port, port == service.wsPort() ? "/" : "/ws", 0, HEADERS)) {
        assertEquals(101, ws.status());
        String text = ws.readFrame().text();
        assertEquals(new JsonObject(text).encode(), text, "strict JSON as Vert.x writes it, byte for byte");
        JsonObject request = new JsonObject(text).getJsonObject("request");
        JsonArray headers = request.getJsonArray("headers");
        assertEquals(List.of("Host", "127.0.0.1:" + port), headers.getJsonArray(0).getList());
        assertEquals(SENT_AFTER_THE_HANDSHAKE, pairs(headers).subList(5, headers.size()), "in arrival order");
        assertEquals(headers.size(), request.getInteger("header_count"), "pairs, repeats included");
        assertEquals("ws", request.getString("scheme"));
        assertEquals("203.0.113.7", request.getString("client_ip"));
        assertEquals(List.of("203.0.113.7", "198.51.100.2"), request.getJsonArray("forwarded_for").getList());
        assertEquals("127.0.0.1", request.getString("remote_address"));
      }
    }
  }

  @Test
  void requestAnswersTheSameFields() throws Exception {
    RawHttp.Response response = RawHttp.exchange(service.httpPort(), "GET /request?x=1 HTTP/1.1\r\n"
      + "Host: 127.0.0.1\r\n" + HEADERS + "Connection: close\r\n\r\n");
    assertEquals(200, response.status(), response.body());
    JsonObject request = new JsonObject(response.body());
    JsonArray headers = request.getJsonArray("headers");
    assertEquals(SENT_AFTER_THE_HANDSHAKE, pairs(headers).subList(1, 1 + SENT_AFTER_THE_HANDSHAKE.size()));
    assertEquals(headers.size(), request.getInteger("header_count"));
    assertEquals("http", request.getString("scheme"));
    assertEquals("x=1", request.getString("query"));
    assertEquals("/request?x=1", request.getString("uri"));
    assertEquals("203.0.113.7", request.getString("client_ip"));
  }

  private static List<List<String>> pairs(JsonArray headers) {
    return headers.stream().map(pair -> ((JsonArray) pair).stream().map(String.class::cast).toList()).toList();
  }
}
