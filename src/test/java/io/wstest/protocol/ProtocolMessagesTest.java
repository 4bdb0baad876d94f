package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.ProtocolServer;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every message of the JSON protocol on both servers that speak it (/ws on the HTTP port, any path on the raw
 * port), over real sockets: the welcome field by field (with and without proxy headers on the handshake), ping,
 * echo, info, invalid JSON, binary echo, and the instance_id / seq every JSON message carries.
 */
@ExtendWith(VertxExtension.class)
class ProtocolMessagesTest {

  private static final Set<String> WELCOME_KEYS = Set.of("type", "message", "timestamp", "client_ip",
    "remote_address", "forwarded_for", "connection_id", "server", "draining", "service_identity", "keepalive",
    "limits", "instance_id", "seq",
    "subprotocols_offered", "subprotocol", "extensions_offered", "extensions", "proxy_protocol", "request");
  private static final String INSTANCE_ID = InProcessService.IDENTITY.instanceId();

  private static InProcessService service;
  /** A service in a Vert.x of its own, for a test that counts sockets; stopped after the test. */
  private InProcessService ownService;

  @BeforeAll
  static void deploy(Vertx vertx, VertxTestContext ctx) {
    InProcessService.start(vertx, Map.of()).onComplete(ctx.succeeding(s -> {
      service = s;
      ctx.completeNow();
    }));
  }

  @ParameterizedTest
  @EnumSource(ProtocolServer.class)
  void welcomeNamesTheReplicaTheSocketPeerAndTheConnection(ProtocolServer server, Vertx vertx, VertxTestContext ctx) {
    server.connect(vertx, service).compose(WsTestClient::next).onComplete(ctx.succeeding(welcome -> ctx.verify(() -> {
      assertEquals(WELCOME_KEYS, welcome.fieldNames(), welcome.encode());
      assertEquals("welcome", welcome.getString("type"));
      assertEquals(false, welcome.getBoolean("draining"), "not draining: no SIGTERM here");
      assertEquals("Connected to " + InProcessService.IDENTITY.displayName(), welcome.getString("message"));
      assertIsoUtc(welcome.getString("timestamp"));
      // no proxy headers: the client is the socket peer and the chain is empty
      assertEquals("127.0.0.1", welcome.getString("remote_address"));
      assertEquals("127.0.0.1", welcome.getString("client_ip"));
      assertEquals(new JsonArray(), welcome.getJsonArray("forwarded_for"));
      assertTrue(welcome.getString("connection_id").matches(INSTANCE_ID + "-[1-9][0-9]*"),
        welcome.getString("connection_id"));
      assertEquals(server.wireName(), welcome.getString("server"));
      assertEquals(InProcessService.IDENTITY.toJson(), welcome.getJsonObject("service_identity"));
      assertTrue(welcome.getJsonObject("keepalive").getBoolean("server_ping"), welcome.encode());
      // the server's own message limit, so a client can tell a proxy's cut from the server's 1009
      assertTrue(welcome.getJsonObject("limits").getInteger("max_message_bytes") > 0, welcome.encode());
      assertEquals(INSTANCE_ID, welcome.getString("instance_id"));
      assertEquals(1L, welcome.getLong("seq"));
      ctx.completeNow();
    })));
  }

  @ParameterizedTest
  @EnumSource(ProtocolServer.class)
  void welcomeTakesTheClientFromXForwardedForAndIgnoresForwardedThen(ProtocolServer server, Vertx vertx,
                                                                     VertxTestContext ctx) {
    // two header lines make one chain; X-Forwarded-For wins over a Forwarded header sent as well
    server.connect(vertx, service, "X-Forwarded-For", "203.0.113.7, 198.51.100.2", "X-Forwarded-For", "10.0.0.1",
        "Forwarded", "for=192.0.2.60")
      .compose(WsTestClient::next)
      .onComplete(ctx.succeeding(welcome -> ctx.verify(() -> {
        assertEquals("203.0.113.7", welcome.getString("client_ip"));
        assertEquals(new JsonArray().add("203.0.113.7").add("198.51.100.2").add("10.0.0.1"),
          welcome.getJsonArray("forwarded_for"));
        assertEquals("127.0.0.1", welcome.getString("remote_address"), "the socket peer, not a header");
        ctx.completeNow();
      })));
  }

  @ParameterizedTest
  @EnumSource(ProtocolServer.class)
  void welcomeTakesTheClientFromRfc7239Forwarded(ProtocolServer server, Vertx vertx, VertxTestContext ctx) {
    // ports and the quoted IPv6 brackets are stripped; by= and proto= are not addresses of the chain
    server.connect(vertx, service,
        "Forwarded", "for=192.0.2.60:4711;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"",
        "Forwarded", "For=198.51.100.9")
      .compose(WsTestClient::next)
      .onComplete(ctx.succeeding(welcome -> ctx.verify(() -> {
        assertEquals("192.0.2.60", welcome.getString("client_ip"));
        assertEquals(new JsonArray().add("192.0.2.60").add("2001:db8:cafe::17").add("198.51.100.9"),
          welcome.getJsonArray("forwarded_for"));
        assertEquals("127.0.0.1", welcome.getString("remote_address"));
        ctx.completeNow();
      })));
  }

