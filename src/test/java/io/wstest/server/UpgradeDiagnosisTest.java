package io.wstest.server;

import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.PrometheusText;
import io.wstest.testsupport.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request to /ws, /echo or the raw port that is not a valid upgrade gets 426 with Upgrade: websocket and
 * Sec-WebSocket-Version: 13, a body naming every problem (first one = the metric's reason), the request as
 * received (redacted) and a fix per balancer. Raw requests as a misconfigured proxy would forward them.
 */
class UpgradeDiagnosisTest {

  private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  private static final String GOOD = "Upgrade: websocket\r\nConnection: Upgrade\r\n" + KEY
    + "Sec-WebSocket-Version: 13\r\n";

  private InProcessService service;

  @BeforeEach
  void start() throws Exception {
    service = InProcessService.startAndWait(Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    service.stopAndWait();
  }

  @Test
  void eachProblemIsNamedWithTheHeadersAsReceivedAndTheFix() throws Exception {
    record Case(String name, int port, String request, String reason, List<String> alsoReported) { }
    int http = service.httpPort();
    int raw = service.wsPort();
    List<Case> cases = List.of(
      // nginx without proxy_set_header Upgrade/Connection: both hop-by-hop headers gone, HTTP/1.0 by default
      new Case("proxy dropped Upgrade and Connection", http, "GET /ws HTTP/1.0\r\nHost: x\r\n" + KEY
        + "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer hidden-value\r\n\r\n", "http_1_0",
        List.of("missing_upgrade", "missing_connection_upgrade")),
      new Case("Connection replaced", http, "GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
        + "Connection: keep-alive\r\n" + KEY + "Sec-WebSocket-Version: 13\r\n\r\n", "missing_connection_upgrade",
        List.of()),
      new Case("Upgrade dropped on the raw port", raw, "GET /any HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
        + KEY + "Sec-WebSocket-Version: 13\r\n\r\n", "missing_upgrade", List.of()),
      new Case("key cleared", http, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n", "key", List.of()),
      new Case("wrong version", raw, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + KEY + "Sec-WebSocket-Version: 8\r\n\r\n", "version", List.of()),
      new Case("POST upgrade", http, "POST /ws HTTP/1.1\r\nHost: x\r\n" + GOOD + "Content-Length: 0\r\n\r\n",
        "method", List.of()),
      new Case("plain GET", http, "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n", "missing_upgrade",
        List.of("missing_connection_upgrade", "version", "key")));
    for (Case c : cases) {
      RawHttp.Response answer = RawHttp.exchange(c.port(), c.request());
      assertEquals(426, answer.status(), c.name() + ": " + answer.head());
      assertEquals("websocket", answer.header("Upgrade"), c.name());
      assertEquals("13", answer.header("Sec-WebSocket-Version"), c.name());
      JsonObject body = new JsonObject(answer.body());
      assertEquals(426, body.getInteger("status"));
      assertEquals(c.reason(), body.getString("reason"), c.name() + ": " + body.encode());
      assertEquals(c.reason().equals("version") ? "unsupported_websocket_version" : "upgrade_required",
        body.getString("error"));
      List<String> reasons = new ArrayList<>();
      body.getJsonArray("problems").forEach(p -> reasons.add(((JsonObject) p).getString("reason")));
      assertEquals(c.reason(), reasons.get(0), c.name());
      assertTrue(reasons.containsAll(c.alsoReported()), c.name() + ": " + reasons);
      JsonObject fix = body.getJsonObject("fix");
      assertEquals(List.of("nginx", "haproxy", "ingress_nginx"), List.copyOf(fix.fieldNames()), c.name());
      fix.forEach(line -> assertFalse(((String) line.getValue()).contains("\n"), "one line each: " + line));
      JsonObject request = body.getJsonObject("request");
      assertEquals(c.request().substring(0, c.request().indexOf(' ')), request.getString("method"));
      assertEquals("x", RequestEchoTest.value(request, "Host"), "headers as received");
    }
    // the first case in detail: what a user sees when nginx has no proxy_http_version/Upgrade/Connection lines
    JsonObject first = new JsonObject(RawHttp.exchange(http, cases.get(0).request()).body());
    JsonObject upgrade = first.getJsonArray("problems").stream().map(JsonObject.class::cast)
      .filter(p -> p.getString("reason").equals("missing_upgrade")).findFirst().orElseThrow();
    assertEquals("Upgrade", upgrade.getString("field"));
    assertEquals("websocket", upgrade.getString("expected"));
    assertNull(upgrade.getValue("received"));
    assertEquals("HTTP/1.0", first.getJsonObject("request").getString("http_version"));
    assertTrue(first.getJsonObject("fix").getString("nginx").contains("proxy_http_version 1.1"));
    assertEquals("Bearer <redacted 12 bytes>", RequestEchoTest.value(first.getJsonObject("request"), "Authorization"));
    assertFalse(first.encode().contains("hidden-value"));

    HttpClient client = service.vertx().createHttpClient();
    PrometheusText metrics = PrometheusText.scrape(client, http).toCompletionStage().toCompletableFuture()
      .get(30, TimeUnit.SECONDS);
    assertEquals(2.0, metrics.value("websocket_upgrades_rejected_total", "reason", "http_1_0"));
    assertEquals(2.0, metrics.value("websocket_upgrades_rejected_total", "reason", "missing_upgrade"));
    for (String reason : List.of("missing_connection_upgrade", "key", "version", "method")) {
      assertEquals(1.0, metrics.value("websocket_upgrades_rejected_total", "reason", reason), reason);
    }
    assertEquals(0.0, metrics.value("websocket_upgrades_rejected_total", "reason", "http_2"));
  }

  @Test
  void aValidUpgradeStillSwitchesProtocols() throws Exception {
    RawHttp.Response answer = RawHttp.exchange(service.httpPort(), "GET /ws HTTP/1.1\r\nHost: x\r\n" + GOOD + "\r\n");
    assertEquals(101, answer.status(), answer.head());
    assertEquals(new JsonArray(), new JsonArray(), "no body on a 101");
  }
}
