package io.wstest.ops;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import io.wstest.Commands;
import io.wstest.Main;
import io.wstest.server.ServeCommand;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.SelfSignedCert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code healthcheck} against a real HTTP server on loopback: 2xx → 0, anything else → 1, bad flags → 2. The
 * command blocks (it is a CLI), so it runs on the test thread while Vert.x answers on its event loop.
 */
@ExtendWith(VertxExtension.class)
class HealthcheckCommandTest {

  private static HttpServer server;
  private static int port;

  @BeforeAll
  static void startServer(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/health/ready" -> request.response().setStatusCode(200).end("{\"status\":\"UP\"}");
        case "/draining" -> request.response().setStatusCode(503).end("{\"status\":\"DOWN\"}");
        default -> { } // never answers: the client's read timeout must fire
      }
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }

  private static HealthcheckCommand healthcheck() {
    return new HealthcheckCommand(ServeCommand::localService);
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Test
  void readyIsZero() {
    assertEquals(0, Main.run("healthcheck", "--url", url("/health/ready")));
  }

  @Test
  void notReadyIsOne() {
    assertEquals(1, Main.run("healthcheck", "--url", url("/draining")));
  }

  @Test
  void nothingListeningIsOne() {
    assertEquals(1, Main.run("healthcheck", "--url", "http://127.0.0.1:" + FreePorts.next() + "/health/ready"));
  }

  @Test
  void nothingListeningSaysSoInWordsNotAnExceptionName() {
    int free = FreePorts.next();
    StringWriter err = new StringWriter();
    CommandLine cli = Commands.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(1, cli.execute("healthcheck", "--url", "http://127.0.0.1:" + free + "/health/ready"));
    assertTrue(err.toString().contains("connection refused by 127.0.0.1:" + free + " (nothing listening?)"),
      err.toString());
    assertFalse(err.toString().contains("Exception"), err.toString());
  }

  @Test
  void noAnswerWithinTheTimeoutIsOne() {
    assertEquals(1, Main.run("healthcheck", "--timeout", "300ms", "--url", url("/hangs")));
  }

  @Test
  void badFlagsAreTwo() {
    assertEquals(2, Main.run("healthcheck", "--url", "not a url"));
    assertEquals(2, Main.run("healthcheck", "--url", "ftp://127.0.0.1/"));
    assertEquals(2, Main.run("healthcheck", "--timeout", "soon"));
    assertEquals(2, Main.run("healthcheck", "--no-such-flag"));
  }

  @Test
  void defaultUrlFollowsTheServiceSettings() {
    assertEquals("http://127.0.0.1:8080/health/ready", healthcheck().defaultUrl(Map.of()));
    assertEquals("http://127.0.0.1:9090/health/ready",
      healthcheck().defaultUrl(Map.of("HTTP_PORT", "9090", "BIND_HOST", "0.0.0.0")));
    assertEquals("http://127.0.0.2:8080/health/ready", healthcheck().defaultUrl(Map.of("BIND_HOST", "127.0.0.2")));
  }

  @Test
  void defaultUrlIsHttpsWhenTheServiceHasTls(@TempDir Path dir) throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    Map<String, String> env = Map.of("HTTP_PORT", "9443", "TLS_CERT", cert.certPem().toString(),
      "TLS_KEY", cert.keyPem().toString());
    assertEquals("https://127.0.0.1:9443/health/ready", healthcheck().defaultUrl(env));
    assertEquals(1, healthcheck().ownCertificates(env, true).size());
    assertEquals(List.of(), healthcheck().ownCertificates(Map.of(), true));
  }
}
