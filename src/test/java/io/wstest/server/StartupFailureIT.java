package io.wstest.server;

import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.SelfSignedCert;
import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fat jar given unusable start-up input: a port another process holds stops it with exit 1 and a message
 * naming the port and its setting, for either server; a value that is not a port, the same port for both
 * servers, a TLS file that is not PEM or an OpenSSL engine that cannot load stops it with exit 2 naming the setting.
 * (Bad flag values exiting 2 are covered in-process by MainTest.)
 */
class StartupFailureIT {

  private static final Duration EXIT_WITHIN = Duration.ofSeconds(60);

  @Test
  void httpPortInUseExits1NamingThePortAndTheVariable() throws IOException {
    try (ServerSocket holder = holdLoopbackPort()) {
      int held = holder.getLocalPort();
      ServiceProcess.Exit exit = ServiceProcess.run(List.of(), Map.of("BIND_HOST", "127.0.0.1",
        "HTTP_PORT", Integer.toString(held), "WS_PORT", Integer.toString(FreePorts.next())), EXIT_WITHIN);
      assertEquals(1, exit.code(), exit.output());
      assertTrue(exit.output().contains("Port " + held + " is already in use (--http-port / HTTP_PORT)"),
        exit.output());
      assertFalse(exit.output().contains(ServiceProcess.STARTED_LINE), exit.output());
    }
  }

  @Test
  void wsPortInUseExits1NamingThePortAndTheFlag() throws IOException {
    try (ServerSocket holder = holdLoopbackPort()) {
      int held = holder.getLocalPort();
      // the HTTP server is up by the time the raw server fails: the process must still stop, not half-serve
      ServiceProcess.Exit exit = ServiceProcess.run(
        List.of("--bind", "127.0.0.1", "--http-port", Integer.toString(FreePorts.next()), "--ws-port",
          Integer.toString(held)), Map.of(), EXIT_WITHIN);
      assertEquals(1, exit.code(), exit.output());
      assertTrue(exit.output().contains("Port " + held + " is already in use (--ws-port / WS_PORT)"), exit.output());
      assertFalse(exit.output().contains(ServiceProcess.STARTED_LINE), exit.output());
    }
  }

  @Test
  void portValueThatIsNotAPortExits2NamingTheVariable() {
    ServiceProcess.Exit exit = ServiceProcess.run(List.of(), Map.of("BIND_HOST", "127.0.0.1",
      "HTTP_PORT", Integer.toString(FreePorts.next()), "WS_PORT", "eighty-seven"), EXIT_WITHIN);
    assertEquals(2, exit.code(), exit.output());
    assertTrue(exit.output().contains("WS_PORT") && exit.output().contains("'eighty-seven'"), exit.output());
  }

  @Test
  void sameHttpAndWsPortExits2NamingBothSettings() {
    String port = Integer.toString(FreePorts.next());
    ServiceProcess.Exit exit = ServiceProcess.run(List.of("--bind", "127.0.0.1", "--http-port", port),
      Map.of("WS_PORT", port), EXIT_WITHIN);
    assertEquals(2, exit.code(), exit.output());
    assertTrue(exit.output().contains("--http-port / HTTP_PORT and --ws-port / WS_PORT are both " + port),
      exit.output());
    assertFalse(exit.output().contains(ServiceProcess.STARTED_LINE), exit.output());
  }

  @Test
  void tlsCertThatIsNotPemExits2NamingTheSetting(@TempDir Path dir) throws IOException {
    Path garbage = Files.writeString(dir.resolve("bad.pem"), "garbage\n");
    ServiceProcess.Exit exit = ServiceProcess.run(List.of("--bind", "127.0.0.1", "--http-port",
      Integer.toString(FreePorts.next()), "--ws-port", Integer.toString(FreePorts.next())),
      Map.of("TLS_CERT", garbage.toString(), "TLS_KEY", garbage.toString()), EXIT_WITHIN);
    assertEquals(2, exit.code(), exit.output());
    assertTrue(exit.output().contains("Invalid --tls-cert / TLS_CERT: " + garbage + " is not a usable PEM certificate"),
      exit.output());
    assertFalse(exit.output().contains("Exception") || exit.output().contains(ServiceProcess.STARTED_LINE),
      exit.output());
  }

  @Test
  void proxyPortInUseExits1NamingItsOwnSetting() throws IOException {
    try (ServerSocket holder = holdLoopbackPort()) {
      int held = holder.getLocalPort();
      ServiceProcess.Exit exit = ServiceProcess.run(List.of("--bind", "127.0.0.1", "--http-port",
        Integer.toString(FreePorts.next()), "--ws-port", Integer.toString(FreePorts.next())),
        Map.of("PROXY_WS_PORT", Integer.toString(held)), EXIT_WITHIN);
      assertEquals(1, exit.code(), exit.output());
      assertTrue(exit.output().contains("Port " + held + " is already in use (--proxy-ws-port / PROXY_WS_PORT)"),
        exit.output());
      assertFalse(exit.output().contains(ServiceProcess.STARTED_LINE), exit.output());
    }
  }

  @Test
  void clientCaThatIsNotPemExits2NamingItWithoutItsContents(@TempDir Path dir) throws Exception {
    SelfSignedCert server = SelfSignedCert.create(dir);
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "private-notes-not-a-certificate\n");
    ServiceProcess.Exit exit = ServiceProcess.run(List.of("--bind", "127.0.0.1", "--http-port",
      Integer.toString(FreePorts.next()), "--ws-port", Integer.toString(FreePorts.next())),
      Map.of("TLS_CERT", server.certPem().toString(), "TLS_KEY", server.keyPem().toString(),
        "TLS_CLIENT_CA", notPem.toString(), "TLS_CLIENT_AUTH", "require"), EXIT_WITHIN);
    assertEquals(2, exit.code(), exit.output());
    assertTrue(exit.output().contains("Invalid --tls-client-ca / TLS_CLIENT_CA: " + notPem), exit.output());
    assertFalse(exit.output().contains("private-notes") || exit.output().contains(ServiceProcess.STARTED_LINE),
      exit.output());
  }

  @Test
  void openSslEngineWhereTheLibraryCannotLoadExits2NamingTheSetting(@TempDir Path dir) throws Exception {
    SelfSignedCert server = SelfSignedCert.create(dir);
    // Netty's own switch: OpenSsl.isAvailable() answers false, as on a platform the jar carries no BoringSSL for
    ServiceProcess.Exit exit = ServiceProcess.run(List.of("--bind", "127.0.0.1", "--http-port",
      Integer.toString(FreePorts.next()), "--ws-port", Integer.toString(FreePorts.next())),
      Map.of("TLS_CERT", server.certPem().toString(), "TLS_KEY", server.keyPem().toString(),
        "TLS_ENGINE", "openssl", "JAVA_TOOL_OPTIONS", "-Dio.netty.handler.ssl.noOpenSsl=true"), EXIT_WITHIN);
    assertEquals(2, exit.code(), exit.output());
    assertTrue(exit.output().contains("--tls-engine / TLS_ENGINE is openssl, but the OpenSSL engine is not available"
      + " on this platform"), exit.output());
    assertFalse(exit.output().contains("\tat ") || exit.output().contains(ServiceProcess.STARTED_LINE),
      exit.output());
  }

  /** A listening socket on a free loopback port, as another process holding the port would have. */
  private static ServerSocket holdLoopbackPort() throws IOException {
    return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }
}
