package io.wstest.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * TLS_CERT and TLS_KEY checked at start-up, the pair read by the same {@code PemKeyCertOptions} the servers use
 * later, the certificates by the JDK's {@code CertificateFactory}; public APIs only. Without this, a bad file only
 * failed the first listen, with exit 1 and a bare "Missing -----BEGIN ..." that named neither setting.
 */
public final class TlsPem {

  private static final Pattern CERTIFICATE_BLOCK =
    Pattern.compile("-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----");

  private TlsPem() {
  }

  /**
   * The certificates in a TLS_CERT file (leaf and chain, in no particular order): what the service presents,
   * so that its own {@code healthcheck} can trust exactly that certificate.
   *
   * @throws ConfigException when the file cannot be read or holds no PEM certificate
   */
  public static List<X509Certificate> certificates(String certPath) {
    Buffer cert = read(ServerConfig.TLS_CERT, certPath);
    try {
      // only the certificate blocks: a PEM file may hold comments or other blocks besides them
      Matcher blocks = CERTIFICATE_BLOCK.matcher(cert.toString(StandardCharsets.US_ASCII));
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> certificates = new ArrayList<>();
      while (blocks.find()) {
        byte[] block = blocks.group().getBytes(StandardCharsets.US_ASCII);
        if (factory.generateCertificate(new ByteArrayInputStream(block)) instanceof X509Certificate x509) {
          certificates.add(x509);
        }
      }
      if (certificates.isEmpty()) {
        throw new IOException("Missing -----BEGIN CERTIFICATE----- delimiter");
      }
      return certificates;
    } catch (Exception e) {
      throw unusable(ServerConfig.TLS_CERT, certPath, "PEM certificate", e);
    }
  }

  /**
   * A warning for each certificate in the TLS_CERT file that is expired or not valid yet at {@code now}, naming
   * the file, the certificate's subject and its validity dates: the service still starts (a test of a client's
   * reaction to such a certificate is a fair use), but every client that checks dates will refuse the handshake.
   */
  public static List<String> validityWarnings(String certPath, Instant now) {
    List<String> warnings = new ArrayList<>();
    for (X509Certificate certificate : certificates(certPath)) {
      Instant from = certificate.getNotBefore().toInstant();
      Instant until = certificate.getNotAfter().toInstant();
      String problem = now.isAfter(until) ? "expired" : now.isBefore(from) ? "not valid yet" : null;
      if (problem != null) {
        warnings.add("The certificate in " + name(ServerConfig.TLS_CERT) + " (" + certPath + ", "
          + certificate.getSubjectX500Principal().getName() + ") is " + problem + ": valid from " + from + " until "
          + until + ", now " + now.truncatedTo(ChronoUnit.SECONDS) + "; clients that check dates will refuse"
          + " every TLS handshake");
      }
    }
    return warnings;
  }

  /**
   * @throws ConfigException naming the setting whose file is not a PEM certificate (chain) or private key, or
   *                         saying that the key does not belong to the certificate
   */
  static void check(String certPath, String keyPath) {
    certificates(certPath);
    Buffer cert = read(ServerConfig.TLS_CERT, certPath);
    Buffer key = read(ServerConfig.TLS_KEY, keyPath);
    PrivateKey privateKey;
    Certificate leaf;
    try {
      // The certificate just loaded on its own, so a failure here is the key's. Given as values, not paths, the
      // options read nothing through a Vertx instance, which does not exist yet at this point of start-up.
      PemKeyCertOptions pem = new PemKeyCertOptions().setKeyValue(key).setCertValue(cert);
      KeyStore store = pem.loadKeyStore(null);
      String alias = Collections.list(store.aliases()).get(0);
      X509KeyManager keys = null;
      for (KeyManager manager : pem.getKeyManagerFactory(null).getKeyManagers()) {
        if (manager instanceof X509KeyManager x509) {
          keys = x509;
        }
      }
      privateKey = keys.getPrivateKey(alias);
      leaf = store.getCertificate(alias);
    } catch (Exception e) {
      throw unusable(ServerConfig.TLS_KEY, keyPath, "PEM private key (PKCS#8, PKCS#1 or EC)", e);
    }
    if (!belongTogether(privateKey, leaf.getPublicKey())) {
      throw new ConfigException(name(ServerConfig.TLS_KEY) + " (" + keyPath + ") is not the private key of the"
        + " certificate in " + name(ServerConfig.TLS_CERT) + " (" + certPath + "); every TLS handshake would fail");
    }
  }

  private static Buffer read(Setting<String> setting, String path) {
    try {
      return Buffer.buffer(Files.readAllBytes(Path.of(path)));
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + name(setting) + " (" + path + "): " + e.getMessage());
    }
  }

  /** Signs with the key and verifies with the certificate's public key: true when they are one pair. */
  private static boolean belongTogether(PrivateKey key, PublicKey certified) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> null;
    };
    if (algorithm == null) {
      return true; // Vert.x reads only RSA and EC keys; nothing else gets this far
    }
    try {
      byte[] probe = "websocket-test-service key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an EC key with an RSA certificate
    }
  }

  private static ConfigException unusable(Setting<String> setting, String path, String expected, Exception e) {
    return new ConfigException("Invalid " + name(setting) + ": " + path + " is not a usable " + expected + " ("
      + rootMessage(e) + ")");
  }

  private static String name(Setting<String> setting) {
    return setting.flag() + " / " + setting.env();
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
