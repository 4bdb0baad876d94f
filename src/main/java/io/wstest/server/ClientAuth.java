package io.wstest.server;

import java.util.Locale;

/** TLS_CLIENT_AUTH: whether the TLS handshake asks for a client certificate (mTLS). */
public enum ClientAuth {
  NONE, REQUEST, REQUIRE;

  static ClientAuth parse(String raw) {
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "none" -> NONE;
      case "request" -> REQUEST;
      case "require" -> REQUIRE;
      default -> throw new IllegalArgumentException("expected none, request or require");
    };
  }

  String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  io.vertx.core.http.ClientAuth toVertx() {
    return switch (this) {
      case NONE -> io.vertx.core.http.ClientAuth.NONE;
      case REQUEST -> io.vertx.core.http.ClientAuth.REQUEST;
      case REQUIRE -> io.vertx.core.http.ClientAuth.REQUIRED;
    };
  }
}
