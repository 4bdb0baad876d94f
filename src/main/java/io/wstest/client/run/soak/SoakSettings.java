package io.wstest.client.run.soak;

import io.vertx.core.json.JsonObject;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.ConnectSettings;
import io.wstest.options.Durations;
import io.wstest.options.InvalidOption;

import java.time.Duration;
import java.util.Locale;

/**
 * The soak scenario's settings, checked: where to connect, how many sockets send how fast for how long, how they
 * reconnect, and the pass criteria. {@link #from} throws {@link InvalidOption} naming the flag of an unusable value.
 *
 * @param rate messages per second per socket; 0 = the sockets only stay open
 */
public record SoakSettings(
  ConnectSettings connect,
  int sockets,
  double rate,
  Duration duration,
  Duration rampUp,
  Duration backoffMin,
  Duration backoffMax,
  long maxLost,
  long maxAbnormalCloses,
  Duration clusterBroadcastEvery) {

  public static final int MAX_SOCKETS = 10_000;
  public static final double MAX_RATE = 100;
  public static final String MAX_RATE_TEXT = "100";
  /** Messages per second over all sockets: bounds what one test-lb process asks of itself and the target. */
  public static final double MAX_TOTAL_RATE = 50_000;
  public static final String MAX_TOTAL_RATE_TEXT = "50000";
  public static final Duration MIN_DURATION = Duration.ofSeconds(1);
  public static final Duration MAX_DURATION = Duration.ofHours(1);
  public static final Duration DEFAULT_RAMP_UP = Duration.ofSeconds(1);
  /** Ten a second at most: the service's default BROADCAST_RATE for one socket. */
  public static final Duration MIN_CLUSTER_BROADCAST_EVERY = Duration.ofMillis(100);
  public static final Duration MIN_BACKOFF = Duration.ofMillis(1);
  public static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  public static SoakSettings from(ConnectOptions c, SoakOptions s) {
    ConnectSettings connect = ConnectSettings.from(c, "http");
    if (s.sockets < 1 || s.sockets > MAX_SOCKETS) {
      throw new InvalidOption("--connections", s.sockets + " is outside 1.." + MAX_SOCKETS);
    }
    double rate = parseRate(s.rate);
    if (rate * s.sockets > MAX_TOTAL_RATE) {
      throw new InvalidOption("--rate", String.format(Locale.ROOT,
        "%s per socket with %d sockets is %.0f messages per second; at most %.0f in all", s.rate, s.sockets,
        rate * s.sockets, MAX_TOTAL_RATE));
    }
    Duration duration = Durations.parse("--duration", s.duration, MIN_DURATION, MAX_DURATION);
    Duration longestRampUp = duration.dividedBy(10);
    Duration rampUp = s.rampUp == null
      ? (DEFAULT_RAMP_UP.compareTo(longestRampUp) < 0 ? DEFAULT_RAMP_UP : longestRampUp)
      : Durations.parse("--ramp-up", s.rampUp, Duration.ZERO, longestRampUp);
    Duration backoffMin = Durations.parse("--backoff-min", s.backoffMin, MIN_BACKOFF, MAX_BACKOFF);
    Duration backoffMax = Durations.parse("--backoff-max", s.backoffMax, MIN_BACKOFF, MAX_BACKOFF);
    if (backoffMax.compareTo(backoffMin) < 0) {
      throw new InvalidOption("--backoff-max", "'" + Durations.format(s.backoffMax) + "' is shorter than --backoff-min "
        + Durations.format(backoffMin));
    }
    if (s.maxLost < 0) {
      throw new InvalidOption("--max-lost", "must be 0 or more");
    }
    if (s.maxAbnormalCloses < 0) {
      throw new InvalidOption("--max-abnormal-closes", "must be 0 or more");
    }
    Duration clusterBroadcastEvery = s.clusterBroadcastEvery == null ? null
      : Durations.parse("--cluster-broadcast-every", s.clusterBroadcastEvery, MIN_CLUSTER_BROADCAST_EVERY,
      MAX_DURATION);
    return new SoakSettings(connect, s.sockets, rate, duration, rampUp, backoffMin, backoffMax, s.maxLost,
      s.maxAbnormalCloses, clusterBroadcastEvery);
  }

  private static double parseRate(String text) {
    double rate;
    try {
      rate = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new InvalidOption("--rate", "'" + text + "' is not a number of messages per second");
    }
    if (!(rate >= 0 && rate <= MAX_RATE)) {
      throw new InvalidOption("--rate", "'" + text + "' is outside 0.." + MAX_RATE_TEXT);
    }
    return rate;
  }

  /** Milliseconds between two messages of one socket; 0 when it sends none. */
  public long sendIntervalMillis() {
    return rate == 0 ? 0 : Math.max(1, Math.round(1000 / rate));
  }

  /**
   * The wait before the next connection attempt: {@code --backoff-min} doubled for every failed attempt so far,
   * at most {@code --backoff-max}, of which a random half is left out ("equal jitter": sockets cut at the same
   * moment do not all come back at the same moment, and none comes back sooner than half the backoff).
   *
   * @param random a uniform random number in [0, 1)
   */
  public long backoffMillis(int failedAttempts, double random) {
    double base = Math.min(backoffMax.toMillis(), backoffMin.toMillis() * Math.pow(2, Math.min(failedAttempts, 30)));
    return Math.round(base / 2 + random * base / 2);
  }

  /**
   * A socket still without a connection this long after it lost one has not recovered: more than the longest
   * backoff plus one attempt.
   */
  public Duration recoveryLimit() {
    return backoffMax.plus(connect.timeout());
  }

  public JsonObject toJson() {
    JsonObject json = connect.toJson()
      .put("sockets", sockets)
      .put("rate_per_socket", rate)
      .put("duration_ms", duration.toMillis())
      .put("ramp_up_ms", rampUp.toMillis())
      .put("backoff_min_ms", backoffMin.toMillis())
      .put("backoff_max_ms", backoffMax.toMillis())
      .put("max_lost", maxLost)
      .put("max_abnormal_closes", maxAbnormalCloses);
    if (clusterBroadcastEvery != null) {
      json.put("cluster_broadcast_every_ms", clusterBroadcastEvery.toMillis());
    }
    return json;
  }
}
