package io.wstest.bench;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * {@code bench --tls --tls-engine}: the spawned service gets it as TLS_ENGINE and the baseline as its own
 * {@code --tls-engine}, so both terminate TLS the same way; the baseline serves wss on Netty's OpenSSL engine.
 */
@ExtendWith(VertxExtension.class)
class TlsEngineTest {

  @Test
  void theServiceAndTheBaselineAreStartedWithTheSameEngine(@TempDir Path dir) throws IOException {
    Path jar = Files.writeString(dir.resolve("service.jar"), "not read");
    SelfSignedCertificate tls = new SelfSignedCertificate(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    SpawnSettings openSsl = new SpawnSettings(jar, List.of(), null, false, tls, "openssl");
    SpawnSettings unset = new SpawnSettings(jar, List.of(), null, false, tls, null);

    assertEquals("openssl", ServerUnderTest.serviceLaunch(openSsl).env().get("TLS_ENGINE"));
    List<String> baseline = ServerUnderTest.baselineLaunch(openSsl).args();
    assertEquals("openssl", baseline.get(baseline.indexOf("--tls-engine") + 1), baseline.toString());

    // without the flag the service keeps TLS_ENGINE from bench's environment, the baseline the JVM's engine
    assertFalse(ServerUnderTest.serviceLaunch(unset).env().containsKey("TLS_ENGINE"));
    assertFalse(ServerUnderTest.baselineLaunch(unset).args().contains("--tls-engine"));
    // an AppCDS archive trained on one engine is not taken for the other
    assertNotEquals(CdsArchive.key(openSsl), CdsArchive.key(unset));
  }

  @Test
  void theBaselineServesWssOnTheOpenSslEngine(Vertx vertx, VertxTestContext ctx) {
    SelfSignedCertificate tls = SelfSignedCertificate.forLoopback();
    BaselineServer.EchoVerticle server = new BaselineServer.EchoVerticle(0, "127.0.0.1", tls, true);
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
      .setTrustAll(true).setVerifyHost(false));
    vertx.deployVerticle(server)
      .compose(id -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.server.actualPort()).setURI("/").setSsl(true)))
      .compose(ws -> {
        Promise<String> echoed = Promise.promise();
        ws.textMessageHandler(text -> {
          if (text.equals("over BoringSSL")) { // after the baseline's welcome
            echoed.tryComplete(text);
          }
        });
        ws.writeTextMessage("over BoringSSL");
        return echoed.future();
      })
      .onComplete(ctx.succeeding(text -> ctx.verify(() -> {
        assertEquals("over BoringSSL", text);
        ctx.completeNow();
      })));
  }
}
