package io.wstest.client.socket;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one WebSocket told us: which instance served it (from the welcome), how the server saw the client (the
 * forwarded chain through the proxy), and how long the handshake and the ping took; or why it failed.
 *
 * @param welcome   the welcome message as received, or null when none arrived
 * @param handshake the attempt's own request headers and the 101 response's headers
 */
public record ConnectionResult(int index, String endpoint, String url, Welcome welcome, Double connectMs,
                               Double pingMs, Failure failure, Handshake handshake) {

  /**
   * @param sentHeaders     the request headers this attempt added to the runner's (for example a replayed Cookie)
   * @param responseHeaders the handshake response's headers (for example Set-Cookie); empty when no 101 came
   */
  public record Handshake(List<Map.Entry<String, String>> sentHeaders, List<Map.Entry<String, String>> responseHeaders) {
    public static final Handshake NONE = new Handshake(List.of(), List.of());

    /** The values of one response header, named case-insensitively, in the order received. */
    public List<String> response(String name) {
      return values(responseHeaders, name);
    }

    /** The values of one request header this attempt sent, named case-insensitively. */
    public List<String> sent(String name) {
      return values(sentHeaders, name);
    }

    private static List<String> values(List<Map.Entry<String, String>> headers, String name) {
      String lower = name.toLowerCase(Locale.ROOT);
      return headers.stream().filter(h -> h.getKey().toLowerCase(Locale.ROOT).equals(lower))
        .map(Map.Entry::getValue).toList();
    }
  }

  /** A result whose attempt added no headers of its own and kept no response headers. */
  public ConnectionResult(int index, String endpoint, String url, Welcome welcome, Double connectMs,
                          Double pingMs, Failure failure) {
    this(index, endpoint, url, welcome, connectMs, pingMs, failure, Handshake.NONE);
  }

  public boolean ok() {
    return failure == null;
  }

  public String instanceId() {
    return welcome == null ? null : welcome.instanceId();
  }

  public JsonObject identity() {
    return welcome == null ? new JsonObject() : welcome.identity();
  }

  /** The name people know the instance by: display_name, else the instance id. */
  public String displayName() {
    return welcome == null ? null : welcome.displayName();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("index", index)
      .put("endpoint", endpoint)
      .put("url", url)
      .put("ok", ok());
    if (welcome != null) {
      json.put(Fields.INSTANCE_ID, instanceId())
        .put(Fields.DISPLAY_NAME, displayName())
        .put(Fields.POD_NAME, welcome.podName())
        .put(Fields.SERVER, welcome.server())
        .put(Fields.CONNECTION_ID, welcome.connectionId())
        .put(Fields.CLIENT_IP, welcome.clientIp())
        .put(Fields.REMOTE_ADDRESS, welcome.remoteAddress())
        .put(Fields.FORWARDED_FOR, new JsonArray(new ArrayList<>(welcome.forwardedFor())));
    }
    if (connectMs != null) {
      json.put("connect_ms", round(connectMs));
    }
    if (pingMs != null) {
      json.put("ping_ms", round(pingMs));
    }
    if (failure != null) {
      json.put("failure", failure.toJson());
    }
    return json;
  }

  /** Milliseconds to the microsecond, as every latency in the reports. */
  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }
}
