package io.wstest.client.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.options.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the audit spends its {@code --budget}. It is planned once the target has answered and the admin toggles have
 * been asked whether the drain rehearsal can use them (the preamble). The idle-timeout ladder is mostly waiting, so
 * it runs in the background from then on while the other parts run one after another in the foreground; the drain
 * rehearsal comes after both (draining a replica would close idle sockets on it), and gets a share only when it
 * can run: otherwise its time goes to the window, and so to a longer ladder. A reserve at the end is kept for
 * closing sockets and writing the reports.
 *
 * <pre>
 * |&lt;--------------------------------- budget ---------------------------------&gt;|
 * | preamble | idle ladder (background) ........................ | drain     | reserve |
 * |          | probe | handshake | spread | spread --hold | sticky |           |         |
 * </pre>
 *
 * Each foreground part gets a deadline ({@link #share}): the time the foreground has left but the minimum kept for
 * each later part, and at least its weight's share; time a part does not use goes to the parts after it.
 *
 * @param preamble          spent before the plan: reaching the target, its cluster view, asking the admin toggles
 * @param reserve           kept at the end for closing and the reports
 * @param drain             the drain rehearsal's share (zero when it will not run: --no-drain, or the admin toggles
 *                          cannot be used)
 * @param window            the time for the idle ladder and, alongside it, the foreground parts
 * @param ladder            the idle rungs, ascending; empty when the window is too short for one
 * @param keepaliveInterval how often the keepalive sockets ping
 */
public record Budget(Duration total, Duration preamble, Duration reserve, Duration drain, Duration window, List<Duration> ladder,
                     Duration keepaliveInterval) {

  public static final Duration MIN = Duration.ofSeconds(20);
  public static final Duration MAX = Duration.ofHours(1);
  public static final Duration DEFAULT = Duration.ofMinutes(3);
  public static final Duration MIN_DRAIN = Duration.ofSeconds(15);
  public static final Duration MAX_DRAIN = Duration.ofSeconds(60);
  public static final int MAX_RUNGS = 6;
  static final Duration SHORTEST_RUNG = Duration.ofSeconds(1);
  /** What each later foreground part keeps at least, per unit of its weight. */
  static final Duration MIN_PER_WEIGHT = Duration.ofSeconds(1);

  /** Foreground parts, in order, with their weights. */
  public enum Part {
    PROBE(1), HANDSHAKE(3), SPREAD(2), SPREAD_HOLD(2), STICKY(3);

    final int weight;

    Part(int weight) {
      this.weight = weight;
    }
  }

  /**
   * @param timeout the per-step timeout: an idle socket needs up to one to open and one for its final probe
   * @param drain   whether the drain rehearsal will run (not turned off, and the admin toggles can be used)
   * @param preamble the time already spent when the plan is made: it comes off the window
   */
  public static Budget plan(Duration total, Duration timeout, boolean drain, Duration preamble) {
    long totalMs = total.toMillis();
    Duration reserve = Duration.ofMillis(Math.max(2_000, Math.min(10_000, totalMs / 20)));
    Duration drainShare = drain ? Duration.ofMillis(Math.max(MIN_DRAIN.toMillis(), Math.min(MAX_DRAIN.toMillis(),
      totalMs / 4))) : Duration.ZERO;
    Duration window = total.minus(preamble).minus(reserve).minus(drainShare);
    Duration longest = window.minus(timeout.multipliedBy(2)).minusSeconds(1);
    List<Duration> rungs = new ArrayList<>();
    for (long rung = longest.toMillis(); rung >= SHORTEST_RUNG.toMillis() && rungs.size() < MAX_RUNGS; rung /= 2) {
      long rounded = rung >= 10_000 ? rung / 1000 * 1000 : rung / 100 * 100;
      rungs.add(0, Duration.ofMillis(rounded));
    }
    Duration interval = rungs.isEmpty() ? Duration.ZERO
      : Duration.ofMillis(Math.max(500, rungs.get(0).toMillis() / 2 / 100 * 100));
    if (rungs.size() < 2) {
      rungs.clear(); // one rung brackets nothing: the window is too short for the ladder
    }
    return new Budget(total, preamble, reserve, drainShare, window, List.copyOf(rungs), interval);
  }

  /** The weights of this part and the ones after it. */
  static int weightFrom(Part part) {
    int sum = 0;
    for (Part p : Part.values()) {
      if (p.ordinal() >= part.ordinal()) {
        sum += p.weight;
      }
    }
    return sum;
  }

  /**
   * How long {@code part} may take when the foreground has {@code left} of its window: its weight's share of it, or
   * more when that leaves each later part its minimum (a second per unit of weight). A slow machine or balancer
   * then slows the audit down before it cuts a part short, and a part that hangs still leaves the later ones room.
   */
  public static Duration share(Part part, Duration left) {
    if (left.isNegative() || left.isZero()) {
      return Duration.ZERO;
    }
    long proportional = left.toMillis() * part.weight / weightFrom(part);
    long laterMinimum = (weightFrom(part) - part.weight) * MIN_PER_WEIGHT.toMillis();
    return Duration.ofMillis(Math.max(proportional, left.toMillis() - laterMinimum));
  }

  public Duration longestRung() {
    return ladder.isEmpty() ? Duration.ZERO : ladder.get(ladder.size() - 1);
  }

  public JsonObject toJson() {
    JsonArray rungs = new JsonArray();
    ladder.forEach(r -> rungs.add(r.toMillis()));
    return new JsonObject().put("budget_ms", total.toMillis()).put("preamble_ms", preamble.toMillis())
      .put("reserve_ms", reserve.toMillis())
      .put("drain_ms", drain.toMillis()).put("window_ms", window.toMillis()).put("idle_ladder_ms", rungs)
      .put("keepalive_interval_ms", ladder.isEmpty() ? null : keepaliveInterval.toMillis());
  }

  /** "3m: idle ladder 2.5s..40s alongside the other parts, drain 45s, 9s reserve". */
  public String describe() {
    return Durations.format(total) + ": " + (ladder.isEmpty() ? "no idle ladder (too short)"
      : "idle ladder " + Durations.format(ladder.get(0)) + ".." + Durations.format(longestRung()))
      + " alongside the other parts" + (drain.isZero() ? "" : ", drain " + Durations.format(drain)) + ", "
      + Durations.format(reserve) + " reserve";
  }
}
