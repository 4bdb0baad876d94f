package io.wstest.server;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.PrometheusText;
import io.wstest.testsupport.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Only RFC 6455 (Sec-WebSocket-Version: 13) is upgraded, on /ws, /echo and the raw port: the hixie-75/76
 * handshakes, drafts 7 and 8 and upgrades without a version get 426 naming version 13; and the HTTP port speaks no
 * HTTP/2, neither through {@code Upgrade: h2c} nor the prior-knowledge preface. Raw bytes over real sockets.
 */
@ExtendWith(VertxExtension.class)
class ObsoleteProtocolsTest {

  private static final String KEY_13 = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  /** Requests that Netty's handshaker factory would upgrade, none of them RFC 6455. */
  private static final Map<String, String> OBSOLETE = Map.of(
    "hixie-76", "Upgrade: WebSocket\r\nConnection: Upgrade\r\nOrigin: http://127.0.0.1\r\n"
      + "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n^n:ds[4U",
    "hixie-75", "Upgrade: WebSocket\r\nConnection: Upgrade\r\nOrigin: http://127.0.0.1\r\n\r\n",
    "draft version 7", "Upgrade: websocket\r\nConnection: Upgrade\r\n" + KEY_13 + "Sec-WebSocket-Version: 7\r\n\r\n",
    "draft version 8", "Upgrade: websocket\r\nConnection: Upgrade\r\n" + KEY_13 + "Sec-WebSocket-Version: 8\r\n\r\n",
    "no version", "Upgrade: websocket\r\nConnection: Upgrade\r\n" + KEY_13 + "\r\n");

  private InProcessService service;
  private NetClient net;
  private HttpClient http;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void onlyVersion13IsUpgradedOnWsEchoAndTheRawPort(Vertx vertx, VertxTestContext ctx) {
    net = vertx.createNetClient();
    http = vertx.createHttpClient();
    List<String> cases = new ArrayList<>();
    InProcessService.start(Map.of())
      .compose(s -> {
        service = s;
        List<Future<String>> answers = new ArrayList<>();
        for (String name : OBSOLETE.keySet()) {
          for (String target : new String[] {"http /ws", "http /echo", "raw /"}) {
            int port = target.startsWith("http") ? s.httpPort() : s.wsPort();
            String path = target.substring(target.indexOf(' ') + 1);
            cases.add(name + " on " + target);
            answers.add(exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
              + OBSOLETE.get(name)));
          }
        }
        answers.add(exchange(s.httpPort(), RawWebSocket.upgradeRequest(s.httpPort(), "/ws")));
        answers.add(exchange(s.httpPort(), RawWebSocket.upgradeRequest(s.httpPort(), "/echo")));
        answers.add(exchange(s.wsPort(), RawWebSocket.upgradeRequest(s.wsPort(), "/")));
        return Future.all(answers);
      })
      .compose(answers -> PrometheusText.scrape(http, service.httpPort()).map(m -> Map.entry(answers, m)))
      .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
        for (int i = 0; i < cases.size(); i++) {
          String answer = result.getKey().resultAt(i);
          assertTrue(answer.startsWith("HTTP/1.1 426 "), cases.get(i) + ": " + answer);
          assertTrue(answer.contains("\r\nSec-WebSocket-Version: 13\r\n"), cases.get(i) + ": " + answer);
          String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
          assertEquals("unsupported_websocket_version", new JsonObject(body).getString("error"), cases.get(i));
        }
        for (int i = cases.size(); i < cases.size() + 3; i++) {
          String answer = result.getKey().resultAt(i);
          assertTrue(answer.startsWith("HTTP/1.1 101 "), "version 13 is upgraded: " + answer);
        }
        assertEquals(cases.size(), (int) result.getValue().value("websocket_upgrades_rejected_total",
          "reason", "version"));
        assertEquals(3.0, result.getValue().value("websocket_connections_opened_total"));
        ctx.completeNow();
      })));
  }

  @Test
  void noHttp2OnTheHttpPort(Vertx vertx, VertxTestContext ctx) {
    net = vertx.createNetClient();
    // deployed into the test's own Vert.x, which the extension closes
    InProcessService.start(vertx, Map.of())
      .compose(s -> Future.all(
        exchange(s.httpPort(), "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n"),
        exchange(s.httpPort(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")))
      .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
        String upgrade = answers.resultAt(0);
        assertTrue(upgrade.startsWith("HTTP/1.1 200 "), "Upgrade: h2c answered as plain HTTP/1.1: " + upgrade);
        assertEquals("healthy", new JsonObject(upgrade.substring(upgrade.indexOf("\r\n\r\n") + 4)).getString("status"));
        String preface = answers.resultAt(1);
        // an HTTP/2 server's first bytes would be a binary SETTINGS frame, not an HTTP/1 status line
        assertTrue(preface.startsWith("HTTP/"), "the preface is refused in HTTP/1 terms: " + preface);
        assertFalse(preface.startsWith("HTTP/1.1 200 ") || preface.contains(" 101 "), preface);
        ctx.completeNow();
      })));
  }

  @Test
  void bothServersTurnOffH2cAndGiveTheTlsHandshakeTheHandshakeTimeout() {
    ServerConfig config = ServerConfig.fromEnv(Map.of("HANDSHAKE_TIMEOUT", "1500ms"));
    HttpServerOptions options = WebSocketServerOptions.create(config, 0);
    assertFalse(options.isHttp2ClearTextEnabled());
    assertFalse(options.isUseAlpn(), "no h2 over TLS either");
    assertEquals(1500, options.getSslHandshakeTimeoutUnit().toMillis(options.getSslHandshakeTimeout()));
  }

  /**
   * Sends the bytes and collects the answer: a response head, plus its body when it has a Content-Length, or
   * everything until the server closes, or the first bytes when they are not HTTP/1. Never holds the socket past that.
   */
  private Future<String> exchange(int port, String request) {
    Promise<String> answer = Promise.promise();
    return net.connect(port, "127.0.0.1").compose(socket -> {
      Buffer received = Buffer.buffer();
      socket.handler(data -> {
        received.appendBuffer(data);
        String text = received.toString(StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        boolean notHttp1 = text.length() >= 5 && !text.startsWith("HTTP/"); // e.g. an HTTP/2 frame: done, fail
        if (notHttp1 || headEnd >= 0 && text.length() >= headEnd + 4 + contentLength(text.substring(0, headEnd))) {
          answer.tryComplete(received.toString(StandardCharsets.UTF_8));
          socket.close();
        }
      });
      socket.closeHandler(v -> answer.tryComplete(received.toString(StandardCharsets.UTF_8)));
      socket.write(request);
      return answer.future().timeout(20, TimeUnit.SECONDS);
    });
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }
}
