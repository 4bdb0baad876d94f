package io.wstest.client.audit;

import io.wstest.client.audit.FixHints.Topic;
import io.wstest.client.handshake.HandshakeCheck;
import io.wstest.client.handshake.HandshakeChecks;
import io.wstest.client.idle.IdleResult;
import io.wstest.client.idle.IdleTimeoutSummary;
import io.wstest.client.idle.Keepalive;
import io.wstest.client.report.Verdict;
import io.wstest.client.stats.SpreadStats;
import io.wstest.client.sticky.Affinity;
import io.wstest.client.sticky.StickyRun;
import io.wstest.options.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns what each part found into lines of the report card: pass, warn, fail or skipped, the figure measured, and
 * for a warning or failure the fix for the recognised load balancer ({@link FixHints}). Pure: no I/O.
 */
public final class AuditFindings {

  public static final String HANDSHAKE = "handshake";
  public static final String SPREAD = "spread";
  public static final String STICKY = "sticky";
  public static final String IDLE = "idle-timeout";
  public static final String DRAIN = "drain";
  /** The spread runs' checks: connect, ping and close one after another; all sockets held open. */
  public static final String ONE_BY_ONE = "one by one";
  public static final String HELD_OPEN = "held open (--hold)";

  /** The fix when drained sockets found no other replica: the balancer is not at fault, the replica count is. */
  private static final String STRANDED_FIX = "run more than one replica behind the load balancer, and in a rollout"
    + " start the new one first (maxSurge)";

  /** What {@code --expect-sticky} / {@code --expect-not-sticky} asked for. */
  public enum StickyExpectation { ANY, STICKY, NOT_STICKY }

  private static final Map<String, Topic> HANDSHAKE_TOPICS = Map.of(
    HandshakeChecks.UPGRADE, Topic.UPGRADE,
    HandshakeChecks.SUBPROTOCOL, Topic.SUBPROTOCOL,
    HandshakeChecks.COMPRESSION, Topic.COMPRESSION,
    HandshakeChecks.MARKER, Topic.CUSTOM_HEADER,
    HandshakeChecks.HOST, Topic.HOST,
    HandshakeChecks.ORIGIN, Topic.ORIGIN,
    HandshakeChecks.CLIENT_IP, Topic.CLIENT_IP,
    HandshakeChecks.HTTP_VERSION, Topic.HTTP_VERSION,
    HandshakeChecks.MESSAGE_SIZE, Topic.MESSAGE_SIZE);

  private AuditFindings() {
  }

  /**
   * One line per handshake check. A warning or failure whose own fix names the common balancers ("nginx: ... |
   * HAProxy: ...") gets the table's line for the recognised one instead; a fix about the server itself (its
   * SUBPROTOCOLS, say) stays as the check wrote it.
   */
  public static List<CardLine> handshake(List<HandshakeCheck> checks, LbType lb) {
    List<CardLine> lines = new ArrayList<>();
    for (HandshakeCheck check : checks) {
      CheckStatus status = CheckStatus.valueOf(check.status().name());
      String fix = check.fix();
      Topic topic = HANDSHAKE_TOPICS.get(check.name());
      if ((status == CheckStatus.WARN || status == CheckStatus.FAIL) && topic != null
        && (fix.isEmpty() || fix.contains("nginx:"))) {
        fix = FixHints.fix(topic, lb);
      }
      lines.add(new CardLine(HANDSHAKE, check.name(), status, check.measured(), status == CheckStatus.PASS
        || status == CheckStatus.SKIPPED ? "" : fix));
    }
    return lines;
  }

  /**
   * The spread run's line.
   *
   * @param check    {@link #ONE_BY_ONE} or {@link #HELD_OPEN}
   * @param expected how many instances were expected and from where ("3, from GET /cluster")
   */
  public static CardLine spread(String check, SpreadStats stats, Verdict verdict, String expected, LbType lb) {
    StringBuilder measured = new StringBuilder(stats.succeeded() + " of " + stats.attempted() + " connected, "
      + stats.distinctInstances() + " instance" + (stats.distinctInstances() == 1 ? "" : "s"));
    if (!stats.instances().isEmpty()) {
      measured.append(" (").append(stats.instances().stream().map(i -> i.displayName() + " " + i.count())
        .collect(Collectors.joining(", "))).append(')');
    }
    measured.append("; expected at least ").append(expected);
    if (stats.failed() > 0) {
      measured.append("; failed: ").append(Verdict.failureSummary(stats));
    }
    if (verdict.passed()) {
      return CardLine.pass(SPREAD, check, measured.toString());
    }
    boolean tooFew = stats.succeeded() > 0 && verdict.problems().stream().anyMatch(p -> p.contains("instance"));
    return new CardLine(SPREAD, check, CheckStatus.FAIL, measured + (verdict.exitCode() == Verdict.CANNOT_TEST
      ? "; " + verdict.headline() : ""), tooFew ? FixHints.fix(Topic.SPREAD, lb) : "");
  }

