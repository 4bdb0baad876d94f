package io.wstest.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * test-lb's options, checked and resolved: the endpoints to test, the health-check URL, headers, limits and
 * pass criteria. {@link #from} throws {@link InvalidOption} naming the flag when a value is unusable.
 */
public record TestLbSettings(
  List<WsTarget> targets,
  WsTarget healthTarget,
  List<Map.Entry<String, String>> headers,
  Duration timeout,
  boolean insecure,
  int connections,
  boolean hold,
  int concurrency,
  int expectInstances,
  boolean expectInstancesGiven,
  Double maxSkew,
  Weights weights,
  Path jsonFile,
  boolean emoji) {

  public static final int MAX_CONNECTIONS = 10_000;
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** A value the user gave that cannot be used; the message starts with the flag. */
  public static final class InvalidOption extends RuntimeException {
    public InvalidOption(String flag, String message) {
      super("Invalid value for option '" + flag + "': " + message);
    }
  }

  public static TestLbSettings from(ConnectOptions c, SpreadOptions s, OutputOptions o, boolean terminal) {
    List<WsTarget> targets = targets(c);
    WsTarget health = c.url != null ? targets.get(0) : new WsTarget("http", false, c.host, c.httpPort, "/ws");
    if (s.connections < 1 || s.connections > MAX_CONNECTIONS) {
      throw new InvalidOption("--connections", s.connections + " is outside 1.." + MAX_CONNECTIONS);
    }
    if (s.concurrency < 1 || s.concurrency > MAX_CONNECTIONS) {
      throw new InvalidOption("--concurrency", s.concurrency + " is outside 1.." + MAX_CONNECTIONS);
    }
    if (s.expectInstances != null && s.expectInstances < 1) {
      throw new InvalidOption("--expect-instances", "must be 1 or more");
    }
    if (s.maxSkew != null && !(s.maxSkew >= 1)) {
      throw new InvalidOption("--max-skew", "must be 1 or more (1 = perfectly even)");
    }
    Weights weights = null;
    if (s.weights != null) {
      try {
        weights = Weights.parse(s.weights);
      } catch (IllegalArgumentException e) {
        throw new InvalidOption("--weights", e.getMessage());
      }
    }
    return new TestLbSettings(targets, health, headers(c.headers), parseTimeout(c.timeout), c.insecure,
      s.connections, s.hold, s.concurrency, s.expectInstances == null ? 2 : s.expectInstances,
      s.expectInstances != null, s.maxSkew, weights, o.json, terminal && !o.noEmoji);
  }

  private static List<WsTarget> targets(ConnectOptions c) {
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
    switch (c.endpoint.toLowerCase(Locale.ROOT)) {
      case "http":
        return List.of(http);
      case "raw":
        return List.of(raw);
      case "both":
        return List.of(http, raw);
      default:
        throw new InvalidOption("--endpoint", "'" + c.endpoint + "' is not one of http, raw, both");
    }
  }

  private static void checkPort(String flag, int port) {
    if (port < 1 || port > 65535) {
      throw new InvalidOption(flag, port + " is not a port (1-65535)");
    }
  }

  static List<Map.Entry<String, String>> headers(List<String> raw) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (String header : raw) {
      int colon = header.indexOf(':');
      String name = colon > 0 ? header.substring(0, colon).trim() : "";
      if (!HEADER_NAME.matcher(name).matches()) {
        throw new InvalidOption("--header", "'" + header + "' is not 'Name: value'");
      }
      String value = header.substring(colon + 1).trim();
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new InvalidOption("--header", "the value of '" + name + "' contains a line break");
      }
      headers.add(Map.entry(name, value));
    }
    return List.copyOf(headers);
  }

  static Duration parseTimeout(String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new InvalidOption("--timeout", "'" + text + "' is not a duration such as 500ms, 5s or 1m");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = amount * (unit.equals("ms") ? 1 : unit.equals("s") ? 1000 : 60_000);
    if (millis < 1 || millis > 600_000) {
      throw new InvalidOption("--timeout", "'" + text + "' is outside 1ms..10m");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  public JsonObject toJson() {
    JsonArray urls = new JsonArray();
    targets.forEach(t -> urls.add(new JsonObject().put("name", t.name()).put("url", t.url())));
    JsonArray headerList = new JsonArray();
    headers.forEach(h -> headerList.add(h.getKey() + ": " + h.getValue()));
    return new JsonObject()
      .put("endpoints", urls)
      .put("health_url", healthTarget.healthUrl())
      .put("headers", headerList)
      .put("timeout_ms", timeout.toMillis())
      .put("insecure", insecure)
      .put("connections", connections)
      .put("mode", hold ? "hold" : "sequential")
      .put("concurrency", concurrency)
      .put("expect_instances", expectInstances)
      .put("max_skew", maxSkew)
      .put("weights", weights == null ? null : weights.toJson());
  }
}
