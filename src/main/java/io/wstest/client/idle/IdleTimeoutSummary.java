package io.wstest.client.idle;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.Failure;
import io.wstest.options.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an idle-timeout run found, per keepalive mode (cut times, closes, in ladder mode the rungs between which
 * the timeout lies), and the verdict against {@code --min-idle} and {@code --expect-keepalive-survives}.
 */
public record IdleTimeoutSummary(List<ModeSummary> modes) {

  /** Min, median and max of the silences after which sockets were cut. */
  public record CutTimes(int count, long minMs, double medianMs, long maxMs) {
    static CutTimes of(List<Long> millis) {
      long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
      if (sorted.length == 0) {
        return new CutTimes(0, 0, 0, 0);
      }
      int mid = sorted.length / 2;
      double median = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
      return new CutTimes(sorted.length, sorted[0], median, sorted[sorted.length - 1]);
    }

    public JsonObject toJson() {
      return count == 0 ? new JsonObject().put("count", 0)
        : new JsonObject().put("count", count).put("min", minMs).put("median", medianMs).put("max", maxMs);
    }

    @Override
    public String toString() {
      return count == 1 ? minMs + " ms" : String.format(Locale.ROOT, "min %d / median %s / max %d ms", minMs,
        HtmlReport.number(medianMs), maxMs);
    }
  }

  /**
   * Ladder mode: the timeout lies above the last rung that survived and at or below the first that failed.
   *
   * @param consistent false when a longer rung survived although a shorter one failed (several load balancer
   *                   instances with different timeouts, or a cut for another reason)
   */
  public record Ladder(Long lastSurvivingMs, Long firstFailingMs, boolean consistent) {
    public JsonObject toJson() {
      return new JsonObject().put("last_surviving_ms", lastSurvivingMs).put("first_failing_ms", firstFailingMs)
        .put("consistent", consistent);
    }
  }

  /**
   * One keepalive mode's sockets.
   *
   * @param cut        closed while idle (when is known: {@code cutMs})
   * @param dropped    open at the end of the idle time, but the probe found the connection gone (closed or no answer)
   * @param closeCodes close codes of the sockets that were cut or dropped ("1006" when there was no close frame)
   * @param closeKinds close_frame, no_close_frame or reset, counted likewise
   * @param maxIdleMs  how long sockets were held at most (until-cut mode)
   * @param ladder     null in until-cut mode
   */
  public record ModeSummary(Keepalive keepalive, String description, List<IdleResult> results, long maxIdleMs,
                            int failed, int survived, int cut, int dropped, CutTimes cutMs,
                            Map<Integer, Integer> closeCodes, Map<String, Integer> closeKinds, Ladder ladder) {

    public int measured() {
      return results.size() - failed;
    }

    /** One sentence, for the console, the HTML report and the verdict's headline. */
    public String finding() {
      if (measured() == 0) {
        return "no socket could be set up";
      }
      List<String> parts = new ArrayList<>();
      if (ladder != null) {
        parts.add(ladderFinding());
      } else {
        String since = keepalive == Keepalive.NONE ? " of silence" : " since the last frame";
        String limit = ms(maxIdleMs);
        if (cut > 0) {
          parts.add(share(cut) + " cut after " + cutMs + since);
        }
        if (dropped > 0) {
          parts.add(dropped + " of " + measured() + " open after " + limit
            + " but dropped: the probe then found no connection");
        }
        if (survived > 0) {
          parts.add(share(survived) + " survived " + limit);
        }
      }
      if (!closeCodes.isEmpty()) {
        parts.add("closes: " + closes());
      }
      if (failed > 0) {
        parts.add(failed + " could not be set up");
      }
      return String.join("; ", parts);
    }

    private String share(int n) {
      return n == measured() ? "all " + n : n + " of " + measured();
    }

    private String ladderFinding() {
      List<Long> cutTimes = results.stream().filter(r -> r.outcome() == IdleResult.Outcome.CUT)
        .map(IdleResult::closedAfterMs).toList();
      String seen = cutTimes.isEmpty() ? "" : " (cut seen after " + CutTimes.of(cutTimes) + ")";
      String text;
      if (ladder.firstFailingMs() == null) {
        text = "every rung survived, up to " + ms(ladder.lastSurvivingMs())
          + ": the idle timeout is longer (or there is none)";
      } else if (ladder.lastSurvivingMs() == null) {
        text = "even the shortest rung failed: the idle timeout is at most " + ms(ladder.firstFailingMs()) + seen;
      } else {
        text = ms(ladder.lastSurvivingMs()) + " survived, " + ms(ladder.firstFailingMs()) + " failed: the idle "
          + "timeout lies between " + ms(ladder.lastSurvivingMs()) + " and " + ms(ladder.firstFailingMs()) + seen;
      }
      if (!ladder.consistent()) {
        text += " - not monotonic: a rung longer than " + ms(ladder.firstFailingMs()) + " survived (load balancer "
          + "instances with different timeouts?)";
      }
      return text;
    }

    /** "1006, no close frame x3, 1001 going away x1". */
    String closes() {
      Map<String, Integer> byText = new LinkedHashMap<>();
      results.stream().filter(r -> r.closeCode() != null)
        .forEach(r -> byText.merge(r.closeDescription(), 1, Integer::sum));
      return byText.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }

    public JsonObject toJson() {
      JsonObject codes = new JsonObject();
      closeCodes.forEach((code, n) -> codes.put(Integer.toString(code), n));
      return new JsonObject()
        .put("keepalive", keepalive.label())
        .put("description", description)
        .put("sockets", results.size())
        .put("failed", failed)
        .put("survived", survived)
        .put("cut", cut)
        .put("dropped", dropped)
        .put("cut_ms", cutMs.toJson())
        .put("close_codes", codes)
        .put("close_kinds", new JsonObject(new LinkedHashMap<>(closeKinds)))
        .put("ladder", ladder == null ? null : ladder.toJson())
        .put("finding", finding());
    }
  }

