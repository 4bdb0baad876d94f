package io.wstest.protocol;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Why a request to a WebSocket endpoint is not a valid RFC 6455 upgrade, in the terms of what a proxy on the way
 * did to it (dropped Upgrade/Connection, spoke HTTP/1.0 or HTTP/2, cleared the key), with a one-line fix for
 * nginx, HAProxy and ingress-nginx. Every problem the request has is listed; the first is its {@link Reason}, the
 * metric label.
 */
public final class UpgradeDiagnosis {

  /** RFC 6455 4.4: the one version served. */
  public static final String RFC6455_VERSION = "13";

  /** The bounded label set of {@code websocket_upgrades_rejected_total{reason}} for a 426; first match wins. */
  public enum Reason {
    HTTP_1_0("http_1_0"),
    HTTP_2("http_2"),
    METHOD("method"),
    MISSING_UPGRADE("missing_upgrade"),
    MISSING_CONNECTION_UPGRADE("missing_connection_upgrade"),
    VERSION("version"),
    KEY("key");

    public final String label;

    Reason(String label) {
      this.label = label;
    }
  }

  /** One thing missing or wrong: the header (or request part) concerned, what was expected, what arrived. */
  public record Problem(Reason reason, String field, String expected, String received, String message) {

    JsonObject toJson() {
      return new JsonObject().put("reason", reason.label).put("field", field).put("expected", expected)
        .put("received", received).put("message", message);
    }
  }

  private final List<Problem> problems;

  private UpgradeDiagnosis(List<Problem> problems) {
    this.problems = problems;
  }

  public static UpgradeDiagnosis of(HttpServerRequest request) {
    List<Problem> problems = new ArrayList<>();
    if (request.version() == HttpVersion.HTTP_1_0) {
      problems.add(new Problem(Reason.HTTP_1_0, "http_version", "HTTP/1.1", "HTTP/1.0",
        "the request arrived as HTTP/1.0, which has no upgrade (nginx proxies with HTTP/1.0 unless told "
          + "proxy_http_version 1.1)"));
    } else if (request.version() == HttpVersion.HTTP_2) {
      problems.add(new Problem(Reason.HTTP_2, "http_version", "HTTP/1.1", "HTTP/2",
        "the request arrived as HTTP/2 without RFC 8441 extended CONNECT; this service upgrades HTTP/1.1 only"));
    }
    if (request.method() != HttpMethod.GET) {
      problems.add(new Problem(Reason.METHOD, "method", "GET", request.method().name(),
        "a WebSocket upgrade is a GET request"));
    }
    List<String> upgrade = request.headers().getAll("Upgrade");
    if (!containsToken(upgrade, "websocket")) {
      problems.add(new Problem(Reason.MISSING_UPGRADE, "Upgrade", "websocket", joined(upgrade),
        upgrade.isEmpty() ? "the Upgrade header did not arrive: a proxy on the way dropped it (it is hop-by-hop)"
          : "the Upgrade header does not ask for websocket"));
    }
    List<String> connection = request.headers().getAll("Connection");
    if (!containsToken(connection, "upgrade")) {
      problems.add(new Problem(Reason.MISSING_CONNECTION_UPGRADE, "Connection", "Upgrade", joined(connection),
        "the Connection header does not name Upgrade: a proxy on the way replaced or dropped it (it is "
          + "hop-by-hop)"));
    }
    String version = request.getHeader("Sec-WebSocket-Version");
    if (!RFC6455_VERSION.equals(version == null ? null : version.trim())) {
      problems.add(new Problem(Reason.VERSION, "Sec-WebSocket-Version", RFC6455_VERSION, version,
        version == null ? "no Sec-WebSocket-Version: not an RFC 6455 client, or a proxy dropped the header"
          : "only WebSocket version 13 (RFC 6455) is served"));
    }
    String key = request.getHeader("Sec-WebSocket-Key");
    if (!validKey(key)) {
      problems.add(new Problem(Reason.KEY, "Sec-WebSocket-Key", "base64 of 16 random bytes", key,
        key == null ? "no Sec-WebSocket-Key: a proxy on the way dropped it, or not an RFC 6455 client"
          : "the Sec-WebSocket-Key is not base64 of 16 bytes"));
    }
    return new UpgradeDiagnosis(problems);
  }

