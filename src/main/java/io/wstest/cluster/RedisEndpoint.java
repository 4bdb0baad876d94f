package io.wstest.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where Redis is: a {@code redis://} or {@code rediss://} (TLS) URL, {@code [user[:password]@]host[:port][/db]}.
 * The password, when the URL carries one, is kept apart: {@link #toString()} and {@link #masked()} show
 * {@code ***} in its place, so the URL can be logged and put in error messages.
 */
public final class RedisEndpoint {

  private final String scheme;
  private final String user;
  private final String password;
  private final String host;
  private final int port;
  private final String path;

  private RedisEndpoint(String scheme, String user, String password, String host, int port, String path) {
    this.scheme = scheme;
    this.user = user;
    this.password = password;
    this.host = host;
    this.port = port;
    this.path = path;
  }

  /** Parses REDIS_URL; the exception's message says what was expected and never repeats the value. */
  public static RedisEndpoint parse(String raw) {
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("expected redis://[user:password@]host[:port][/db] or rediss://...");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new IllegalArgumentException("expected a redis:// or rediss:// URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("expected a host: redis://host:6379");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.isEmpty() && !path.matches("/\\d*")) {
      throw new IllegalArgumentException("expected nothing after the port but a database number, e.g. /0");
    }
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
      if (user.isEmpty()) {
        user = null;
      }
      if (password != null && password.isEmpty()) {
        password = null;
      }
    }
    int port = uri.getPort() < 0 ? 6379 : uri.getPort();
    return new RedisEndpoint(scheme, user, password, uri.getHost(), port, path);
  }

  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The password written in the URL, or null. */
  public String password() {
    return password;
  }

  public boolean tls() {
    return scheme.equals("rediss");
  }

  /** The URL for the Redis client, without the password (given to the client separately). */
  String withoutPassword() {
    return scheme + "://" + (user == null ? "" : user + "@") + hostPort() + path;
  }

  /** The URL as it may be shown: the password, if any, replaced by {@code ***}. */
  public String masked() {
    String userInfo = user == null && password == null ? ""
      : (user == null ? "" : user) + (password == null ? "" : ":***") + "@";
    return scheme + "://" + userInfo + hostPort() + path;
  }

  private String hostPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return masked();
  }
}
