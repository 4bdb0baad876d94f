package io.wstest.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away self-signed certificate (for localhost / 127.0.0.1 unless told otherwise) as PEM files, made
 * with the JDK's own keytool (always present, unlike openssl) and converted to PEM in Java.
 */
public record SelfSignedCert(Path certPem, Path keyPem) {

  private static final char[] PASSWORD = "test-only".toCharArray();

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
    Path keystore = dir.resolve("test.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", "wstest", "-keyalg",
      "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=" + commonName, "-ext", "SAN=" + subjectAltNames,
      "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", new String(PASSWORD),
      "-keypass", new String(PASSWORD)));
    if (startDate != null) {
      command.addAll(List.of("-startdate", startDate));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD);
      Path cert = dir.resolve("cert.pem");
      Path key = dir.resolve("key.pem");
      Files.writeString(cert, pem("CERTIFICATE", store.getCertificate("wstest").getEncoded()));
      Files.writeString(key, pem("PRIVATE KEY", store.getKey("wstest", PASSWORD).getEncoded()));
      return new SelfSignedCert(cert, key);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("could not read the generated keystore", e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }
}
