package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.runtime.ServiceLifecycle;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a socket sees when the server drains it (the drain SIGTERM and {@code POST /admin/drain} start): the
 * shutdown message, answers to every message that was still on its way during SHUTDOWN_GRACE, then 1001; and the
 * {@code draining} flag of the welcome.
 */
@ExtendWith(VertxExtension.class)
class ShutdownGraceTest {

  /** Long enough that a test finishing at all proves the grace was cut short where it should be. */
  private static final Map<String, String> TEN_MINUTE_GRACE = Map.of("SHUTDOWN_GRACE", "10m",
    "SHUTDOWN_TIMEOUT", "11m");
  private static final int BEFORE = 50;
  private static final int AFTER = 5;

  private InProcessService service;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  private Future<WsTestClient> start(Vertx vertx, Map<String, String> settings, String path) {
    return InProcessService.start(settings).compose(s -> {
      service = s;
      return WsTestClient.connect(vertx, service.httpPort(), path);
    });
  }

  private Future<Integer> drain() {
    return ConnectionHandler.closeAll(service.vertx(), "test drain", CloseCodes.GOING_AWAY, Duration.ZERO, false);
  }

  private static JsonObject echo(int n) {
    return new JsonObject().put("type", "echo").put("n", n);
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  void messagesStillOnTheirWayWhenTheShutdownIsSentAreAnsweredThenTheSocketGets1001(Vertx vertx,
                                                                                    VertxTestContext ctx) {
    start(vertx, Map.of("SHUTDOWN_GRACE", "1s"), "/ws").compose(client -> client.next().compose(welcome -> {
      // messages written while the drain starts: some reach the server after its shutdown message went out
      for (int n = 0; n < BEFORE; n++) {
        client.send(echo(n));
      }
      Future<Integer> drained = drain();
      // and a client that reacts late: it sends a few more after it read the shutdown
      client.next("shutdown").onSuccess(shutdown -> {
        for (int n = BEFORE; n < BEFORE + AFTER; n++) {
          client.send(echo(n));
        }
      });
      return Future.all(drained, client.closed()).map(all -> {
        ctx.verify(() -> {
          assertEquals(1, all.<Integer>resultAt(0), "sockets the drain closed");
          assertEquals((short) 1001, all.<Short>resultAt(1));
          List<JsonObject> messages = client.all();
          List<Integer> answered = new ArrayList<>();
          boolean shutdownSeen = false;
          for (int i = 0; i < messages.size(); i++) {
            JsonObject message = messages.get(i);
            assertEquals(i + 1, message.getLong("seq"), "every message numbered, none missing: " + messages);
            shutdownSeen |= "shutdown".equals(message.getString("type"));
            if ("echo".equals(message.getString("type"))) {
              answered.add(message.getJsonObject("original_message").getInteger("n"));
            }
          }
          assertTrue(shutdownSeen, messages.toString());
          List<Integer> expected = new ArrayList<>();
          for (int n = 0; n < BEFORE + AFTER; n++) {
            expected.add(n);
          }
          assertEquals(expected, answered, "every message answered, in order");
          assertEquals("echo", messages.get(messages.size() - 1).getString("type"),
            "the late messages were answered after the shutdown message, before the close");
        });
        return all;
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  void aPeerThatClosesDuringTheGraceEndsItAndTheDrainCompletes(Vertx vertx, VertxTestContext ctx) {
    start(vertx, TEN_MINUTE_GRACE, "/ws").compose(client -> client.next().compose(welcome -> {
      Future<Integer> drained = drain();
      return client.next("shutdown")
        .compose(shutdown -> client.request(echo(1)))
        .compose(reply -> {
          ctx.verify(() -> assertEquals(1, reply.getJsonObject("original_message").getInteger("n"),
            "answered during the grace"));
          return client.close();
        })
        // completing at all, with a 10-minute grace, proves the peer's close ended it
        .compose(closed -> drained)
        .map(closed -> {
          ctx.verify(() -> assertEquals(1, closed));
          return closed;
        });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  void echoSocketsGetTheCloseWithoutWaitingForTheGrace(Vertx vertx, VertxTestContext ctx) {
    // /echo speaks no JSON, so its peer never learns to stop sending: no grace, only the close
    start(vertx, TEN_MINUTE_GRACE, "/echo").compose(client -> {
      Future<Integer> drained = drain();
      return Future.all(drained, client.closed()).map(all -> {
        ctx.verify(() -> {
          assertEquals((short) 1001, all.<Short>resultAt(1));
          assertTrue(client.all().isEmpty(), "no JSON on /echo: " + client.all());
        });
        return all;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theWelcomeSaysWhetherTheReplicaIsDraining(Vertx vertx, VertxTestContext ctx) {
    Promise<JsonObject> before = Promise.promise();
    start(vertx, Map.of(), "/ws")
      .compose(client -> client.next())
      .compose(welcome -> {
        before.complete(welcome);
        // what SIGTERM does first; upgrades are still accepted during DRAIN_DELAY
        ServiceLifecycle.of(service.vertx()).markDraining();
        return WsTestClient.connect(vertx, service.wsPort(), "/late").compose(WsTestClient::next);
      })
      .onComplete(ctx.succeeding(late -> ctx.verify(() -> {
        assertEquals("welcome", before.future().result().getString("type"));
        assertFalse(before.future().result().getBoolean("draining"));
        assertEquals("welcome", late.getString("type"));
        assertTrue(late.getBoolean("draining"));
        ctx.completeNow();
      })));
  }
}