  /**
   * The sticky line: what pins a client (a cookie, named; the client's address) or that nothing does. Neither is
   * a failure unless {@code --expect-sticky} or {@code --expect-not-sticky} said otherwise; failed connections
   * make it a warning.
   */
  public static CardLine sticky(StickyRun replay, StickyRun control, Affinity affinity, StickyExpectation expected,
                                LbType lb) {
    boolean sticky = !affinity.source().equals("none");
    String measured = (sticky ? "sticky: " : "not sticky: ") + "affinity " + affinity.summary() + "; replay "
      + replay.shareText() + " returned to the first instance"
      + (control == null ? "" : "; control run (no cookies) " + control.shareText());
    if (expected == StickyExpectation.STICKY && !sticky) {
      return new CardLine(STICKY, STICKY, CheckStatus.FAIL, measured + " (--expect-sticky)",
        FixHints.fix(Topic.MAKE_STICKY, lb));
    }
    if (expected == StickyExpectation.NOT_STICKY && sticky) {
      return new CardLine(STICKY, STICKY, CheckStatus.FAIL, measured + " (--expect-not-sticky)",
        FixHints.fix(Topic.REMOVE_STICKY, lb));
    }
    int failed = replay.stats().failed() + (control == null ? 0 : control.stats().failed());
    if (failed > 0) {
      return new CardLine(STICKY, STICKY, CheckStatus.WARN, measured + "; " + failed + " connections failed ("
        + Verdict.failureSummary(replay.stats()) + ")", "");
    }
    return CardLine.pass(STICKY, STICKY, measured);
  }

  /**
   * The silent sockets' line: where the ladder brackets the idle timeout and when sockets were actually cut. A
   * timeout below {@code minIdle} is a warning (clients that do not ping get cut); none within the ladder passes.
   */
  public static CardLine idleTimeout(IdleTimeoutSummary.ModeSummary silent, Duration minIdle, LbType lb) {
    String check = "idle timeout";
    if (silent.measured() == 0) {
      return new CardLine(IDLE, check, CheckStatus.FAIL, silent.finding(), "");
    }
    IdleTimeoutSummary.Ladder ladder = silent.ladder();
    if (ladder.firstFailingMs() == null) {
      return CardLine.pass(IDLE, check, "silent sockets survived every rung up to " + ms(ladder.lastSurvivingMs())
        + ": the idle timeout is longer, or there is none");
    }
    List<Long> cuts = silent.results().stream().filter(r -> r.outcome() == IdleResult.Outcome.CUT)
      .map(IdleResult::closedAfterMs).sorted().toList();
    long estimate = cuts.isEmpty() ? ladder.firstFailingMs() : cuts.get(cuts.size() / 2);
    String figure = (cuts.isEmpty() ? "at most " + ms(estimate) : String.format(Locale.ROOT, "≈%.1f s", estimate
      / 1000.0)) + ": " + silent.finding();
    if (estimate < minIdle.toMillis()) {
      return new CardLine(IDLE, check, CheckStatus.WARN, figure + " (below --min-idle " + ms(minIdle.toMillis())
        + ": clients that send nothing get cut)", FixHints.fix(Topic.IDLE_TIMEOUT, lb));
    }
    return CardLine.pass(IDLE, check, figure);
  }

  /** The keepalive sockets' line: did WebSocket pings keep them open through every rung? */
  public static CardLine keepalive(IdleTimeoutSummary.ModeSummary pinging, LbType lb) {
    String check = "ping keepalive";
    if (pinging.measured() == 0) {
      return new CardLine(IDLE, check, CheckStatus.FAIL, pinging.finding(), "");
    }
    List<IdleResult> lost = pinging.results().stream().filter(IdleResult::lost).toList();
    long longest = pinging.results().stream().filter(r -> r.outcome() == IdleResult.Outcome.SURVIVED)
      .mapToLong(IdleResult::idleLimitMs).max().orElse(0);
    if (lost.isEmpty()) {
      return CardLine.pass(IDLE, check, pinging.description() + " kept every socket open, up to " + ms(longest));
    }
    return new CardLine(IDLE, check, CheckStatus.FAIL, lost.size() + " of " + pinging.measured() + " sockets with "
      + pinging.description() + " were cut: " + IdleTimeoutSummary.lostDetail(lost.get(0)),
      FixHints.fix(Topic.KEEPALIVE, lb));
  }

  /** Which mode summary is the silent one and which the pinging one. */
  public static IdleTimeoutSummary.ModeSummary mode(IdleTimeoutSummary summary, Keepalive keepalive) {
    return summary.modes().stream().filter(m -> m.keepalive() == keepalive).findFirst().orElse(null);
  }