  @ParameterizedTest
  @EnumSource(ProtocolServer.class)
  void pingGetsPongCarryingTheWholeRequest(ProtocolServer server, Vertx vertx, VertxTestContext ctx) {
    JsonObject ping = new JsonObject().put("type", "ping").put("message", "Hello from client")
      .put("nested", new JsonObject().put("list", new JsonArray().add(1).addNull().add("x")));
    welcomed(server, vertx)
      .compose(client -> client.request(ping))
      .onComplete(ctx.succeeding(pong -> ctx.verify(() -> {
        assertEquals(Set.of("type", "timestamp", "original_data", "instance_id", "seq"), pong.fieldNames());
        assertEquals("pong", pong.getString("type"));
        assertIsoUtc(pong.getString("timestamp"));
        assertEquals(ping, pong.getJsonObject("original_data"));
        assertEquals(INSTANCE_ID, pong.getString("instance_id"));
        assertEquals(2L, pong.getLong("seq"));
        ctx.completeNow();
      })));
  }

  @ParameterizedTest
  @EnumSource(ProtocolServer.class)
  void echoAndEveryNonCommandObjectComeBackAsEcho(ProtocolServer server, Vertx vertx, VertxTestContext ctx) {
    // "PING" is not "ping": types are case-sensitive; an object without a type is echoed too
    List<JsonObject> requests = List.of(
      new JsonObject().put("type", "echo").put("data", "héllo ☃"),
      new JsonObject().put("type", "hello").put("n", 1),
      new JsonObject().put("type", "PING"),
      new JsonObject().put("no_type", true));
    welcomed(server, vertx)
      .compose(client -> {
        requests.forEach(client::send);
        return Future.all(client.next(), client.next(), client.next(), client.next());
      })
      .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
        for (int i = 0; i < requests.size(); i++) {
          JsonObject echo = replies.resultAt(i);
          assertEquals(Set.of("type", "original_message", "timestamp", "instance_id", "seq"), echo.fieldNames(),
            echo.encode());
          assertEquals("echo", echo.getString("type"));
          assertEquals(requests.get(i), echo.getJsonObject("original_message"));
          assertIsoUtc(echo.getString("timestamp"));
          assertEquals(i + 2L, echo.getLong("seq"));
        }
        ctx.completeNow();
      })));
  }

  @ParameterizedTest
  @EnumSource(ProtocolServer.class)
  void textThatIsNotAJsonObjectGetsInvalidJsonAndTheSocketStaysOpen(ProtocolServer server, Vertx vertx,
                                                                   VertxTestContext ctx) {
    List<String> notObjects = List.of("not json", "[1,2]", "42", "\"text\"", "null", "", "{\"type\":", "{} trailing");
    welcomed(server, vertx)
      .compose(client -> {
        notObjects.forEach(client::sendText);
        List<Future<JsonObject>> errors = new ArrayList<>();
        notObjects.forEach(text -> errors.add(client.next()));
        return Future.all(errors).compose(all -> client.request(new JsonObject().put("type", "ping"))
          .map(pong -> {
            List<JsonObject> replies = new ArrayList<>(all.<JsonObject>list());
            replies.add(pong);
            return replies;
          }));
      })
      .onComplete(ctx.succeeding(replies -> ctx.verify(() -> {
        for (int i = 0; i < notObjects.size(); i++) {
          JsonObject error = replies.get(i);
          assertEquals("error", error.getString("type"), "reply to " + notObjects.get(i));
          assertEquals("invalid_json", error.getString("error"), "reply to " + notObjects.get(i));
          assertEquals("expected a JSON object", error.getString("message"));
          assertIsoUtc(error.getString("timestamp"));
          assertEquals(i + 2L, error.getLong("seq"));
        }
        JsonObject pong = replies.get(notObjects.size());
        assertEquals("pong", pong.getString("type"), "the socket still answers after the errors");
        assertEquals(notObjects.size() + 2L, pong.getLong("seq"));
        ctx.completeNow();
      })));
  }

  @ParameterizedTest
  @EnumSource(ProtocolServer.class)
  void binaryFramesAreEchoedAsBinaryWithoutTakingASeq(ProtocolServer server, Vertx vertx, VertxTestContext ctx) {
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }
    // JSON in a binary frame is data, not a command
    Buffer jsonBytes = Buffer.buffer(new JsonObject().put("type", "ping").encode());
    welcomed(server, vertx)
      .compose(client -> {
        client.sendBinary(Buffer.buffer(everyByte)).sendBinary(jsonBytes);
        return Future.all(client.nextBinary(), client.nextBinary())
          .compose(echoes -> client.request(new JsonObject().put("type", "ping"))
            .map(pong -> List.<Object>of(echoes.<Buffer>resultAt(0), echoes.<Buffer>resultAt(1), pong)));
      })
      .onComplete(ctx.succeeding(results -> ctx.verify(() -> {
        assertArrayEquals(everyByte, ((Buffer) results.get(0)).getBytes());
        assertEquals(jsonBytes, results.get(1));
        JsonObject pong = (JsonObject) results.get(2);
        assertEquals("pong", pong.getString("type"), "no JSON reply to the binary ping");
        assertEquals(2L, pong.getLong("seq"), "binary echoes carry no seq");
        ctx.completeNow();
      })));
  }

  @ParameterizedTest
  @EnumSource(ProtocolServer.class)
  void everyJsonMessageCarriesTheInstanceIdAndASeqCountingFromOne(ProtocolServer server, Vertx vertx,
                                                                 VertxTestContext ctx) {
    // one of each reply kind, through the spliced echo fast path and the tree-built replies alike
    welcomed(server, vertx)
      .compose(client -> {
        client.send(new JsonObject().put("type", "ping"))
          .send(new JsonObject().put("type", "echo"))
          .send(new JsonObject().put("type", "info"))
          .sendText("oops")
          .send(new JsonObject().put("type", "custom"))
          .send(new JsonObject().put("type", "broadcast").put("message", "seq check"));
        return Future.all(List.of(client.next("pong"), client.next("echo"), client.next("info"),
            client.next("error"), client.next("echo"), client.next("broadcast"), client.next("broadcast_ack")))
          .map(all -> client.all());
      })
      .onComplete(ctx.succeeding(messages -> ctx.verify(() -> {
        assertEquals(8, messages.size(), messages.toString());
        for (int i = 0; i < messages.size(); i++) {
          JsonObject message = messages.get(i);
          assertEquals(INSTANCE_ID, message.getString("instance_id"), message.encode());
          assertEquals(i + 1L, message.getLong("seq"), "in arrival order: " + message.encode());
        }
        ctx.completeNow();
      })));
  }

  /**
   * In a Vert.x of its own, so no socket of another test counts: one socket on each server, then info from the
   * one on {@code server}.
   */
  @ParameterizedTest
  @EnumSource(ProtocolServer.class)
  void infoReportsIdentityAndLiveConnectionCounts(ProtocolServer server, Vertx vertx, VertxTestContext ctx) {
    InProcessService.start(Map.of("INSTANCES", "2"))
      .compose(own -> {
        ownService = own;
        return server.connect(vertx, own);
      })
      .compose(asking -> asking.next("welcome")
        .compose(welcome -> server.other().connect(vertx, ownService))
        .compose(other -> other.next("welcome"))
        .compose(w -> asking.request(new JsonObject().put("type", "info")))
        .map(info -> List.of(asking.all().get(0), info)))
      .onComplete(ctx.succeeding(welcomeAndInfo -> ctx.verify(() -> {
        JsonObject info = welcomeAndInfo.get(1);
        assertEquals(Set.of("type", "timestamp", "connection_id", "server", "service_identity", "connections",
          "subprotocol", "request", "instance_id", "seq"), info.fieldNames(), info.encode());
        assertEquals("info", info.getString("type"));
        assertIsoUtc(info.getString("timestamp"));
        assertEquals(welcomeAndInfo.get(0).getString("connection_id"), info.getString("connection_id"));
        assertEquals(server.wireName(), info.getString("server"));
        assertEquals(InProcessService.IDENTITY.toJson(), info.getJsonObject("service_identity"));
        assertEquals(new JsonObject().put("total", 2).put("http", 1).put("raw", 1).put("opened_total", 2)
          .put("this_verticle_instance", 1), info.getJsonObject("connections"));
        assertEquals(2L, info.getLong("seq"));
        ctx.completeNow();
      })));
  }

  @AfterEach
  void stopOwnService(VertxTestContext ctx) {
    InProcessService own = ownService;
    ownService = null;
    (own == null ? Future.succeededFuture() : own.stop()).onComplete(ctx.succeedingThenComplete());
  }

  /** A socket on {@code server} whose welcome has been read. */
  private static Future<WsTestClient> welcomed(ProtocolServer server, Vertx vertx) {
    return server.connect(vertx, service).compose(client -> client.next("welcome").map(client));
  }

  private static void assertIsoUtc(String timestamp) {
    assertTrue(timestamp.endsWith("Z"), "UTC with Z: " + timestamp);
    Instant.parse(timestamp); // ISO-8601, or it throws
  }
}
