package io.wstest.client.handshake;

import io.vertx.core.json.JsonObject;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.ReportSettings;
import io.wstest.client.socket.WsTarget;
import io.wstest.options.InvalidOption;

import java.util.regex.Pattern;

/**
 * The checked settings of {@code test-lb handshake}.
 *
 * @param direct      a server reached without the balancer, or null
 * @param subprotocol the subprotocol to offer
 * @param origin      the Origin header to send
 * @param pings       round trips per path for the latency check
 */
public record HandshakeSettings(ConnectSettings connect, WsTarget direct, String subprotocol, String origin,
                                int pings, ReportSettings report) {

  public static final int MAX_PINGS = 1000;
  /** The message-size ladder stops here even when the server accepts more: bounded memory and time. */
  public static final int MAX_LADDER_BYTES = 16 * 1024 * 1024;
  /** Without a limit in the welcome, the ladder goes this far. */
  public static final int DEFAULT_LADDER_BYTES = 1024 * 1024;
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  public static HandshakeSettings from(ConnectOptions c, HandshakeOptions h, OutputOptions o, boolean terminal) {
    ConnectSettings connect = ConnectSettings.oneEndpoint(c, "handshake");
    WsTarget direct = null;
    if (h.direct != null) {
      try {
        direct = WsTarget.fromUrl(h.direct);
      } catch (IllegalArgumentException e) {
        throw new InvalidOption("--direct", e.getMessage());
      }
    }
    if (!TOKEN.matcher(h.subprotocol).matches()) {
      throw new InvalidOption("--subprotocol", "'" + h.subprotocol + "' is not a subprotocol name (an HTTP token)");
    }
    if (h.pings < 1 || h.pings > MAX_PINGS) {
      throw new InvalidOption("--pings", h.pings + " is not between 1 and " + MAX_PINGS);
    }
    WsTarget target = connect.target();
    String origin = h.origin != null ? h.origin : (target.ssl() ? "https://" : "http://") + target.hostPort();
    if (origin.indexOf('\r') >= 0 || origin.indexOf('\n') >= 0 || origin.isBlank()) {
      throw new InvalidOption("--origin", "the origin is empty or contains a line break");
    }
    return new HandshakeSettings(connect, direct, h.subprotocol, origin, h.pings, ReportSettings.from(o, terminal));
  }

  public JsonObject toJson() {
    return connect.toJson()
      .put("direct", direct == null ? null : direct.url())
      .put("subprotocol", subprotocol)
      .put("origin", origin)
      .put("pings", pings);
  }
}