  /**
   * The drain rehearsal's lines, or one skipped line saying why and how to test a rollout instead.
   *
   * @param soakCommand the soak command line for this target, for the skipped line
   */
  public static List<CardLine> drain(DrainOutcome d, LbType lb, String soakCommand) {
    if (!d.attempted()) {
      // the rehearsal's own reason may already say how to run soak instead
      return List.of(CardLine.skipped(DRAIN, DRAIN, d.skippedReason().contains("test-lb soak") ? d.skippedReason()
        : d.skippedReason() + ". To see what a real rollout does, run " + soakCommand
        + " while you roll out (kubectl rollout restart deployment/NAME)"));
    }
    String replica = d.drainedInstance() == null ? "the drained replica" : d.drainedInstance();
    List<CardLine> lines = new ArrayList<>();
    String closes = d.closes() + " closes: " + d.closes1001() + " with 1001 (going away), " + d.closes1006()
      + " with 1006 (no close frame), " + d.otherCloses() + " other";
    if (d.closes1006() > 0) {
      lines.add(new CardLine(DRAIN, "closes", CheckStatus.FAIL, closes, FixHints.fix(Topic.DRAIN, lb)));
    } else if (d.otherCloses() > 0 || d.closes() == 0) {
      lines.add(new CardLine(DRAIN, "closes", CheckStatus.WARN, closes + (d.closes() == 0
        ? " (no soak socket was on " + replica + ")" : ""), d.otherCloses() > 0 ? FixHints.fix(Topic.DRAIN, lb) : ""));
    } else {
      lines.add(CardLine.pass(DRAIN, "closes", closes));
    }
    String lost = d.lost() + " of " + d.sent() + " messages lost";
    lines.add(d.lost() == 0 ? CardLine.pass(DRAIN, "lost messages", lost)
      : new CardLine(DRAIN, "lost messages", CheckStatus.FAIL, lost, FixHints.fix(Topic.DRAIN, lb)));
    if (d.reconnectP50Ms() == null && d.closes() > 0) {
      lines.add(new CardLine(DRAIN, "reconnects", CheckStatus.WARN, "none of the " + d.closes() + " closed sockets got"
        + " a new one before the rehearsal ended: no other replica took them", STRANDED_FIX));
    } else {
      String reconnect = (d.reconnectP50Ms() == null ? "no reconnect measured"
        : String.format(Locale.ROOT, "reconnect p50 %.0f ms, p99 %.0f ms", d.reconnectP50Ms(), d.reconnectP99Ms()))
        + "; " + (d.reconnectsAvoidedDrainingReplica() ? "none landed on " + replica : "some landed on " + replica
        + ", which was draining");
      if (d.stranded() > 0) {
        lines.add(new CardLine(DRAIN, "reconnects", CheckStatus.WARN, d.stranded() + " of " + d.closes()
          + " closed sockets never got a new one before the rehearsal ended; " + reconnect,
          d.reconnectsAvoidedDrainingReplica() ? STRANDED_FIX : FixHints.fix(Topic.DRAIN, lb)));
      } else {
        lines.add(d.reconnectsAvoidedDrainingReplica() ? CardLine.pass(DRAIN, "reconnects", reconnect)
          : new CardLine(DRAIN, "reconnects", CheckStatus.WARN, reconnect, FixHints.fix(Topic.DRAIN, lb)));
      }
    }
    lines.add(d.accepted() ? CardLine.pass(DRAIN, "accept", "POST /admin/accept: " + replica + " accepts again")
      : new CardLine(DRAIN, "accept", CheckStatus.WARN, "POST /admin/accept did not succeed: " + replica
      + " may still refuse new WebSockets", "POST /admin/accept to it by hand (with the admin token)"));
    return lines;
  }

  /** The same skipped line for every check of a part that did not run. */
  public static List<CardLine> skipped(String part, List<String> checks, String why) {
    return checks.stream().map(c -> CardLine.skipped(part, c, why)).toList();
  }

  /**
   * Exit 1 when a line failed, or with {@code --fail-on warn} when one warned; skipped lines never fail the audit.
   */
  public static Verdict verdict(List<CardLine> card, boolean failOnWarn) {
    int pass = count(card, CheckStatus.PASS);
    int warn = count(card, CheckStatus.WARN);
    int fail = count(card, CheckStatus.FAIL);
    int skipped = count(card, CheckStatus.SKIPPED);
    String tally = pass + " pass, " + warn + " warn, " + fail + " fail, " + skipped + " skipped";
    List<String> problems = card.stream().filter(l -> l.status() == CheckStatus.FAIL
      || failOnWarn && l.status() == CheckStatus.WARN).map(l -> l.name() + ": " + l.measured()).toList();
    if (fail > 0 || failOnWarn && warn > 0) {
      return new Verdict(Verdict.FAIL, "Audit failed (" + tally + (fail == 0 ? "; --fail-on warn" : "") + ")",
        problems, false);
    }
    return new Verdict(Verdict.PASS, "Audit passed (" + tally + ")", List.of(), false);
  }

  private static int count(List<CardLine> card, CheckStatus status) {
    return (int) card.stream().filter(l -> l.status() == status).count();
  }

  private static String ms(long millis) {
    return Durations.format(Duration.ofMillis(millis));
  }
}
