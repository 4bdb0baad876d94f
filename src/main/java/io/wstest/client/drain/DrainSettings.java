package io.wstest.client.drain;

import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.socket.WsTarget;
import io.wstest.options.Durations;
import io.wstest.options.InvalidOption;

import java.time.Duration;
import java.util.Map;

/**
 * {@code test-lb drain}'s settings, checked: where to connect, and the rehearsal's. {@link #from} throws
 * {@link InvalidOption} naming the flag (or {@code ADMIN_TOKEN}) of an unusable value, and never repeats a token.
 */
public record DrainSettings(ConnectSettings connect, DrainRehearsalSettings rehearsal) {

  /** @param env the environment ({@code System.getenv()}; a map in tests) */
  public static DrainSettings from(ConnectOptions c, DrainOptions d, Map<String, String> env) {
    ConnectSettings connect = ConnectSettings.oneEndpoint(c, "drain");
    String token = d.adminToken.resolve(env);
    Duration budget = Durations.parse("--budget", d.budget, DrainRehearsalSettings.MIN_BUDGET,
      DrainRehearsalSettings.MAX_BUDGET);
    if (d.sockets < 1 || d.sockets > DrainRehearsalSettings.MAX_SOCKETS) {
      throw new InvalidOption("--connections", d.sockets + " is outside 1.." + DrainRehearsalSettings.MAX_SOCKETS);
    }
    if (!(d.rate > 0 && d.rate <= DrainRehearsalSettings.MAX_RATE)) {
      throw new InvalidOption("--rate", d.rate + " is not above 0 and at most 50 messages per second");
    }
    WsTarget direct = null;
    if (d.direct != null) {
      try {
        direct = WsTarget.fromUrl(d.direct);
      } catch (IllegalArgumentException e) {
        throw new InvalidOption("--direct", e.getMessage());
      }
    }
    return new DrainSettings(connect, new DrainRehearsalSettings(token, budget, d.sockets, d.rate, direct));
  }
}
