package io.wstest.client.sticky;

import io.vertx.core.json.JsonObject;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.socket.WsTarget;
import io.wstest.options.Fractions;
import io.wstest.options.InvalidOption;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sticky scenario's settings, checked: one endpoint (http by default), K connections, the pass threshold and
 * whether the control run happens. {@code --header 'Cookie: ...'} values seed the cookie jar; every other
 * {@code --header} is sent as it is. Both are affinity the replay run carries and the control run leaves out.
 */
public record StickySettings(ConnectSettings connect, int connections, double minSticky, boolean control) {

  public static final int MAX_CONNECTIONS = 10_000;

  public static StickySettings from(ConnectOptions c, int connections, double minSticky, boolean control) {
    ConnectSettings connect = ConnectSettings.oneEndpoint(c, "sticky");
    if (connections < 2 || connections > MAX_CONNECTIONS) {
      throw new InvalidOption("--connections", connections + " is outside 2.." + MAX_CONNECTIONS
        + " (stickiness needs a first connection and at least one more)");
    }
    return new StickySettings(connect, connections, Fractions.parse("--min-sticky", minSticky, 0, 1), control);
  }

  public WsTarget target() {
    return connect.target();
  }

  /** The {@code --header} values that are cookies (they go into the jar, merged with what the LB sets). */
  public List<String> headerCookies() {
    List<String> cookies = new ArrayList<>();
    connect.headers().forEach(h -> {
      if (isCookie(h)) {
        cookies.add(h.getValue());
      }
    });
    return cookies;
  }

  /** Every other {@code --header}: sent as given on each replay-run handshake. */
  public List<Map.Entry<String, String>> otherHeaders() {
    return connect.headers().stream().filter(h -> !isCookie(h)).toList();
  }

  private static boolean isCookie(Map.Entry<String, String> header) {
    return header.getKey().equalsIgnoreCase("Cookie");
  }

  public JsonObject toJson() {
    return connect.toJson()
      .put("connections", connections)
      .put("mode", "sequential")
      .put("min_sticky", minSticky)
      .put("control", control);
  }
}
