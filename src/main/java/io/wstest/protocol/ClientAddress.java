package io.wstest.protocol;

import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a connection came from, as far as the server can tell: the proxy chain from {@code X-Forwarded-For}
 * (or RFC 7239 {@code Forwarded}), the source of a PROXY protocol header, and the socket peer, which behind a load
 * balancer is the balancer itself. {@code client_ip} is the first of: the first X-Forwarded-For entry, the first
 * Forwarded {@code for=}, the PROXY header's source address, the peer.
 */
public record ClientAddress(String clientIp, String remoteAddress, List<String> forwardedFor) {

  public static ClientAddress of(MultiMap headers, SocketAddress peer) {
    return of(headers, peer, null);
  }

  /** @param proxySource the source address of the connection's PROXY protocol header, or null */
  public static ClientAddress of(MultiMap headers, SocketAddress peer, String proxySource) {
    String remote = peer == null ? "unknown" : peer.hostAddress();
    List<String> chain = forwardedChain(headers);
    String client = !chain.isEmpty() ? chain.get(0) : proxySource != null ? proxySource : remote;
    return new ClientAddress(client, remote, chain);
  }

  static List<String> forwardedChain(MultiMap headers) {
    List<String> chain = new ArrayList<>();
    for (String value : headers.getAll("X-Forwarded-For")) {
      for (String part : value.split(",")) {
        String address = part.trim();
        if (!address.isEmpty()) {
          chain.add(address);
        }
      }
    }
    if (!chain.isEmpty()) {
      return chain;
    }
    for (String value : headers.getAll("Forwarded")) {
      for (String element : value.split(",")) {
        for (String pair : element.split(";")) {
          int eq = pair.indexOf('=');
          if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
            String node = stripForwardedNode(pair.substring(eq + 1).trim());
            if (!node.isEmpty()) {
              chain.add(node);
            }
          }
        }
      }
    }
    return chain;
  }

  /** {@code "[2001:db8::1]:4711"} → {@code 2001:db8::1}; {@code 192.0.2.60:80} → {@code 192.0.2.60}. */
  private static String stripForwardedNode(String node) {
    String n = node;
    if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
      n = n.substring(1, n.length() - 1);
    }
    if (n.startsWith("[")) {
      int end = n.indexOf(']');
      return end > 0 ? n.substring(1, end) : n;
    }
    int colon = n.indexOf(':');
    if (colon > 0 && n.indexOf(':', colon + 1) < 0) {
      return n.substring(0, colon);
    }
    return n;
  }
}
