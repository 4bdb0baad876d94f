package io.wstest.client.idle;

import io.wstest.options.DurationConverter;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The idle-timeout scenario's own flags (picocli mixin); checked and resolved by {@link IdleTimeoutSettings}.
 * Defaults that depend on the mode are applied there, so a flag that does not fit the mode can be rejected.
 */
public final class IdleTimeoutOptions {

  @Option(names = {"-n", "--connections", "--sockets"}, paramLabel = "N",
    description = "Until-cut mode: silent sockets held per keepalive mode (1-" + IdleTimeoutSettings.MAX_SOCKETS
      + ", default: " + IdleTimeoutSettings.DEFAULT_SOCKETS + ").")
  Integer sockets;

  @Option(names = "--max-idle", paramLabel = "DURATION", converter = DurationConverter.class,
    description = "Until-cut mode: how long to wait for the load balancer to cut a socket (100ms-1h, default: "
      + IdleTimeoutSettings.DEFAULT_MAX_IDLE + "). A socket still open then is probed with a ping message "
      + "and counts as survived if the pong comes back.")
  Duration maxIdle;

  @Option(names = "--ladder", paramLabel = "D1,D2,...",
    description = "Ladder mode instead of until-cut: for each duration one socket stays idle that long, then sends "
      + "a ping message that must be answered, e.g. 30s,60s,90s,120s (at most " + IdleTimeoutSettings.MAX_RUNGS
      + " rungs, run at the same time). Reports the last rung that survived and the first that failed.")
  String ladder;

  @Option(names = "--keepalive", paramLabel = "none|ping|data[,...]", defaultValue = "none",
    description = "What each socket sends while idle: none (silent), ping (WebSocket ping frames), data (a JSON "
      + "ping message the server answers). A comma list compares several in one run, e.g. none,ping "
      + "(default: ${DEFAULT-VALUE}).")
  String keepalive;

  @Option(names = "--keepalive-interval", paramLabel = "DURATION", converter = DurationConverter.class,
    description = "How often ping and data keepalives are sent (100ms-10m, default: "
      + IdleTimeoutSettings.DEFAULT_KEEPALIVE_INTERVAL + "; must be shorter than the longest idle time).")
  Duration keepaliveInterval;

  @Option(names = "--min-idle", paramLabel = "DURATION", converter = DurationConverter.class,
    description = "Fail (exit 1) unless silent sockets are shown to survive DURATION: one was cut sooner, or none "
      + "lasted that long (needs none among --keepalive).")
  Duration minIdle;

  @Option(names = "--expect-keepalive-survives",
    description = "Fail (exit 1) when a socket with a ping or data keepalive did not survive the whole idle time.")
  boolean expectKeepaliveSurvives;
}
