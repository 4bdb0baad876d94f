package io.wstest.server;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.SelfSignedCert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS as the service saw it, and mTLS with TLS_CLIENT_CA + TLS_CLIENT_AUTH: a CA and a client certificate made with
 * openssl; {@code require} fails the handshake of a client without one, a client with one sees its subject, issuer,
 * serial, expiry and fingerprint echoed; a missing or unusable CA stops start-up naming the setting. The same on
 * both TLS engines (TLS_ENGINE: the JVM's and OpenSSL), and over wss on the OpenSSL one.
 */
class MutualTlsTest {

  @TempDir
  static Path dir;
  private static SelfSignedCert server;
  private static Path ca;
  private static Path clientCert;
  private static Path clientKey;

  private static Vertx vertx;
  private InProcessService service;

  @BeforeAll
  static void certificates() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    server = SelfSignedCert.create(Files.createDirectory(dir.resolve("server")));
    ca = dir.resolve("ca.pem");
    clientCert = dir.resolve("client.pem");
    clientKey = dir.resolve("client.key");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("ca.key").toString(), "-out",
      ca.toString(), "-days", "2", "-subj", "/CN=test-ca");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", clientKey.toString(), "-out",
      dir.resolve("client.csr").toString(), "-subj", "/CN=client-1/O=wstest");
    openssl("x509", "-req", "-in", dir.resolve("client.csr").toString(), "-CA", ca.toString(), "-CAkey",
      dir.resolve("ca.key").toString(), "-CAcreateserial", "-out", clientCert.toString(), "-days", "2");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (service != null) {
      service.stopAndWait();
    }
  }

  private void start(String clientAuth, String engine) throws Exception {
    service = InProcessService.startAndWait(Map.of("TLS_CERT", server.certPem().toString(),
        "TLS_KEY", server.keyPem().toString(), "TLS_CLIENT_CA", ca.toString(), "TLS_CLIENT_AUTH", clientAuth,
        "TLS_ENGINE", engine));
  }

  @ParameterizedTest(name = "TLS_ENGINE={0}")
  @ValueSource(strings = {"jdk", "openssl"})
  void requireFailsWithoutACertificateAndEchoesTheOneGiven(String engine) throws Exception {
    start("require", engine);
    ExecutionException refused = assertThrows(ExecutionException.class, () -> request(false, "ws.test"));
    assertNotNull(refused.getCause());
    JsonObject json = request(true, "ws.test");
    assertEquals("https", json.getString("scheme"));
    JsonObject tls = json.getJsonObject("tls");
    assertTrue(tls.getString("protocol").startsWith("TLSv1."), tls.encode());
    assertNotNull(tls.getString("cipher_suite"));
    assertEquals("ws.test", tls.getString("sni"));
    assertNull(tls.getValue("alpn"), "no ALPN: HTTP/1.1 only");
    JsonObject cert = tls.getJsonObject("client_certificate");
    assertTrue(cert.getString("subject").contains("CN=client-1"), cert.encode());
    assertTrue(cert.getString("issuer").contains("CN=test-ca"), cert.encode());
    assertFalse(cert.getString("serial").isEmpty());
    assertTrue(cert.getString("not_after").endsWith("Z"), cert.encode());
    assertEquals(32 * 3 - 1, cert.getString("sha256").length(), cert.encode());
  }

  @ParameterizedTest(name = "TLS_ENGINE={0}")
  @ValueSource(strings = {"jdk", "openssl"})
  void requestAcceptsClientsWithoutOne(String engine) throws Exception {
    start("request", engine);
    JsonObject json = request(false, "localhost");
    assertNull(json.getJsonObject("tls").getValue("client_certificate"));
    assertTrue(request(true, "localhost").getJsonObject("tls").getJsonObject("client_certificate")
      .getString("subject").contains("CN=client-1"));
  }

  @Test
  void aMissingOrUnusableCaStopsStartUpNamingItAndNotItsContents() throws IOException {
    Map<String, String> tls = Map.of("TLS_CERT", server.certPem().toString(), "TLS_KEY", server.keyPem().toString());
    ConfigException noCa = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(with(tls, "TLS_CLIENT_AUTH", "require")));
    assertTrue(noCa.getMessage().contains("TLS_CLIENT_CA"), noCa.getMessage());
    ConfigException missing = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(
      with(with(tls, "TLS_CLIENT_AUTH", "require"), "TLS_CLIENT_CA", dir.resolve("nope.pem").toString())));
    assertTrue(missing.getMessage().contains("TLS_CLIENT_CA"), missing.getMessage());
    Path notPem = dir.resolve("secret.txt");
    Files.writeString(notPem, "top-secret-content-do-not-echo\n", StandardCharsets.UTF_8);
    ConfigException bad = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(
      with(with(tls, "TLS_CLIENT_AUTH", "require"), "TLS_CLIENT_CA", notPem.toString())));
    assertTrue(bad.getMessage().contains("TLS_CLIENT_CA") && bad.getMessage().contains(notPem.toString()),
      bad.getMessage());
    assertFalse(bad.getMessage().contains("top-secret"), bad.getMessage());
    ConfigException noTls = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(
      Map.of("TLS_CLIENT_AUTH", "request", "TLS_CLIENT_CA", ca.toString())));
    assertTrue(noTls.getMessage().contains("TLS_CERT"), noTls.getMessage());
    ConfigException word = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(
      with(tls, "TLS_CLIENT_AUTH", "maybe")));
    assertTrue(word.getMessage().contains("TLS_CLIENT_AUTH"), word.getMessage());
  }

  /** The OpenSSL engine behind the WebSocket endpoints too: the welcome reports the handshake as the JDK's does. */
  @Test
  void theOpenSslEngineServesWssAndShowsTheClientCertificateInTheWelcome() throws Exception {
    start("require", "openssl");
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
      .setTrustAll(true).setVerifyHost(false).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(clientCert.toString()).setKeyPath(clientKey.toString())));
    try {
      Promise<String> welcome = Promise.promise();
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(service.wsPort()).setURI("/").setSsl(true);
      client.webSocket().textMessageHandler(welcome::tryComplete).connect(options)
        .onFailure(welcome::tryFail);
      JsonObject request = new JsonObject(welcome.future().toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS)).getJsonObject("request");
      assertEquals("wss", request.getString("scheme"));
      JsonObject tls = request.getJsonObject("tls");
      assertTrue(tls.getString("protocol").startsWith("TLSv1."), tls.encode());
      assertTrue(tls.getJsonObject("client_certificate").getString("subject").contains("CN=client-1"), tls.encode());
    } finally {
      client.close();
    }
  }

  @Test
  void anEngineOtherThanTheJvmsNeedsTlsAndAKnownName() {
    ConfigException noTls = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(
      Map.of("TLS_ENGINE", "openssl")));
    assertEquals("--tls-engine / TLS_ENGINE is openssl but TLS is off: set TLS_CERT and TLS_KEY", noTls.getMessage());
    ConfigException word = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(
      Map.of("TLS_CERT", server.certPem().toString(), "TLS_KEY", server.keyPem().toString(), "TLS_ENGINE", "gnutls")));
    assertTrue(word.getMessage().contains("TLS_ENGINE") && word.getMessage().contains("expected jdk or openssl"),
      word.getMessage());
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> map = new java.util.HashMap<>(base);
    map.put(key, value);
    return map;
  }

  /** GET /request over TLS, trusting any server certificate, with or without the client certificate. */
  private JsonObject request(boolean withCertificate, String serverName) throws Exception {
    HttpClientOptions options = new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
      .setForceSni(true);
    if (withCertificate) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(clientCert.toString())
        .setKeyPath(clientKey.toString()));
    }
    HttpClient client = vertx.createHttpClient(options);
    try {
      return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
          .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(service.httpPort(), "127.0.0.1"))
          .setHost(serverName).setPort(service.httpPort()).setURI("/request"))
        .compose(r -> r.send().compose(response -> response.body()))
        .map(Buffer::toJsonObject)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
    }
  }
}
