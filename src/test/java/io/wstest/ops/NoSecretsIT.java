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
import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The real jar with an admin token and an unrelated secret in its environment, and secrets in the request
 * headers: no HTTP answer and no WebSocket message may contain any of them.
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
    return client.connect(options).compose(ws -> {
      List<String> messages = new ArrayList<>();
      Promise<String> two = Promise.promise();
      ws.textMessageHandler(text -> {
        messages.add(text);
        if (messages.size() == 1) {
          ws.writeTextMessage(new JsonObject().put("type", "info").encode());
        } else {
          two.tryComplete(String.join("\n", messages));
        }
      });
      return two.future();
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
    Future.all(List.of(get(http, "/"), get(http, "/health"), get(http, "/readyz"), get(http, "/healthz"),
        get(http, "/no/such/path"), unauthorized.map(r -> r.statusCode() + " " + r.bodyAsString()),
        welcomeAndInfo(service.httpPort(), "/ws"), welcomeAndInfo(service.wsPort(), "/raw")))
      .onComplete(test.succeeding(all -> test.verify(() -> {
        assertEquals(401, unauthorized.result().statusCode());
        for (int i = 0; i < all.size(); i++) {
          String text = all.resultAt(i);
          for (String secret : List.of(TOKEN, ENV_SECRET, HEADER_SECRET, "DATABASE_PASSWORD")) {
            assertFalse(text.contains(secret), "answer " + i + " reveals " + secret + ": " + text);
          }
        }
        assertFalse(service.output().contains(TOKEN), "the log must not contain the admin token");
        test.completeNow();
      })));
  }
}
