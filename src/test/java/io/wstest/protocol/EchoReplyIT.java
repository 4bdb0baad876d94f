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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    // only a nested "type": still an echo; a comment is accepted by Vert.x's parser but must not reach the reply
    String nestedType = "{\"data\":{\"type\":\"ping\"},\"type\":7}";
    String withComment = "{\"n\":4 /* not JSON */}";
    List<String> texts = new ArrayList<>();
    List<JsonObject> replies = new ArrayList<>();
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      texts.add(text);
      replies.add(message);
      if (replies.size() == 1) {
        ws.writeTextMessage(first.encode());
        ws.writeTextMessage(second);
        ws.writeTextMessage(nestedType);
        ws.writeTextMessage(withComment);
      } else if (replies.size() == 5) {
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
          assertEquals("echo", replies.get(3).getString("type"));
          assertEquals(new JsonObject(nestedType), replies.get(3).getJsonObject("original_message"));
          assertEquals("echo", replies.get(4).getString("type"));
          assertEquals(4, replies.get(4).getJsonObject("original_message").getInteger("n"));
          assertEquals(5L, replies.get(4).getLong("seq"));
          assertFalse(texts.get(4).contains("/*"), "reply must be strict JSON: " + texts.get(4));
        });
        ctx.completeNow();
      }
    });
    ws.connect(port, "127.0.0.1", path).onFailure(ctx::failNow);
  }
}
