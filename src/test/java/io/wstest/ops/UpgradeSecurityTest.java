package io.wstest.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.runtime.ServiceLifecycle;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.SelfSignedCert;
import io.wstest.testsupport.WebSockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The one upgrade door on both servers, over real sockets: ALLOWED_ORIGINS, shutdown refusal, TLS. */
@ExtendWith(VertxExtension.class)
class UpgradeSecurityTest {

  /** Kept in fields: a client held only in a local variable can be cleaned up mid-handshake. */
  private WebSocketClient client;
  private WebClient http;

  /** Connects and returns the first (welcome) message. {@code origin} null sends no Origin header at all. */
  private Future<JsonObject> welcome(int port, String path, String origin) {
    // Vert.x adds its own Origin unless told not to; a given Origin header is sent as it is.
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path)
      .setAllowOriginHeader(origin != null);
    if (origin != null) {
      options.putHeader("Origin", origin);
    }
    io.vertx.core.Promise<JsonObject> first = io.vertx.core.Promise.promise();
    return WebSockets.connect(client, options, ws -> {
      ws.textMessageHandler(text -> first.tryComplete(new JsonObject(text)));
      ws.closeHandler(v -> first.tryFail("closed before the first message"));
    }).compose(ws -> first.future());
  }

  private static Future<Throwable> failure(Future<?> future) {
    return future.map(ok -> (Throwable) null).otherwise(e -> e);
  }

  @Test
  void unknownOriginsGet403OnBothServers(Vertx vertx, VertxTestContext test) {
    client = vertx.createWebSocketClient();
    InProcessService.start(vertx, Map.of("ALLOWED_ORIGINS", "https://app.example.com, http://localhost:3000"))
      .compose(s -> Future.all(
        failure(welcome(s.httpPort(), "/ws", "https://evil.example.com")),
        failure(welcome(s.wsPort(), "/", "https://evil.example.com")),
        failure(welcome(s.wsPort(), "/", "http://app.example.com")),
        welcome(s.httpPort(), "/ws", "https://APP.example.com"),
        welcome(s.wsPort(), "/", "http://localhost:3000"),
        welcome(s.wsPort(), "/", null)))
      .onComplete(test.succeeding(all -> test.verify(() -> {
        for (int i = 0; i < 3; i++) {
          UpgradeRejectedException e = assertInstanceOf(UpgradeRejectedException.class, all.resultAt(i), "attempt " + i);
          assertEquals(403, e.getStatus());
          assertEquals("origin_not_allowed", new JsonObject(e.getBody()).getString("error"));
        }
        for (int i = 3; i < 6; i++) {
          assertEquals("welcome", all.<JsonObject>resultAt(i).getString("type"));
        }
        test.completeNow();
      })));
  }

  @Test
  void onceShutdownClosesSocketsNewUpgradesGet503OnBothServers(Vertx vertx, VertxTestContext test) {
    client = vertx.createWebSocketClient();
    InProcessService.start(vertx, Map.of())
      .compose(s -> {
        ServiceLifecycle.of(vertx).stopAcceptingUpgrades();
        return Future.all(failure(welcome(s.httpPort(), "/ws", null)), failure(welcome(s.wsPort(), "/", null)));
      })
      .onComplete(test.succeeding(all -> test.verify(() -> {
        for (int i = 0; i < 2; i++) {
          UpgradeRejectedException e = assertInstanceOf(UpgradeRejectedException.class, all.resultAt(i));
          assertEquals(503, e.getStatus());
          assertEquals("shutting_down", new JsonObject(e.getBody()).getString("error"));
        }
        test.completeNow();
      })));
  }

  @Test
  void tlsServesHttpsAndWssOnBothPorts(Vertx vertx, VertxTestContext test, @TempDir Path dir) throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setTrustAll(true)
      .setVerifyHost(false));
    http = WebClient.create(vertx, new WebClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
    WebClient plain = WebClient.create(vertx);
    InProcessService.start(vertx, Map.of("TLS_CERT", cert.certPem().toString(), "TLS_KEY", cert.keyPem().toString()))
      .compose(s -> Future.all(
        http.get(s.httpPort(), "127.0.0.1", "/health").send(),
        welcome(s.httpPort(), "/ws", null),
        welcome(s.wsPort(), "/tls", null),
        failure(plain.get(s.httpPort(), "127.0.0.1", "/health").send())))
      .onComplete(test.succeeding(all -> test.verify(() -> {
        assertEquals("healthy", all.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(0).bodyAsJsonObject()
          .getString("status"));
        assertEquals("http", all.<JsonObject>resultAt(1).getString("server"));
        assertEquals("raw", all.<JsonObject>resultAt(2).getString("server"));
        assertInstanceOf(Throwable.class, all.resultAt(3), "plain http to the TLS port must fail");
        test.completeNow();
      })));
  }

  /** The first text message of a socket, parsed. */
}
