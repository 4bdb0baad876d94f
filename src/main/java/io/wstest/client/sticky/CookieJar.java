package io.wstest.client.sticky;

import io.netty.handler.codec.http.cookie.ClientCookieDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.WsTarget;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The cookies a sticky client keeps for one site, as a browser would (RFC 6265, the parts a load balancer's
 * affinity cookie needs): each {@code Set-Cookie} of a handshake response is stored (parsed by Netty's client
 * decoder), a later one with the same name, domain and path replaces it, {@code Max-Age=0} or a past
 * {@code Expires} removes it, and each request gets one {@code Cookie} header with the cookies whose domain, path,
 * {@code Secure} flag and lifetime fit its URL. Cookies given with {@code --header 'Cookie: ...'} are stored first,
 * as if an earlier visit had set them. Only used on one Vert.x context at a time.
 */
public final class CookieJar {

  private static final Pattern IP_ADDRESS = Pattern.compile("[0-9.]+|.*:.*");

  /**
   * One stored cookie and where it came from.
   *
   * @param domain    the Domain attribute (lower case, no leading dot), or null: only the host that set it
   * @param setBy     the connection whose handshake response set it; 0 for a cookie from {@code --header}
   * @param setCookie the Set-Cookie header as received (null for {@code --header} cookies)
   * @param expiresAtMillis when it expires (from Max-Age or Expires), or null for a session cookie
   */
  public record StoredCookie(String name, String value, String domain, String path, boolean secure, boolean httpOnly,
                      String sameSite, Long expiresAtMillis, int setBy, String setCookie) {

    boolean fromHeader() {
      return setBy == 0;
    }

    JsonObject toJson() {
      return new JsonObject().put("name", name).put("value", value).put("domain", domain).put("path", path)
        .put("secure", secure).put("http_only", httpOnly).put("same_site", sameSite)
        .put("expires_at_ms", expiresAtMillis).put("set_by_connection", fromHeader() ? null : setBy)
        .put("origin", fromHeader() ? "header" : "set-cookie").put("set_cookie", setCookie);
    }
  }

  /** A Set-Cookie the jar did not store, and why (a browser would not have stored it either). */
  public record Ignored(String setCookie, int connection, String reason) {
    JsonObject toJson() {
      return new JsonObject().put("set_cookie", setCookie).put("connection", connection).put("reason", reason);
    }
  }

  private final LongSupplier clockMillis;
  private final List<StoredCookie> cookies = new ArrayList<>();
  private final List<StoredCookie> everSet = new ArrayList<>();
  private final List<Ignored> ignored = new ArrayList<>();