  public static IdleTimeoutSummary of(IdleTimeoutSettings settings, List<IdleResult> results) {
    List<ModeSummary> modes = new ArrayList<>();
    for (Keepalive keepalive : settings.keepalives()) {
      List<IdleResult> mine = results.stream().filter(r -> r.keepalive() == keepalive)
        .sorted(Comparator.comparingInt(IdleResult::index)).toList();
      modes.add(mode(settings, keepalive, mine));
    }
    return new IdleTimeoutSummary(List.copyOf(modes));
  }

  private static ModeSummary mode(IdleTimeoutSettings settings, Keepalive keepalive, List<IdleResult> results) {
    int failed = 0;
    int survived = 0;
    int cut = 0;
    int dropped = 0;
    List<Long> cutMs = new ArrayList<>();
    Map<Integer, Integer> codes = new LinkedHashMap<>();
    Map<String, Integer> kinds = new LinkedHashMap<>();
    for (IdleResult r : results) {
      switch (r.outcome()) {
        case FAILED -> failed++;
        case SURVIVED -> survived++;
        case CUT -> {
          cut++;
          cutMs.add(r.closedAfterMs());
        }
        default -> dropped++;
      }
      if (r.closeCode() != null) {
        codes.merge(r.closeCode(), 1, Integer::sum);
        kinds.merge(r.closeKind().label(), 1, Integer::sum);
      }
    }
    return new ModeSummary(keepalive, settings.describe(keepalive), results, settings.maxIdle().toMillis(), failed,
      survived, cut, dropped, CutTimes.of(cutMs), codes, kinds, settings.ladderMode() ? ladder(results) : null);
  }

  private static Ladder ladder(List<IdleResult> results) {
    Long firstFailing = results.stream().filter(IdleResult::lost).map(IdleResult::rungMs).min(Long::compare)
      .orElse(null);
    List<Long> surviving = results.stream().filter(r -> r.outcome() == IdleResult.Outcome.SURVIVED)
      .map(IdleResult::rungMs).toList();
    Long lastSurviving = surviving.stream().filter(ms -> firstFailing == null || ms < firstFailing)
      .max(Long::compare).orElse(null);
    boolean consistent = firstFailing == null || surviving.stream().noneMatch(ms -> ms > firstFailing);
    return new Ladder(lastSurviving, firstFailing, consistent);
  }

  public static String ms(long millis) {
    return Durations.format(Duration.ofMillis(millis));
  }

