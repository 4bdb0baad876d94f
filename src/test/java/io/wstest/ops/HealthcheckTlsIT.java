package io.wstest.ops;

import io.wstest.testsupport.SelfSignedCert;
import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image's HEALTHCHECK with TLS on: {@code healthcheck} run as its own process with the environment the
 * service got, as Docker runs it, against the real service serving a self-signed certificate that names only
 * its public host (not 127.0.0.1).
 */
class HealthcheckTlsIT {

  private static final Duration EXIT_WITHIN = Duration.ofSeconds(60);

  @TempDir
  static Path dir;
  private static SelfSignedCert own;
  private static ServiceProcess service;

  @BeforeAll
  static void startServiceWithTls() throws Exception {
    own = SelfSignedCert.create(Files.createDirectory(dir.resolve("own")), "ws.example.com", "dns:ws.example.com");
    service = ServiceProcess.builder().podName("healthcheck-tls")
      .env("TLS_CERT", own.certPem().toString()).env("TLS_KEY", own.keyPem().toString()).start();
  }

  @AfterAll
  static void stopService() {
    if (service != null) {
      service.close();
    }
  }

  /** The environment the container gives the service, and so its HEALTHCHECK too. */
  private static Map<String, String> serviceEnv(SelfSignedCert cert) {
    return Map.of("HTTP_PORT", Integer.toString(service.httpPort()), "BIND_HOST", "127.0.0.1",
      "TLS_CERT", cert.certPem().toString(), "TLS_KEY", cert.keyPem().toString());
  }

  private String readyUrl() {
    return "https://127.0.0.1:" + service.httpPort() + HealthcheckCommand.PROBE_PATH;
  }

  @Test
  void defaultUrlIsHttpsAndTrustsTheServicesOwnCertificate() {
    ServiceProcess.Exit exit = ServiceProcess.run(List.of("healthcheck"), serviceEnv(own), EXIT_WITHIN);
    assertEquals(0, exit.code(), exit.output());
    assertTrue(exit.output().contains("healthy: 200 from " + readyUrl()), exit.output());
  }

  @Test
  void loopbackUrlTrustsTheServicesOwnCertificate() {
    ServiceProcess.Exit exit = ServiceProcess.run(List.of("healthcheck", "--url", readyUrl()), serviceEnv(own),
      EXIT_WITHIN);
    assertEquals(0, exit.code(), exit.output());
  }

  @Test
  void aCertificateThatIsNotTheServicesOwnIsStillVerified() throws Exception {
    SelfSignedCert other = SelfSignedCert.create(Files.createDirectory(dir.resolve("other")), "ws.example.com",
      "dns:ws.example.com");
    ServiceProcess.Exit exit = ServiceProcess.run(List.of("healthcheck", "--url", readyUrl()), serviceEnv(other),
      EXIT_WITHIN);
    assertEquals(1, exit.code(), exit.output());
    assertTrue(exit.output().contains("unhealthy") && exit.output().contains("PKIX"), exit.output());
    ServiceProcess.Exit withoutTls = ServiceProcess.run(List.of("healthcheck", "--url", readyUrl()),
      Map.of("HTTP_PORT", Integer.toString(service.httpPort())), EXIT_WITHIN);
    assertEquals(1, withoutTls.code(), withoutTls.output());
  }
}