  public boolean valid() {
    return problems.isEmpty();
  }

  public List<Problem> problems() {
    return problems;
  }

  /** The first problem's reason; only when not {@link #valid()}. */
  public Reason reason() {
    return problems.get(0).reason();
  }

  /**
   * The 426 body: the error (as before: {@code unsupported_websocket_version} when the version is the first
   * problem, else {@code upgrade_required}), every problem, the request as received, and the fix per balancer.
   */
  public JsonObject toJson(JsonObject receivedRequest) {
    JsonArray list = new JsonArray();
    problems.forEach(p -> list.add(p.toJson()));
    boolean version = reason() == Reason.VERSION;
    return new JsonObject()
      .put("error", version ? "unsupported_websocket_version" : "upgrade_required")
      .put("message", version ? "only WebSocket version 13 (RFC 6455) is served; send Sec-WebSocket-Version: 13"
        : "this endpoint speaks WebSocket and the request is not a valid upgrade: " + problems.get(0).message())
      .put("status", 426)
      .put("reason", reason().label)
      .put("problems", list)
      .put("request", receivedRequest)
      .put("fix", fix(reason()));
  }

  /** One line per balancer for the first problem. */
  static JsonObject fix(Reason reason) {
    return switch (reason) {
      case HTTP_1_0, MISSING_UPGRADE, MISSING_CONNECTION_UPGRADE -> new JsonObject()
        .put("nginx", "in the location: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; "
          + "proxy_set_header Connection \"upgrade\";")
        .put("haproxy", "mode http passes upgrades as is: remove 'option httpclose' and any http-request "
          + "del-header/set-header Upgrade or Connection on this path; set 'timeout tunnel 1h'")
        .put("ingress_nginx", "upgrades pass by default: remove configuration-snippet lines that set Upgrade or "
          + "Connection, and raise nginx.ingress.kubernetes.io/proxy-read-timeout for long-lived sockets");
      case HTTP_2 -> new JsonObject()
        .put("nginx", "proxy to the service with proxy_http_version 1.1 (nginx does not proxy WebSockets over "
          + "HTTP/2)")
        .put("haproxy", "talk HTTP/1.1 to the service: no 'proto h2' on the server line")
        .put("ingress_nginx", "keep nginx.ingress.kubernetes.io/backend-protocol at HTTP (not GRPC or HTTP2)");
      case METHOD -> new JsonObject()
        .put("nginx", "do not rewrite the method (no proxy_method) on the WebSocket location")
        .put("haproxy", "do not rewrite the method (no http-request set-method) on this path")
        .put("ingress_nginx", "do not rewrite the method in a configuration-snippet on this path");
      case VERSION, KEY -> new JsonObject()
        .put("nginx", "pass the client's Sec-WebSocket-* headers untouched (no proxy_set_header "
          + "Sec-WebSocket-Version/Key); the client must speak RFC 6455 (version 13)")
        .put("haproxy", "do not delete Sec-WebSocket-* headers (http-request del-header); the client must speak "
          + "RFC 6455 (version 13)")
        .put("ingress_nginx", "do not clear Sec-WebSocket-* headers in a configuration-snippet; the client must "
          + "speak RFC 6455 (version 13)");
    };
  }

  private static boolean containsToken(List<String> values, String token) {
    for (String value : values) {
      for (String part : value.split(",")) {
        if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String joined(List<String> values) {
    return values.isEmpty() ? null : String.join(", ", values);
  }

  private static boolean validKey(String key) {
    if (key == null) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key.trim()).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
