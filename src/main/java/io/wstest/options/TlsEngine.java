package io.wstest.options;

import io.netty.handler.ssl.OpenSsl;

import java.util.Locale;

/**
 * TLS_ENGINE: which TLS implementation the servers use. The JVM's is the default; OpenSSL is Netty's engine over
 * the BoringSSL library the jar carries for linux x86_64 and aarch64, which spends 0.4–0.6 × the server CPU per
 * handshake (docs/performance.md, "Over TLS"). One vocabulary for the service's TLS_ENGINE and bench's
 * {@code --tls-engine}.
 */
public enum TlsEngine {
  JDK, OPENSSL;

  public static TlsEngine parse(String raw) {
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "jdk" -> JDK;
      case "openssl" -> OPENSSL;
      default -> throw new IllegalArgumentException("expected jdk or openssl");
    };
  }

  /** The name TLS_ENGINE and {@code --tls-engine} take. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Why this engine cannot run here, or null when it can. */
  public String unavailableBecause() {
    if (this == JDK || OpenSsl.isAvailable()) {
      return null;
    }
    Throwable cause = OpenSsl.unavailabilityCause();
    return "the OpenSSL engine is not available on this platform (" + System.getProperty("os.name") + " "
      + System.getProperty("os.arch") + "; the jar carries BoringSSL for linux x86_64 and aarch64)"
      + (cause == null ? "" : ": " + cause);
  }
}
