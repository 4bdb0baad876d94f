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

  /** The service's name for its token; test-lb reads the same variable when --admin-token is not given. */
  public static final String ADMIN_TOKEN_ENV = "ADMIN_TOKEN";

  /** @param env the environment ({@code System.getenv()}; a map in tests) */
  public static DrainSettings from(ConnectOptions c, DrainOptions d, Map<String, String> env) {
    ConnectSettings connect = ConnectSettings.oneEndpoint(c, "drain");
    String token = d.adminToken != null ? token("--admin-token", d.adminToken)
      : env.get(ADMIN_TOKEN_ENV) != null ? token(ADMIN_TOKEN_ENV, env.get(ADMIN_TOKEN_ENV)) : null;
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

  /**
   * The token as the service takes it: surrounding white space (a secret file's last line break) trimmed, then
   * printable ASCII without spaces, since it travels in a header. The message never contains the value.
   */
  static String token(String source, String raw) {
    String token = raw.trim();
    if (token.isEmpty()) {
      throw new InvalidOption(source, "is empty (leave it out when the service has no ADMIN_TOKEN)");
    }
    for (int i = 0; i < token.length(); i++) {
      char ch = token.charAt(i);
      if (ch <= ' ' || ch > '~') {
        throw new InvalidOption(source, "a token of printable ASCII without spaces is expected: character " + (i + 1)
          + " of " + token.length() + " is a space, a control character or not ASCII (the value is not shown)");
      }
    }
    return token;
  }
}
