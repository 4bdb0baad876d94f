package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.ProtocolServer;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster messages on a replica started without REDIS_URL: it says clustering is off, and a cluster broadcast
 * is a local one whose ack says so. (With Redis: ClusterIT.)
 */
@ExtendWith(VertxExtension.class)
class ClusterMessagesTest {

  private static InProcessService service;

  @BeforeAll
  static void deploy(Vertx vertx, VertxTestContext ctx) {
    InProcessService.start(vertx, Map.of()).onComplete(ctx.succeeding(s -> {
      service = s;
      ctx.completeNow();
    }));
  }

  @AfterAll
  static void undeploy(VertxTestContext ctx) {
    service.stop().onComplete(ctx.succeedingThenComplete());
  }

  private static Future<WsTestClient> welcomed(Vertx vertx) {
    return ProtocolServer.HTTP.connect(vertx, service).compose(client -> client.next("welcome").map(client));
  }

  @Test
  void clusterSaysClusteringIsOff(Vertx vertx, VertxTestContext ctx) {
    welcomed(vertx)
      .compose(client -> client.send(new JsonObject().put("type", "cluster")).next("cluster"))
      .onComplete(ctx.succeeding(view -> ctx.verify(() -> {
        assertFalse(view.getBoolean("enabled"));
        assertEquals("disabled", view.getString("status"));
        assertEquals(2L, view.getLong("seq"));
        ctx.completeNow();
      })));
  }

  @Test
  void aClusterBroadcastWithoutRedisStaysLocalAndItsAckSaysWhy(Vertx vertx, VertxTestContext ctx) {
    welcomed(vertx).compose(sender -> welcomed(vertx).compose(other -> {
      sender.send(new JsonObject().put("type", "broadcast").put("message", "hi").put("scope", "cluster"));
      return Future.all(sender.next("broadcast_ack"), other.next("broadcast"));
    })).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      JsonObject ack = all.resultAt(0);
      assertEquals("cluster", ack.getString("scope"));
      assertEquals("disabled", ack.getString("cluster"));
      assertEquals(1, ack.getInteger("replicas_expected"));
      assertEquals(1, ack.getInteger("replicas_reported"));
      assertTrue(ack.getBoolean("complete"));
      assertEquals(ack.getInteger("recipients"), ack.getJsonArray("replicas").getJsonObject(0).getInteger("recipients"));
      JsonObject copy = all.resultAt(1);
      assertEquals("cluster", copy.getString("scope"));
      assertEquals(InProcessService.IDENTITY.displayName(), copy.getString("display_name"));
      ctx.completeNow();
    })));
  }

  @Test
  void anUnknownScopeIsAnErrorAndNothingIsSent(Vertx vertx, VertxTestContext ctx) {
    welcomed(vertx)
      .compose(client -> client.send(new JsonObject().put("type", "broadcast").put("message", "x")
        .put("scope", "galaxy")).next("error"))
      .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
        assertEquals("invalid_scope", error.getString("error"));
        ctx.completeNow();
      })));
  }

  @Test
  void theLocalAckSaysItsScope(Vertx vertx, VertxTestContext ctx) {
    welcomed(vertx)
      .compose(client -> client.send(new JsonObject().put("type", "broadcast").put("message", "x"))
        .next("broadcast_ack"))
      .onComplete(ctx.succeeding(ack -> ctx.verify(() -> {
        assertEquals("local", ack.getString("scope"));
        assertTrue(ack.getInteger("recipients") >= 1);
        ctx.completeNow();
      })));
  }
}
