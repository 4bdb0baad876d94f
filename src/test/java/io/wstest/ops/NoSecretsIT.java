package io.wstest.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.SelfSignedCert;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.WebSockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar with an admin token and an unrelated secret in its environment, and secrets in the request
 * headers: no HTTP answer (health, probes, errors, /metrics, the dashboard page and script) and no WebSocket
 * message (/ws, the raw server, /echo) may contain any of them.
 */
@ExtendWith(VertxExtension.class)
class NoSecretsIT {

  private static final String TOKEN = "admin-token-7f3a9c";
  private static final String ENV_SECRET = "env-secret-5be21d";
  private static final String HEADER_SECRET = "header-secret-91c4e0";
  private static ServiceProcess service;

  /** Kept in a field: a client held only in a local variable can be cleaned up mid-handshake. */
  private WebSocketClient client;

  @BeforeAll
  static void start() {
    service = ServiceProcess.builder().podName("no-secrets").env("ADMIN_TOKEN", TOKEN)
      .env("DATABASE_PASSWORD", ENV_SECRET).start();
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  /** Welcome and info of one socket opened with secret-bearing headers, as text. */
  private Future<String> welcomeAndInfo(int port, String path) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path)
      .putHeader("Authorization", "Bearer " + HEADER_SECRET)
      .putHeader("Cookie", "session=" + HEADER_SECRET)
      .putHeader("X-Api-Key", HEADER_SECRET);
    List<String> messages = new ArrayList<>();
    Promise<String> two = Promise.promise();
    return WebSockets.connect(client, options, ws -> ws.textMessageHandler(text -> {
      messages.add(text);
      if (messages.size() == 1) {
        ws.writeTextMessage(new JsonObject().put("type", "info").encode());
      } else {
        two.tryComplete(String.join("\n", messages));
      }
    })).compose(ws -> two.future());
  }

  /** The /echo handshake's response headers and the echo of one message, sent over a secret-bearing handshake. */
  private Future<String> echoReply() {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.httpPort())
      .setURI("/echo")
      .putHeader("Authorization", "Bearer " + HEADER_SECRET)
      .putHeader("Cookie", "session=" + HEADER_SECRET)
      .putHeader("X-Api-Key", HEADER_SECRET);
    return client.connect(options).compose(ws -> {
      Promise<String> echoed = Promise.promise();
      ws.textMessageHandler(text -> echoed.tryComplete(ws.headers() + "\n" + text));
      ws.writeTextMessage("what do you know?");
      return echoed.future();
    });
  }

  private Future<String> get(WebClient http, String path) {
    return http.get(service.httpPort(), "127.0.0.1", path)
      .putHeader("Authorization", "Bearer " + HEADER_SECRET)
      .putHeader("X-Api-Key", HEADER_SECRET)
      .send()
      .map(response -> response.statusCode() + " " + response.headers() + response.bodyAsString());
  }

  @Test
  void noEndpointRevealsEnvironmentTokensOrHeaders(Vertx vertx, VertxTestContext test) {
    client = vertx.createWebSocketClient();
    WebClient http = WebClient.create(vertx);
    Future<HttpResponse<Buffer>> unauthorized = http.post(service.httpPort(), "127.0.0.1", "/admin/drain")
      .putHeader("Authorization", "Bearer " + HEADER_SECRET).send();
    List<Future<String>> answers = new ArrayList<>(List.of(get(http, "/"), get(http, "/health"), get(http, "/readyz"),
      get(http, "/healthz"), get(http, "/no/such/path"), unauthorized.map(r -> r.statusCode() + " " + r.bodyAsString()),
      welcomeAndInfo(service.httpPort(), "/ws"), welcomeAndInfo(service.wsPort(), "/raw"), echoReply()));
    Future.all(answers)
      // after every request and socket above, so the metrics have seen them; the dashboard page and its script
      .compose(v -> Future.all(get(http, "/metrics"), get(http, "/ui/"), get(http, "/ui/app.js")))
      .onComplete(test.succeeding(late -> test.verify(() -> {
        assertEquals(401, unauthorized.result().statusCode());
        List<String> texts = new ArrayList<>(answers.stream().map(Future::result).toList());
        texts.addAll(late.list());
        assertTrue(texts.get(8).endsWith("\nwhat do you know?"), texts.get(8));
        assertTrue(texts.get(9).startsWith("200 ") && texts.get(9).contains("websocket_connections_opened_total"),
          texts.get(9));
        assertTrue(texts.get(10).startsWith("200 ") && texts.get(11).startsWith("200 "), texts.get(10));
        for (int i = 0; i < texts.size(); i++) {
          String text = texts.get(i);
          for (String secret : List.of(TOKEN, ENV_SECRET, HEADER_SECRET, "DATABASE_PASSWORD")) {
            assertFalse(text.contains(secret), "answer " + i + " reveals " + secret + ": " + text);
          }
        }
        assertFalse(service.output().contains(TOKEN), "the log must not contain the admin token");
        test.completeNow();
      })));
  }

  /**
   * TLS_KEY holding the key's PEM text (as a Kubernetes secretKeyRef gives it) instead of a path: exit 2 with a
   * message that names TLS_KEY and the fix, and not one line of the key.
   */
  @Test
  void pemTextInTlsKeyExitsTwoWithoutPrintingTheKey(@TempDir Path dir) throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    String pem = Files.readString(cert.keyPem());
    ServiceProcess.Exit exit = ServiceProcess.run(List.of(), Map.of("TLS_KEY", pem,
      "TLS_CERT", cert.certPem().toString(), "ADMIN_TOKEN", TOKEN, "BIND_HOST", "127.0.0.1",
      "HTTP_PORT", Integer.toString(FreePorts.next()), "WS_PORT", Integer.toString(FreePorts.next())),
      Duration.ofSeconds(30));
    assertEquals(2, exit.code(), exit.output());
    assertTrue(exit.output().contains("TLS_KEY looks like PEM content"), exit.output());
    assertTrue(exit.output().contains("mount it as a file"), exit.output());
    for (String line : pem.split("\n")) {
      if (!line.isBlank() && !line.startsWith("-----")) {
        assertFalse(exit.output().contains(line), "the key leaked: " + exit.output());
      }
    }
    assertFalse(exit.output().contains(TOKEN), exit.output());
  }
}
