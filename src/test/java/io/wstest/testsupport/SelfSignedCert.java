package io.wstest.testsupport;

import io.wstest.bench.SelfSignedCertificate;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A throw-away self-signed certificate (for localhost / 127.0.0.1 unless told otherwise) as PEM files: the one
 * {@code bench --tls} makes ({@link SelfSignedCertificate}, keytool, then PEM in Java).
 */
public record SelfSignedCert(Path certPem, Path keyPem) {

  public static SelfSignedCert create(Path dir) throws IOException, InterruptedException {
    return create(dir, "localhost", "dns:localhost,ip:127.0.0.1");
  }

  /** A certificate for other names, e.g. the public name a service is reached by: {@code dns:ws.example.com}. */
  public static SelfSignedCert create(Path dir, String commonName, String subjectAltNames)
    throws IOException, InterruptedException {
    return create(dir, commonName, subjectAltNames, null);
  }

  /**
   * A certificate for localhost valid for two days from {@code startDate}, in keytool's {@code -startdate} form
   * relative to now: {@code -10d} makes one that expired eight days ago, {@code +10d} one not valid yet.
   */
  public static SelfSignedCert createValidFrom(Path dir, String startDate) throws IOException, InterruptedException {
    return create(dir, "localhost", "dns:localhost,ip:127.0.0.1", startDate);
  }

  private static SelfSignedCert create(Path dir, String commonName, String subjectAltNames, String startDate)
    throws IOException, InterruptedException {
    SelfSignedCertificate made = SelfSignedCertificate.create(dir, commonName, subjectAltNames, startDate);
    return new SelfSignedCert(made.certPem(), made.keyPem());
  }
}
