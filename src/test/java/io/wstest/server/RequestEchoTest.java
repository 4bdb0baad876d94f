package io.wstest.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.RawHttp;
import io.wstest.testsupport.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /request} and the welcome's {@code request}: the request as received, headers in arrival order with
 * repeats, credentials redacted unless SHOW_CREDENTIALS, the body's size and hash, and clear answers to odd,
 * repeated and oversized headers that leave the server serving. Raw bytes over real loopback sockets.
 */
class RequestEchoTest {

  private static final String CREDENTIALS = "Authorization: Bearer s3cr3t-t0ken\r\n"
    + "Proxy-Authorization: Basic dXNlcjpwYXNz\r\nCookie: session=abc123; theme=dark\r\nX-Api-Key: k3y-v4lue\r\n";

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
  void requestShowsMethodPathHeadersInArrivalOrderAndTheBodysHash() throws Exception {
    int port = start(Map.of()).httpPort();
    String body = "hello from the test";
    RawHttp.Response answer = RawHttp.exchange(port, "POST /request?a=1&b=2 HTTP/1.1\r\nHost: lb.example:8443\r\n"
      + "X-Repeat: one\r\nX-Forwarded-For: 203.0.113.9, 10.0.0.1\r\nX-Repeat: two\r\n" + CREDENTIALS
      + "Content-Length: " + body.length() + "\r\n\r\n" + body);
    assertEquals(200, answer.status(), answer.head());
    JsonObject json = new JsonObject(answer.body());
    assertEquals("POST", json.getString("method"));
    assertEquals("/request", json.getString("path"));
    assertEquals("a=1&b=2", json.getString("query"));
    assertEquals("HTTP/1.1", json.getString("http_version"));
    assertEquals("lb.example:8443", json.getString("host"));
    assertEquals("http", json.getString("scheme"));
    assertEquals("203.0.113.9", json.getString("client_ip"));
    assertEquals("127.0.0.1", json.getString("remote_address"));
    assertEquals(new JsonArray().add("203.0.113.9").add("10.0.0.1"), json.getJsonArray("forwarded_for"));
    assertNull(json.getValue("tls"));
    assertNull(json.getValue("proxy_protocol"));
    List<String> names = names(json.getJsonArray("headers"));
    assertEquals(List.of("Host", "X-Repeat", "X-Forwarded-For", "X-Repeat", "Authorization", "Proxy-Authorization",
      "Cookie", "X-Api-Key", "Content-Length"), names);
    assertEquals("two", json.getJsonArray("headers").getJsonArray(3).getString(1), "repeats kept in order");
    assertEquals("Bearer <redacted 12 bytes>", value(json, "Authorization"));
    assertEquals("Basic <redacted 12 bytes>", value(json, "Proxy-Authorization"));
    assertEquals("session=<redacted 6 bytes>; theme=<redacted 4 bytes>", value(json, "Cookie"));
    assertEquals("<redacted 9 bytes>", value(json, "X-Api-Key"));
    assertEquals("redacted", json.getString("credentials"));
    assertFalse(answer.body().contains("s3cr3t") || answer.body().contains("abc123")
      || answer.body().contains("dXNlcjpwYXNz"), answer.body());
    JsonObject bodyJson = json.getJsonObject("body");
    assertEquals(body.length(), bodyJson.getInteger("bytes"));
    assertEquals(sha256(body.getBytes(StandardCharsets.UTF_8)), bodyJson.getString("sha256"));
    assertEquals(65536, bodyJson.getInteger("limit_bytes"));
    assertEquals(InProcessService.IDENTITY.instanceId(),
      json.getJsonObject("service_identity").getString("instance_id"));
  }

  @Test
  void showCredentialsShowsThemInRequestAndWelcome() throws Exception {
    InProcessService s = start(Map.of("SHOW_CREDENTIALS", "true"));
    JsonObject json = new JsonObject(RawHttp.exchange(s.httpPort(), "GET /request HTTP/1.1\r\nHost: x\r\n"
      + CREDENTIALS + "\r\n").body());
    assertEquals("shown", json.getString("credentials"));
    assertEquals("Bearer s3cr3t-t0ken", value(json, "Authorization"));
    assertEquals("session=abc123; theme=dark", value(json, "Cookie"));
    assertEquals("k3y-v4lue", value(json, "X-Api-Key"));
    try (RawWebSocket ws = RawWebSocket.connect(s.httpPort(), "/ws", 0, CREDENTIALS)) {
      JsonObject request = new JsonObject(ws.readFrame().text()).getJsonObject("request");
      assertEquals("Basic dXNlcjpwYXNz", value(request, "Proxy-Authorization"));
    }
  }

