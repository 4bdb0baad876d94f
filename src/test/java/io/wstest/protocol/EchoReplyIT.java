package io.wstest.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The echo reply is spliced from the request's bytes and written as a pre-encoded text frame (the hot path):
 * it must still be exactly the JSON the protocol promises, on both servers.
 */
@ExtendWith(VertxExtension.class)
class EchoReplyIT {

  private static ServiceProcess service;
  private WebSocketClient client;

  @BeforeAll
  static void startService() {
    service = ServiceProcess.builder().podName("echo-reply").start();
  }

  @AfterAll
  static void stopService() {
    service.close();
  }

  @Test
  void echoRepliesOnTheRawServerAreWellFormedAndNumbered(Vertx vertx, VertxTestContext ctx) {
    exchange(vertx, ctx, service.wsPort(), "/");
  }

  @Test
  void echoRepliesOnWsPathAreWellFormedAndNumbered(Vertx vertx, VertxTestContext ctx) {
    exchange(vertx, ctx, service.httpPort(), "/ws");
  }

  private void exchange(Vertx vertx, VertxTestContext ctx, int port, String path) {
    client = vertx.createWebSocketClient();
    JsonObject first = new JsonObject().put("type", "echo").put("data", "héllo \u2603 \"quoted\"").put("n", 1);
    String second = "  {\"n\" : 2, \"nested\": {\"a\": [1, 2, null]}}  ";
    List<JsonObject> replies = new ArrayList<>();
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      replies.add(message);
      if (replies.size() == 1) {
        ws.writeTextMessage(first.encode());
        ws.writeTextMessage(second);
      } else if (replies.size() == 3) {
        ctx.verify(() -> {
          assertEquals("welcome", replies.get(0).getString("type"));
          String instance = replies.get(0).getString("instance_id");
          JsonObject echo1 = replies.get(1);
          assertEquals("echo", echo1.getString("type"));
          assertEquals(first, echo1.getJsonObject("original_message"));
          assertEquals(instance, echo1.getString("instance_id"));
          assertEquals(2L, echo1.getLong("seq"));
          assertNotNull(java.time.Instant.parse(echo1.getString("timestamp")));
          JsonObject echo2 = replies.get(2);
          assertEquals(new JsonObject(second), echo2.getJsonObject("original_message"));
          assertEquals(3L, echo2.getLong("seq"));
        });
        ctx.completeNow();
      }
    });
    ws.connect(port, "127.0.0.1", path).onFailure(ctx::failNow);
  }
}
