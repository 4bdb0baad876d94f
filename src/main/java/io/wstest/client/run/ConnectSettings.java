package io.wstest.client.run;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.WsTarget;
import io.wstest.options.Durations;
import io.wstest.options.InvalidOption;
import io.wstest.options.SafeEcho;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where every test-lb scenario connects, checked and resolved from {@link ConnectOptions}: the WebSocket
 * endpoints, the health-check target, extra headers, the per-step timeout and TLS trust.
 */
public record ConnectSettings(List<WsTarget> targets, WsTarget healthTarget, List<Map.Entry<String, String>> headers,
                              Duration timeout, boolean insecure) {

  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  /**
   * @param defaultEndpoint the scenario's choice when {@code --endpoint} is not given: {@code http}, {@code raw}
   *                        or {@code both}
   */
  public static ConnectSettings from(ConnectOptions c, String defaultEndpoint) {
    List<WsTarget> targets = targets(c, c.endpoint == null ? defaultEndpoint : c.endpoint);
    WsTarget health = c.url != null ? targets.get(0) : new WsTarget("http", false, c.host, c.httpPort, "/ws");
    return new ConnectSettings(targets, health, headers(c.headers), parseTimeout(c.timeout), c.insecure);
  }

  /**
   * For scenarios that measure one endpoint: {@code --endpoint} http (the default) or raw, or {@code --url};
   * {@code both} is refused naming the flag.
   */
  public static ConnectSettings oneEndpoint(ConnectOptions c, String scenario) {
    ConnectSettings settings = from(c, "http");
    if (settings.targets().size() != 1) {
      throw new InvalidOption("--endpoint", scenario + " tests one endpoint: http or raw (run it once for each)");
    }
    return settings;
  }

  /** The one endpoint of a {@link #oneEndpoint} scenario. */
  public WsTarget target() {
    return targets.get(0);
  }

  private static List<WsTarget> targets(ConnectOptions c, String endpoint) {
    if (c.url != null) {
      try {
        return List.of(WsTarget.fromUrl(c.url));
      } catch (IllegalArgumentException e) {
        throw new InvalidOption("--url", e.getMessage());
      }
    }
    if (c.host == null || c.host.isBlank() || c.host.contains("/")) {
      throw new InvalidOption("--host", "'" + c.host + "' is not a host name or address (use --url for URLs)");
    }
    checkPort("--http-port", c.httpPort);
    checkPort("--ws-port", c.wsPort);
    WsTarget http = new WsTarget("http", false, c.host, c.httpPort, "/ws");
    WsTarget raw = new WsTarget("raw", false, c.host, c.wsPort, "/");
    return switch (endpoint.toLowerCase(Locale.ROOT)) {
      case "http" -> List.of(http);
      case "raw" -> List.of(raw);
      case "both" -> List.of(http, raw);
      default -> throw new InvalidOption("--endpoint", "'" + endpoint + "' is not one of http, raw, both");
    };
  }

  private static void checkPort(String flag, int port) {
    if (port < 1 || port > 65535) {
      throw new InvalidOption(flag, port + " is not a port (1-65535)");
    }
  }

  private static String ordinal(int n) {
    int tens = n % 100;
    String suffix = tens >= 11 && tens <= 13 ? "th" : switch (n % 10) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    };
    return n + suffix;
  }

  public static List<Map.Entry<String, String>> headers(List<String> raw) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String header = raw.get(i);
      int colon = header.indexOf(':');
      String name = colon > 0 ? header.substring(0, colon).trim() : "";
      if (!HEADER_NAME.matcher(name).matches()) {
        // not echoed: headers carry credentials (Authorization, Cookie) and a missing colon leaves no name to show
        throw new InvalidOption("--header", "the " + ordinal(i + 1) + " --header is not a header name, a colon"
          + " and the value (it is not shown here: headers often carry credentials)");
      }
      String value = header.substring(colon + 1).trim();
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new InvalidOption("--header", "the value of the " + name + " header contains a line break");
      }
      headers.add(Map.entry(name, value));
    }
    return List.copyOf(headers);
  }

  public static Duration parseTimeout(String text) {
    return Durations.parse("--timeout", text, MIN_TIMEOUT, MAX_TIMEOUT);
  }

  static Duration parseTimeout(Duration timeout) {
    return Durations.parse("--timeout", timeout, MIN_TIMEOUT, MAX_TIMEOUT);
  }

  public JsonObject toJson() {
    JsonArray urls = new JsonArray();
    targets.forEach(t -> urls.add(new JsonObject().put("name", t.name()).put("url", t.url())));
    JsonArray headerList = new JsonArray();
    // credentials stay out of report files; a Cookie (the load balancer's routing cookie, as a rule) is shown
    headers.forEach(h -> headerList.add(shownHeader(h.getKey(), h.getValue())));
    return new JsonObject()
      .put("endpoints", urls)
      .put("health_url", healthTarget.healthUrl())
      .put("headers", headerList)
      .put("timeout_ms", timeout.toMillis())
      .put("insecure", insecure);
  }

  /**
   * A header as reports and the console show it: "Name: value", or for credential headers (Authorization, names
   * with token, key, secret, password) the value described, not shown. A Cookie is shown: it is the load
   * balancer's routing cookie, as a rule.
   */
  public static String shownHeader(String name, String value) {
    return name + ": " + (SafeEcho.isSecretName(name) && !name.equalsIgnoreCase("Cookie")
      ? SafeEcho.describe(value) : value);
  }
}
