package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.ProtocolServer;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broadcast crosses verticle instances and servers: sockets on /ws and on the raw port, spread over two verticle
 * instances of each server, all receive it whoever sends it, and the sender's ack counts exactly them. /echo
 * sockets speak no JSON and get nothing.
 */
@ExtendWith(VertxExtension.class)
class BroadcastAcrossInstancesTest {

  /** Per server: with round-robin accepts over two instances, both instances of each server get sockets. */
  private static final int SOCKETS_PER_SERVER = 4;

  private final List<WsTestClient> sockets = new ArrayList<>();
  private final Map<WsTestClient, JsonObject> welcomes = new HashMap<>();
  private final Map<WsTestClient, ProtocolServer> serverOf = new HashMap<>();
  private InProcessService service;
  private WsTestClient echoSocket;

  @Test
  void everySocketOnBothServersAndEveryInstanceGetsEachBroadcast(Vertx vertx, VertxTestContext ctx) {
    InProcessService.start(vertx, Map.of("INSTANCES", "2"))
      .compose(s -> {
        service = s;
        return openProtocolSockets(vertx);
      })
      .compose(v -> verticleInstancesCovered())
      .compose(instances -> {
        ctx.verify(() -> {
          // two instances of each server, so four connection handlers, each with its own event loop context
          assertEquals(2, instances.get(ProtocolServer.HTTP), "HTTP verticle instances holding sockets");
          assertEquals(2, instances.get(ProtocolServer.RAW), "raw verticle instances holding sockets");
        });
        return WsTestClient.connect(vertx, service.httpPort(), "/echo");
      })
      .compose(echo -> {
        echoSocket = echo;
        return broadcastFrom(socketOn(ProtocolServer.HTTP), new JsonObject().put("text", "from http").put("n", 1), ctx);
      })
      // the broadcast was written to every socket before the ack was sent, so anything the /echo socket got would
      // arrive before the echo of this marker
      .compose(v -> echoSocket.request(new JsonObject().put("marker", "after the broadcast")))
      .compose(echoed -> {
        ctx.verify(() -> assertEquals(new JsonObject().put("marker", "after the broadcast"), echoed,
          "an /echo socket must not be sent broadcasts"));
        return broadcastFrom(socketOn(ProtocolServer.RAW), "from raw", ctx);
      })
      .onComplete(ctx.succeedingThenComplete());
  }

  private record Opened(ProtocolServer server, WsTestClient socket, JsonObject welcome) {
  }

  /** Opens the sockets all at once and records them in one place once all are welcomed. */
  private Future<Void> openProtocolSockets(Vertx vertx) {
    List<Future<Opened>> opening = new ArrayList<>();
    for (ProtocolServer server : ProtocolServer.values()) {
      for (int i = 0; i < SOCKETS_PER_SERVER; i++) {
        opening.add(server.connect(vertx, service)
          .compose(socket -> socket.next("welcome").map(welcome -> new Opened(server, socket, welcome))));
      }
    }
    return Future.all(opening).map(all -> {
      for (Opened opened : all.<Opened>list()) {
        sockets.add(opened.socket());
        serverOf.put(opened.socket(), opened.server());
        welcomes.put(opened.socket(), opened.welcome());
      }
      return null;
    });
  }

  /**
   * How many verticle instances of each server hold the open sockets, from each socket's {@code info}: an
   * instance holding c sockets is named by c sockets that each report {@code this_verticle_instance} = c, so
   * summing 1/c over the sockets counts the instances. Valid because nothing opens or closes meanwhile.
   */
  private Future<Map<ProtocolServer, Integer>> verticleInstancesCovered() {
    List<Future<JsonObject>> infos = new ArrayList<>();
    sockets.forEach(socket -> infos.add(socket.request(new JsonObject().put("type", "info"))));
    return Future.all(infos).map(all -> {
      Map<ProtocolServer, Map<Integer, Integer>> socketsByLocalCount = new HashMap<>();
      for (int i = 0; i < sockets.size(); i++) {
        JsonObject info = all.resultAt(i);
        ProtocolServer server = serverOf.get(sockets.get(i));
        assertEquals(server.wireName(), info.getString("server"));
        socketsByLocalCount.computeIfAbsent(server, k -> new HashMap<>())
          .merge(info.getJsonObject("connections").getInteger("this_verticle_instance"), 1, Integer::sum);
      }
      Map<ProtocolServer, Integer> instances = new HashMap<>();
      socketsByLocalCount.forEach((server, counts) -> counts.forEach((local, n) -> {
        assertEquals(0, n % local, server + ": " + n + " sockets report an instance holding " + local);
        instances.merge(server, n / local, Integer::sum);
      }));
      return instances;
    });
  }

  /**
   * One broadcast from {@code sender}: every protocol socket, the sender included, receives it numbered as its
   * next message, and the sender's ack counts all of them.
   */
  private Future<Void> broadcastFrom(WsTestClient sender, Object message, VertxTestContext ctx) {
    String senderId = welcomes.get(sender).getString("connection_id");
    long[] lastSeq = new long[sockets.size()];
    for (int i = 0; i < sockets.size(); i++) {
      List<JsonObject> received = sockets.get(i).all();
      lastSeq[i] = received.get(received.size() - 1).getLong("seq");
    }
    sender.send(new JsonObject().put("type", "broadcast").put("message", message));
    List<Future<JsonObject>> copies = new ArrayList<>();
    sockets.forEach(socket -> copies.add(socket.next("broadcast")));
    return Future.all(sender.next("broadcast_ack"), Future.all(copies)).map(all -> {
      ctx.verify(() -> {
        JsonObject ack = all.resultAt(0);
        assertEquals(sockets.size(), ack.getInteger("recipients"), ack.encode());
        assertEquals(0, ack.getInteger("dropped"));
        for (int i = 0; i < sockets.size(); i++) {
          JsonObject copy = copies.get(i).result();
          assertEquals(Set.of("type", "message", "from", "timestamp", "instance_id", "display_name", "scope", "seq"),
            copy.fieldNames());
          assertEquals("local", copy.getString("scope"));
          assertEquals(InProcessService.IDENTITY.displayName(), copy.getString("display_name"));
          assertEquals(message, copy.getValue("message"));
          assertEquals(senderId, copy.getString("from"));
          assertEquals(InProcessService.IDENTITY.instanceId(), copy.getString("instance_id"));
          long seq = copy.getLong("seq");
          // the sender's own copy and its ack may come in either order
          assertTrue(seq == lastSeq[i] + 1 || sockets.get(i) == sender && seq == lastSeq[i] + 2,
            "seq " + seq + " after " + lastSeq[i] + " on " + serverOf.get(sockets.get(i)));
        }
      });
      return null;
    });
  }

  private WsTestClient socketOn(ProtocolServer server) {
    return sockets.stream().filter(socket -> serverOf.get(socket) == server).findFirst().orElseThrow();
  }
}