  @Test
  void welcomeCarriesTheUpgradeRequestRedactedAndKeepsItsFields() throws Exception {
    InProcessService s = start(Map.of());
    for (int port : new int[] {s.httpPort(), s.wsPort()}) {
      try (RawWebSocket ws = RawWebSocket.connect(port, "/ws?x=1", 0, CREDENTIALS + "X-Forwarded-For: 198.51.100.4\r\n")) {
        JsonObject welcome = new JsonObject(ws.readFrame().text());
        assertEquals("welcome", welcome.getString("type"));
        assertEquals("198.51.100.4", welcome.getString("client_ip"), "the existing fields are unchanged");
        JsonObject request = welcome.getJsonObject("request");
        assertEquals("ws", request.getString("scheme"));
        assertEquals("/ws", request.getString("path"));
        assertEquals("x=1", request.getString("query"));
        assertEquals("GET", request.getString("method"));
        assertEquals("websocket", value(request, "Upgrade"));
        assertEquals("Bearer <redacted 12 bytes>", value(request, "Authorization"));
        assertEquals("198.51.100.4", request.getString("client_ip"));
        assertFalse(welcome.encode().contains("s3cr3t") || welcome.encode().contains("k3y-v4lue"), welcome.encode());
        assertTrue(value(request, "Sec-WebSocket-Key").endsWith("=="), "the handshake key is no credential");
        ws.writeFrame(RawWebSocket.TEXT, "{\"type\":\"info\"}".getBytes(StandardCharsets.UTF_8));
        JsonObject info = new JsonObject(ws.readFrame().text());
        assertEquals(request, info.getJsonObject("request"), "info repeats the upgrade request");
      }
    }
  }

  @Test
  void bodyOverTheLimitGets413AndTheConnectionCloses() throws Exception {
    int port = start(Map.of("MAX_MESSAGE_BYTES", "1000")).httpPort();
    RawHttp.Response declared = RawHttp.exchange(port, "POST /request HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"
      + "x".repeat(5000));
    assertEquals(413, declared.status(), declared.head());
    assertTrue(declared.body().contains("MAX_MESSAGE_BYTES"), declared.body());
    assertTrue(declared.closedByServer());
    StringBuilder chunked = new StringBuilder("POST /request HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 5; i++) {
      chunked.append("1f4\r\n").append("y".repeat(500)).append("\r\n");
    }
    chunked.append("0\r\n\r\n");
    RawHttp.Response streamed = RawHttp.exchange(port, chunked.toString());
    assertEquals(413, streamed.status(), streamed.head());
    assertTrue(streamed.closedByServer());
    RawHttp.Response exact = RawHttp.exchange(port, "PUT /request HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
      + "z".repeat(1000));
    assertEquals(200, exact.status());
    assertEquals(1000, new JsonObject(exact.body()).getJsonObject("body").getInteger("bytes"));
  }

  @Test
  void oddRepeatedAndHugeHeadersGetClearAnswersAndTheServerKeepsServing() throws Exception {
    int port = start(Map.of()).httpPort();
    // obs-text bytes (0x80-0xFF) are allowed in values: echoed as the Latin-1 characters they are
    ByteArrayOutputStream odd = new ByteArrayOutputStream();
    odd.write("GET /request HTTP/1.1\r\nHost: x\r\nX-Odd: caf".getBytes(StandardCharsets.US_ASCII));
    odd.write(new byte[] {(byte) 0xE9, (byte) 0xFF, ' ', '"', '<', '\\'});
    odd.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    RawHttp.Response oddAnswer = RawHttp.exchange(port, odd.toByteArray(), 20_000);
    assertEquals(200, oddAnswer.status(), oddAnswer.head());
    assertEquals("caf\u00e9\u00ff \"<\\", value(new JsonObject(oddAnswer.body()), "X-Odd"));

    // a control byte in a header name is not HTTP: 400 and the connection closes
    RawHttp.Response control = RawHttp.exchange(port, "GET /request HTTP/1.1\r\nHost: x\r\nX-\u0001Bad: 1\r\n\r\n");
    assertEquals(400, control.status(), control.head());
    assertTrue(control.closedByServer());

    StringBuilder repeated = new StringBuilder("GET /request HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 100; i++) {
      repeated.append("X-Many: ").append(i).append("\r\n");
    }
    RawHttp.Response many = RawHttp.exchange(port, repeated.append("\r\n").toString());
    assertEquals(200, many.status());
    List<String> values = new ArrayList<>();
    new JsonObject(many.body()).getJsonArray("headers").forEach(h -> {
      JsonArray pair = (JsonArray) h;
      if (pair.getString(0).equals("X-Many")) {
        values.add(pair.getString(1));
      }
    });
    assertEquals(100, values.size());
    assertEquals("99", values.get(99));

    // over Vert.x's 8 KB header limit: 431, closed; nothing of it is held
    RawHttp.Response huge = RawHttp.exchange(port, "GET /request HTTP/1.1\r\nHost: x\r\nX-Huge: "
      + "h".repeat(16 * 1024) + "\r\n\r\n");
    assertEquals(431, huge.status(), huge.head());
    assertTrue(huge.closedByServer());

    RawHttp.Response after = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals(200, after.status(), "still serving after the odd requests");
  }

  private static List<String> names(JsonArray headers) {
    List<String> names = new ArrayList<>();
    headers.forEach(h -> names.add(((JsonArray) h).getString(0)));
    return names;
  }

  /** The first value of a header in a request JSON, by exact name. */
  static String value(JsonObject request, String name) {
    for (Object h : request.getJsonArray("headers")) {
      JsonArray pair = (JsonArray) h;
      if (pair.getString(0).equalsIgnoreCase(name)) {
        return pair.getString(1);
      }
    }
    return null;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