  CookieJar(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  CookieJar() {
    this(System::currentTimeMillis);
  }

  /** Stores the cookies of a {@code Cookie: a=1; b=2} request header value (any host, any path). */
  public void seed(String cookieHeader) {
    for (String pair : cookieHeader.split(";")) {
      int eq = pair.indexOf('=');
      String name = eq > 0 ? pair.substring(0, eq).trim() : "";
      if (!name.isEmpty()) {
        store(new StoredCookie(name, pair.substring(eq + 1).trim(), null, "/", false, false, null, null, 0, null));
      }
    }
  }

  /** Takes the Set-Cookie headers of connection {@code index}'s handshake response with {@code target}. */
  public void receive(WsTarget target, int index, List<String> setCookies) {
    for (String header : setCookies) {
      Cookie cookie = ClientCookieDecoder.LAX.decode(header);
      if (cookie == null) {
        ignored.add(new Ignored(header, index, "not a valid Set-Cookie"));
        continue;
      }
      String domain = cookie.domain() == null ? null
        : cookie.domain().toLowerCase(Locale.ROOT).replaceFirst("^\\.", "");
      if (domain != null && !domainMatches(target.host(), domain)) {
        ignored.add(new Ignored(header, index, "Domain=" + cookie.domain() + " does not cover " + target.host()));
        continue;
      }
      String path = cookie.path() == null || !cookie.path().startsWith("/") ? defaultPath(target.path()) : cookie.path();
      long maxAge = cookie.maxAge();
      Long expires = maxAge == Cookie.UNDEFINED_MAX_AGE ? null : clockMillis.getAsLong() + maxAge * 1000;
      String sameSite = cookie instanceof DefaultCookie c && c.sameSite() != null ? c.sameSite().name() : null;
      StoredCookie stored = new StoredCookie(cookie.name(), cookie.value(), domain, path, cookie.isSecure(),
        cookie.isHttpOnly(), sameSite, expires, index, header);
      everSet.add(stored);
      if (maxAge != Cookie.UNDEFINED_MAX_AGE && maxAge <= 0) {
        cookies.removeIf(c -> sameSlot(c, stored));
      } else {
        store(stored);
      }
    }
  }

  /** The Cookie header value for a request to {@code target}, or null when no stored cookie fits it. */
  public String cookieHeader(WsTarget target) {
    long now = clockMillis.getAsLong();
    cookies.removeIf(c -> c.expiresAtMillis() != null && c.expiresAtMillis() <= now);
    String requestPath = requestPath(target.path());
    String header = cookies.stream()
      .filter(c -> (c.domain() == null || domainMatches(target.host(), c.domain()))
        && pathMatches(requestPath, c.path()) && (!c.secure() || target.ssl()))
      // RFC 6265 5.4: longer paths first; the list is already in creation order otherwise
      .sorted(Comparator.comparingInt((StoredCookie c) -> c.path().length()).reversed())
      .map(c -> c.name() + "=" + c.value())
      .collect(Collectors.joining("; "));
    return header.isEmpty() ? null : header;
  }

  /** Every cookie a Set-Cookie stored, in the order received (replaced and removed ones included). */
  public List<StoredCookie> everSet() {
    return List.copyOf(everSet);
  }

  /** The cookies held now, in creation order. */
  public List<StoredCookie> cookies() {
    return List.copyOf(cookies);
  }

  public List<Ignored> ignored() {
    return List.copyOf(ignored);
  }

  /** Why a stored cookie would not go with requests to {@code target}, or null when it does. */
  public static String notSentReason(StoredCookie cookie, WsTarget target) {
    if (cookie.secure() && !target.ssl()) {
      return "Secure cookie, and " + target.url() + " is not wss://";
    }
    if (!pathMatches(requestPath(target.path()), cookie.path())) {
      return "Path=" + cookie.path() + " does not cover " + requestPath(target.path());
    }
    return null;
  }

  private void store(StoredCookie cookie) {
    for (int i = 0; i < cookies.size(); i++) {
      if (sameSlot(cookies.get(i), cookie)) {
        cookies.set(i, cookie);
        return;
      }
    }
    cookies.add(cookie);
  }

  /** Same name, domain and path: the later cookie replaces the earlier one (a --header cookie by name alone). */
  private static boolean sameSlot(StoredCookie a, StoredCookie b) {
    return a.name().equals(b.name()) && (a.fromHeader() || b.fromHeader()
      || (java.util.Objects.equals(a.domain(), b.domain()) && a.path().equals(b.path())));
  }

  public static boolean domainMatches(String host, String domain) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals(domain) || (!IP_ADDRESS.matcher(h).matches() && h.endsWith("." + domain));
  }

  /** RFC 6265 5.1.4: the directory of the request path, "/" at the top. */
  public static String defaultPath(String uriPath) {
    String path = requestPath(uriPath);
    int last = path.lastIndexOf('/');
    return last <= 0 ? "/" : path.substring(0, last);
  }

  public static boolean pathMatches(String requestPath, String cookiePath) {
    return requestPath.equals(cookiePath) || (requestPath.startsWith(cookiePath)
      && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/'));
  }

  private static String requestPath(String uriPath) {
    int query = uriPath.indexOf('?');
    String path = query >= 0 ? uriPath.substring(0, query) : uriPath;
    return path.startsWith("/") ? path : "/";
  }
}
