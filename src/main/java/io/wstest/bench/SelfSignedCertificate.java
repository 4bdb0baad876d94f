package io.wstest.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away self-signed certificate and its private key as PEM files, made with the JDK's own keytool (every
 * JDK has it, unlike openssl) and converted to PEM in Java: what {@code bench --tls} serves wss with. The PKCS#12
 * file keytool writes is deleted once read.
 */
public record SelfSignedCertificate(Path certPem, Path keyPem) {

  private static final char[] PASSWORD = "bench-only".toCharArray();
  private static final String ALIAS = "wstest";

  /** For 127.0.0.1 and localhost, valid for two days, in a new temporary directory removed when this JVM exits. */
  static SelfSignedCertificate forLoopback() {
    try {
      Path dir = Files.createTempDirectory("wstest-bench-tls-");
      SelfSignedCertificate made = create(dir, "localhost", "dns:localhost,ip:127.0.0.1", null);
      // reverse order: the files first, then their directory
      dir.toFile().deleteOnExit();
      made.keyPem().toFile().deleteOnExit();
      made.certPem().toFile().deleteOnExit();
      return made;
    } catch (IOException e) {
      throw new UncheckedIOException("--tls: cannot make a certificate: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("--tls: interrupted while making a certificate");
    }
  }

  /**
   * @param subjectAltNames keytool's form, e.g. {@code dns:localhost,ip:127.0.0.1}
   * @param startDate       keytool's {@code -startdate} relative form ({@code -10d} makes one that expired eight
   *                        days ago), or null for now
   */
  public static SelfSignedCertificate create(Path dir, String commonName, String subjectAltNames, String startDate)
    throws IOException, InterruptedException {
    Path keystore = dir.resolve("keystore.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg",
      "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=" + commonName, "-ext", "SAN=" + subjectAltNames,
      "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", new String(PASSWORD),
      "-keypass", new String(PASSWORD)));
    if (startDate != null) {
      command.addAll(List.of("-startdate", startDate));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(keytool + " failed: " + output);
    }
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD);
      Path cert = dir.resolve("cert.pem");
      Path key = dir.resolve("key.pem");
      Files.writeString(cert, pem("CERTIFICATE", store.getCertificate(ALIAS).getEncoded()));
      Files.writeString(key, pem("PRIVATE KEY", store.getKey(ALIAS, PASSWORD).getEncoded()));
      return new SelfSignedCertificate(cert, key);
    } catch (GeneralSecurityException e) {
      throw new IOException("could not read the keystore keytool wrote", e);
    } finally {
      Files.deleteIfExists(keystore);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }
}
