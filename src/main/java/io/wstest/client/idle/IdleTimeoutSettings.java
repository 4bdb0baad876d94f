package io.wstest.client.idle;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.ReportSettings;
import io.wstest.client.socket.WsTarget;
import io.wstest.options.Durations;
import io.wstest.options.InvalidOption;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The idle-timeout scenario's settings, checked and resolved. Until-cut mode ({@code ladder} empty) holds
 * {@code sockets} sockets per keepalive mode for up to {@code maxIdle}; ladder mode holds one socket per rung and
 * keepalive mode, each for its rung. {@link #from} throws {@link InvalidOption} naming the flag when a value is
 * unusable or does not fit the mode.
 *
 * @param minIdle null when not asked for
 */
public record IdleTimeoutSettings(
  ConnectSettings connect,
  ReportSettings report,
  int sockets,
  Duration maxIdle,
  List<Duration> ladder,
  List<Keepalive> keepalives,
  Duration keepaliveInterval,
  Duration minIdle,
  boolean expectKeepaliveSurvives) {

  public static final int DEFAULT_SOCKETS = 3;
  public static final int MAX_SOCKETS = 100;
  public static final String DEFAULT_MAX_IDLE = "2m";
  public static final int MAX_RUNGS = 20;
  public static final String DEFAULT_KEEPALIVE_INTERVAL = "20s";
  public static final Duration MIN_IDLE_TIME = Duration.ofMillis(100);
  public static final Duration MAX_IDLE_TIME = Duration.ofHours(1);

  public static IdleTimeoutSettings from(ConnectOptions c, IdleTimeoutOptions o, OutputOptions output,
                                         boolean terminal) {
    ConnectSettings connect = ConnectSettings.from(c, "http");
    if (connect.targets().size() != 1) {
      throw new InvalidOption("--endpoint", "idle-timeout measures one endpoint at a time: http or raw");
    }
    List<Duration> ladder = o.ladder == null ? List.of() : ladder(o.ladder);
    if (!ladder.isEmpty() && o.sockets != null) {
      throw new InvalidOption("--connections", "is for the until-cut mode; with --ladder every rung gets one socket "
        + "per keepalive mode");
    }
    if (!ladder.isEmpty() && o.maxIdle != null) {
      throw new InvalidOption("--max-idle", "is for the until-cut mode; with --ladder the longest rung is the limit");
    }
    int sockets = o.sockets == null ? DEFAULT_SOCKETS : o.sockets;
    if (sockets < 1 || sockets > MAX_SOCKETS) {
      throw new InvalidOption("--connections", sockets + " is outside 1.." + MAX_SOCKETS);
    }
    Duration maxIdle = Durations.parse("--max-idle", o.maxIdle == null ? Durations.parse(DEFAULT_MAX_IDLE) : o.maxIdle,
      MIN_IDLE_TIME, MAX_IDLE_TIME);
    Duration longest = ladder.isEmpty() ? maxIdle : ladder.get(ladder.size() - 1);
    String longestFlag = ladder.isEmpty() ? "--max-idle " + Durations.format(maxIdle)
      : "the longest --ladder rung (" + Durations.format(longest) + ")";
    List<Keepalive> keepalives = keepalives(o.keepalive);
    boolean sendsKeepalives = keepalives.stream().anyMatch(k -> k != Keepalive.NONE);
    if (o.keepaliveInterval != null && !sendsKeepalives) {
      throw new InvalidOption("--keepalive-interval", "has no effect with --keepalive none");
    }
    Duration interval = Durations.parse("--keepalive-interval",
      o.keepaliveInterval == null ? Durations.parse(DEFAULT_KEEPALIVE_INTERVAL) : o.keepaliveInterval,
      Duration.ofMillis(100), Duration.ofMinutes(10));
    if (sendsKeepalives && interval.compareTo(longest) >= 0) {
      throw new InvalidOption("--keepalive-interval", Durations.format(interval)
        + (o.keepaliveInterval == null ? " (the default)" : "") + " is not shorter than " + longestFlag
        + ": no keepalive would be sent");
    }
    Duration minIdle = null;
    if (o.minIdle != null) {
      minIdle = Durations.parse("--min-idle", o.minIdle, Duration.ofMillis(1), MAX_IDLE_TIME);
      if (!keepalives.contains(Keepalive.NONE)) {
        throw new InvalidOption("--min-idle", "is about silent sockets: add none to --keepalive");
      }
      if (minIdle.compareTo(longest) > 0) {
        throw new InvalidOption("--min-idle", Durations.format(minIdle) + " is longer than " + longestFlag
          + ": no socket would stay idle that long");
      }
    }
    if (o.expectKeepaliveSurvives && !sendsKeepalives) {
      throw new InvalidOption("--expect-keepalive-survives", "needs a keepalive to check: --keepalive ping, data "
        + "or a list such as none,ping");
    }
    return new IdleTimeoutSettings(connect, ReportSettings.from(output, terminal), sockets, maxIdle, ladder,
      keepalives, interval, minIdle, o.expectKeepaliveSurvives);
  }

  /** The rungs in ascending order. */
  private static List<Duration> ladder(String text) {
    List<Duration> rungs = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      Duration rung = Durations.parse("--ladder", part, MIN_IDLE_TIME, MAX_IDLE_TIME);
      if (rungs.contains(rung)) {
        throw new InvalidOption("--ladder", Durations.format(rung) + " is given twice");
      }
      rungs.add(rung);
    }
    if (rungs.size() > MAX_RUNGS) {
      throw new InvalidOption("--ladder", rungs.size() + " rungs; at most " + MAX_RUNGS);
    }
    rungs.sort(null);
    return List.copyOf(rungs);
  }

  private static List<Keepalive> keepalives(String text) {
    List<Keepalive> modes = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      Keepalive mode = Keepalive.parse(part);
      if (mode == null) {
        throw new InvalidOption("--keepalive", "'" + part.trim() + "' is not one of none, ping, data");
      }
      if (modes.contains(mode)) {
        throw new InvalidOption("--keepalive", mode.label() + " is given twice");
      }
      modes.add(mode);
    }
    return List.copyOf(modes);
  }

  public WsTarget target() {
    return connect.targets().get(0);
  }

  public boolean ladderMode() {
    return !ladder.isEmpty();
  }

  /** How long the longest-waiting socket stays idle: --max-idle, or the longest rung. */
  public Duration longestIdle() {
    return ladderMode() ? ladder.get(ladder.size() - 1) : maxIdle;
  }

  /** Sockets the run opens: one per rung or {@code sockets}, for each keepalive mode. */
  public int totalSockets() {
    return (ladderMode() ? ladder.size() : sockets) * keepalives.size();
  }

  /** "a WebSocket ping every 20s" ... for the console and reports. */
  public String describe(Keepalive keepalive) {
    return keepalive.describe(Durations.format(keepaliveInterval));
  }

  public JsonObject toJson() {
    JsonArray rungs = new JsonArray();
    ladder.forEach(r -> rungs.add(r.toMillis()));
    JsonArray modes = new JsonArray();
    keepalives.forEach(k -> modes.add(k.label()));
    return connect.toJson()
      .put("mode", ladderMode() ? "ladder" : "until_cut")
      .put("sockets", ladderMode() ? null : sockets)
      .put("max_idle_ms", ladderMode() ? null : maxIdle.toMillis())
      .put("ladder_ms", rungs)
      .put("keepalive", modes)
      .put("keepalive_interval_ms", keepalives.stream().anyMatch(k -> k != Keepalive.NONE)
        ? keepaliveInterval.toMillis() : null)
      .put("min_idle_ms", minIdle == null ? null : minIdle.toMillis())
      .put("expect_keepalive_survives", expectKeepaliveSurvives);
  }
}