  /**
   * Pass unless a socket could not be set up or a --min-idle / --expect-keepalive-survives check failed; the
   * headline then says what was found. Every socket unreachable: nothing was tested.
   */
  public Verdict verdict(IdleTimeoutSettings settings) {
    List<IdleResult> results = modes.stream().flatMap(m -> m.results().stream()).toList();
    if (!results.isEmpty() && results.stream().allMatch(r -> r.failure() != null && r.failure().unreachable())) {
      return new Verdict(Verdict.CANNOT_TEST, "Cannot reach the target: " + results.get(0).failure().detail(),
        List.of(), false);
    }
    List<String> problems = new ArrayList<>();
    for (ModeSummary m : modes) {
      String name = "[" + m.keepalive().label() + "] ";
      if (m.failed() > 0) {
        Failure first = m.results().stream().filter(r -> r.failure() != null).findFirst().orElseThrow().failure();
        problems.add(name + m.failed() + " of " + m.results().size() + " sockets could not be set up ("
          + first.kind().label() + " in " + first.stage() + ": " + first.detail() + ")");
      }
      if (settings.minIdle() != null && m.keepalive() == Keepalive.NONE) {
        minIdle(settings.minIdle().toMillis(), m).ifPresent(p -> problems.add(name + p));
      }
      if (settings.expectKeepaliveSurvives() && m.keepalive() != Keepalive.NONE) {
        List<IdleResult> lost = m.results().stream().filter(IdleResult::lost).toList();
        if (!lost.isEmpty()) {
          problems.add(name + lost.size() + " of " + m.measured() + " sockets did not survive with "
            + m.description() + ": " + lostDetail(lost.get(0)));
        }
      }
    }
    if (!problems.isEmpty()) {
      return new Verdict(Verdict.FAIL, "Idle-timeout test failed", List.copyOf(problems), false);
    }
    return new Verdict(Verdict.PASS, modes.stream()
      .map(m -> (m.keepalive() == Keepalive.NONE ? "silent sockets: " : "with " + m.description() + ": ") + m.finding())
      .collect(Collectors.joining(" | ")), List.of(), false);
  }

  /**
   * A silent socket proves the load balancer allowed {@code minMs} when it survived at least that long or was cut
   * later; one cut sooner, or dropped within a shorter idle time, disproves it.
   */
  private static Optional<String> minIdle(long minMs, ModeSummary m) {
    String min = "--min-idle " + ms(minMs);
    List<IdleResult> tooSoon = m.results().stream().filter(r -> r.outcome() == IdleResult.Outcome.CUT
      && r.closedAfterMs() < minMs).toList();
    if (!tooSoon.isEmpty()) {
      return Optional.of(tooSoon.size() + " of " + m.measured() + " silent sockets were cut sooner than "
        + min + ": " + lostDetail(tooSoon.get(0)));
    }
    List<IdleResult> droppedSooner = m.results().stream().filter(r -> (r.outcome() == IdleResult.Outcome.CUT_ON_PROBE
      || r.outcome() == IdleResult.Outcome.NO_ANSWER) && r.idleLimitMs() <= minMs).toList();
    if (!droppedSooner.isEmpty()) {
      return Optional.of(droppedSooner.size() + " silent sockets did not survive an idle time within "
        + min + ": " + lostDetail(droppedSooner.get(0)));
    }
    boolean shown = m.results().stream().anyMatch(r ->
      r.outcome() == IdleResult.Outcome.SURVIVED && r.idleLimitMs() >= minMs
        || r.outcome() == IdleResult.Outcome.CUT && r.closedAfterMs() >= minMs);
    if (!shown && m.measured() > 0) {
      return Optional.of("no silent socket was shown to last " + min
        + ": none survived that long or was cut later");
    }
    return Optional.empty();
  }

  /** "socket 4 on pod-b: cut after 840 ms since the last frame (1006, no close frame)". */
  public static String lostDetail(IdleResult r) {
    return r.name() + " on " + r.displayName() + ": " + whatHappened(r);
  }

  /** "cut after 840 ms since the last frame (1006, no close frame)", "open after 2m, but closed when probed ...". */
  public static String whatHappened(IdleResult r) {
    return switch (r.outcome()) {
      case CUT -> "cut after " + r.closedAfterMs() + " ms" + (r.keepalive() == Keepalive.NONE ? " of silence"
        : " since the last frame") + " (" + r.closeDescription() + ")";
      case CUT_ON_PROBE -> "open after " + ms(r.idleLimitMs()) + ", but closed when probed (" + r.closeDescription()
        + ")";
      case NO_ANSWER -> "open after " + ms(r.idleLimitMs()) + ", but the probe got no answer";
      default -> r.outcome().label();
    };
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    modes.forEach(m -> list.add(m.toJson()));
    return new JsonObject().put("modes", list);
  }
}
