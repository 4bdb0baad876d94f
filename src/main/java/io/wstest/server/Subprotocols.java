package io.wstest.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SUBPROTOCOLS: {@code *} selects whatever the client offers first (so a browser app's subprotocol always
 * connects), a comma list the client's first offer that is in it, {@code none} never one. Netty's handshaker does
 * the selection per request: "*" is its wildcard, a list its supported set.
 */
final class Subprotocols {

  static final String ANY = "*";

  private Subprotocols() {
  }

  static List<String> parse(String raw) {
    String value = raw.trim();
    if (value.equals(ANY)) {
      return List.of(ANY);
    }
    if (value.toLowerCase(Locale.ROOT).equals("none")) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      if (!isToken(name)) {
        throw new IllegalArgumentException("expected *, none or a comma list of subprotocol names (HTTP tokens)");
      }
      names.add(name);
    }
    return List.copyOf(names);
  }

  /** RFC 9110 token: what Sec-WebSocket-Protocol allows. */
  private static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
