package io.wstest.server;

import io.wstest.testsupport.SelfSignedCert;
import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TLS certificate outside its validity dates: the service still starts (clients' reactions to it are worth
 * testing) but warns at start, naming the file and the dates. The dates come from real keytool certificates.
 */
class TlsValidityIT {

  @Test
  void expiredAndNotYetValidCertificatesAreNamedWithTheirDates(@TempDir Path dir) throws Exception {
    Path expiredDir = Files.createDirectory(dir.resolve("expired"));
    Path futureDir = Files.createDirectory(dir.resolve("future"));
    SelfSignedCert expired = SelfSignedCert.createValidFrom(expiredDir, "-10d");
    SelfSignedCert future = SelfSignedCert.createValidFrom(futureDir, "+10d");
    SelfSignedCert current = SelfSignedCert.create(Files.createDirectory(dir.resolve("current")));
    Instant now = Instant.now();

    List<String> expiredWarnings = TlsPem.validityWarnings(expired.certPem().toString(), now);
    assertEquals(1, expiredWarnings.size(), expiredWarnings.toString());
    String warning = expiredWarnings.get(0);
    assertTrue(warning.contains("TLS_CERT") && warning.contains(expired.certPem().toString()), warning);
    assertTrue(warning.contains("is expired: valid from " + now.minus(java.time.Duration.ofDays(10)).toString()
      .substring(0, 10)), warning);
    List<String> futureWarnings = TlsPem.validityWarnings(future.certPem().toString(), now);
    assertEquals(1, futureWarnings.size(), futureWarnings.toString());
    assertTrue(futureWarnings.get(0).contains("is not valid yet"), futureWarnings.get(0));
    assertEquals(List.of(), TlsPem.validityWarnings(current.certPem().toString(), now));

    try (ServiceProcess service = ServiceProcess.builder().podName("expired-cert")
      .env("TLS_CERT", expired.certPem().toString()).env("TLS_KEY", expired.keyPem().toString()).start()) {
      assertTrue(service.output().contains("WARN"), service.output());
      assertTrue(service.output().contains(expired.certPem() + ", CN=localhost) is expired: valid from "),
        service.output());
    }
  }
}
