package io.wstest.client.audit;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.audit.BoundedParts.Ran;
import io.wstest.client.audit.Budget.Part;
import io.wstest.client.handshake.HandshakeChecks;
import io.wstest.client.handshake.HandshakeReport;
import io.wstest.client.handshake.HandshakeScenario;
import io.wstest.client.handshake.HandshakeSettings;
import io.wstest.client.idle.IdleTimeoutReport;
import io.wstest.client.idle.IdleTimeoutScenario;
import io.wstest.client.idle.IdleTimeoutSettings;
import io.wstest.client.idle.Keepalive;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.ExpectedInstances;
import io.wstest.client.run.Scenario;
import io.wstest.client.run.ScenarioRun;
import io.wstest.client.socket.ClusterView;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.spread.SpreadReport;
import io.wstest.client.spread.SpreadScenario;
import io.wstest.client.spread.TestLbSettings;
import io.wstest.client.sticky.CookieJar;
import io.wstest.client.sticky.StickyReport;
import io.wstest.client.sticky.StickyScenario;
import io.wstest.client.sticky.StickySettings;
import io.wstest.options.Durations;
import io.wstest.wire.Fields;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code test-lb audit}: runs the other scenarios' own classes (handshake, spread twice, sticky, idle-timeout as a
 * ladder) and the drain section within the budget ({@link Budget}), then judges what they found
 * ({@link AuditFindings}) into one report card. The idle ladder runs on a thread of its own from the start; every
 * other part runs on a thread too, so that one which would overrun its share is interrupted (its scenario then
 * closes what it opened) and reported as skipped. The parts print nothing themselves: the audit prints a line per
 * part and the card.
 */
public final class AuditScenario implements Scenario {

  static final String TITLE = "Load Balancer Audit";
  private static final int HANDSHAKE_PINGS = 20;
  private static final double MIN_STICKY = 0.99;

  private final AuditSettings settings;
  private final DrainSection drainSection;

  public AuditScenario(AuditSettings settings, DrainSection drainSection) {
    this.settings = settings;
    this.drainSection = drainSection;
  }

  @Override
  public AuditReport run(Vertx vertx, ConsoleReport console) throws InterruptedException {
    long startNanos = System.nanoTime();
    try (BoundedParts threads = new BoundedParts(settings.budget());
         ScenarioRun run = ScenarioRun.begin(vertx, console, TITLE, settings.connect())) {
      AuditReport.Parts parts = new AuditReport.Parts();
      if (!run.health().ok() && run.health().failure().unreachable()) {
        Verdict verdict = new Verdict(Verdict.CANNOT_TEST, "Cannot reach the target: "
          + run.health().failure().detail(), List.of(), false);
        console.verdict(verdict);
        return new AuditReport(run.started(), run.elapsedMs(), settings, plan(false, startNanos), run.health(),
          new LbRecognition(null, "not reached", false), List.of(), verdict, parts);
      }
      ConnectSettings connect = settings.connect();
      Expected expected = expected(run);
      // the drain's share of the budget only when it can run: else the idle ladder gets it
      DrainOutcome noDrain = drainAccess(vertx);
      Budget budget = plan(noDrain == null, startNanos);
      long windowEnd = startNanos + budget.preamble().plus(budget.window()).toNanos();
      long partsEnd = startNanos + budget.total().minus(budget.reserve()).toNanos();
      console.detail("Budget " + budget.describe());
      if (noDrain != null && settings.drain()) {
        console.line(Glyph.HINT, "drain: skipped: " + noDrain.skippedReason());
      }

      BoundedParts.Started<IdleTimeoutReport> idle = null;
      if (!budget.ladder().isEmpty()) {
        IdleTimeoutScenario idleScenario = new IdleTimeoutScenario(idleSettings(budget));
        idle = threads.start("the ladder", () -> idleScenario.run(vertx, console.part("idle-timeout")));
        console.line(Glyph.ROUNDS, "idle-timeout: ladder " + String.join(", ", budget.ladder().stream()
          .map(Durations::format).toList()) + " of silent sockets and of sockets pinging every "
          + Durations.format(budget.keepaliveInterval()) + ", in the background");
      }

      BalancerProbe probe = run.closeAtEnd(new BalancerProbe(vertx, connect.headers(), connect.timeout().toMillis(),
        connect.insecure()), BalancerProbe::close);
      Ran<BalancerProbe.Answers> answers = part(threads, console, "probe", deadline(Part.PROBE, windowEnd),
        () -> ScenarioRun.await(probe.probe(settings.target())), a -> "asked the balancer for its own answers");
      parts.probe = answers.result();
      Ran<HandshakeReport> handshake = part(threads, console, "handshake", deadline(Part.HANDSHAKE, windowEnd),
        () -> new HandshakeScenario(handshakeSettings()).run(vertx, console.part("handshake")),
        r -> r.verdict().headline());
      parts.handshake = handshake.result();
      boolean upgraded = handshake.result() != null && handshake.result().observation().upgrade().upgraded();
      String noWebSocket = handshake.result() == null ? "the handshake did not finish: " + handshake.notDone()
        : "no WebSocket through the load balancer (see handshake: upgrade)";

      Ran<SpreadReport> spread = null;
      Ran<SpreadReport> spreadHold = null;
      Ran<StickyReport> sticky = null;
      if (upgraded && expected.problem() == null) {
        spread = part(threads, console, "spread", deadline(Part.SPREAD, windowEnd),
          () -> new SpreadScenario(spreadSettings(expected.count(), false)).run(vertx, console.part("spread")),
          r -> r.verdict().headline());
        spreadHold = part(threads, console, "spread --hold", deadline(Part.SPREAD_HOLD, windowEnd),
          () -> new SpreadScenario(spreadSettings(expected.count(), true))
            .run(vertx, console.part("spread --hold")),
          r -> r.verdict().headline());
        parts.spread = spread.result();
        parts.spreadHold = spreadHold.result();
      }
      if (upgraded) {
        sticky = part(threads, console, "sticky", deadline(Part.STICKY, windowEnd),
          () -> new StickyScenario(new StickySettings(connect, settings.connections(), MIN_STICKY, true))
            .run(vertx, console.part("sticky")), r -> "affinity " + r.affinity().summary());
        parts.sticky = sticky.result();
      }

      Ran<IdleTimeoutReport> idleRan = null;
      if (idle != null) {
        if (!upgraded) {
          idle.stop();
        } else {
          idleRan = idle.await(windowEnd);
          parts.idle = idleRan.result();
          console.line(idleRan.result() != null ? Glyph.OK : Glyph.WARN, "idle-timeout: " + (idleRan.result() != null
            ? idleRan.result().verdict().headline() : "skipped: " + idleRan.notDone()));
        }
      }

      DrainOutcome drain = noDrain != null ? noDrain
        : drain(vertx, console, upgraded ? null : noWebSocket, budget, partsEnd);
      parts.drain = drain;

      LbRecognition lb = settings.lb() != null ? LbRecognition.given(settings.lb())
        : LbRecognition.of(evidence(answers.result(), handshake.result(), sticky == null ? null : sticky.result()));
      LbType type = lb.type();

      List<CardLine> card = new ArrayList<>();
      if (handshake.result() == null) {
        card.add(CardLine.skipped(AuditFindings.HANDSHAKE, "handshake", handshake.notDone()));
      } else if (handshake.result().checks().isEmpty()) {
        card.add(new CardLine(AuditFindings.HANDSHAKE, HandshakeChecks.UPGRADE, CheckStatus.FAIL,
          handshake.result().verdict().headline(), ""));
      } else {
        card.addAll(AuditFindings.handshake(handshake.result().checks(), type));
      }
      card.add(spreadLine(AuditFindings.ONE_BY_ONE, spread, expected, upgraded ? null : noWebSocket, type));
      card.add(spreadLine(AuditFindings.HELD_OPEN, spreadHold, expected, upgraded ? null : noWebSocket, type));
      if (!upgraded || sticky.result() == null) {
        card.add(CardLine.skipped(AuditFindings.STICKY, AuditFindings.STICKY, !upgraded ? noWebSocket
          : sticky.notDone()));
      } else {
        StickyReport s = sticky.result();
        card.add(AuditFindings.sticky(s.replay(), s.control(), s.affinity(), settings.sticky(), type));
      }
      card.addAll(idleLines(budget, idleRan, upgraded ? null : noWebSocket, type));
      card.addAll(AuditFindings.drain(drain, type, soakCommand()));

      Verdict verdict = handshake.result() != null
        && handshake.result().verdict().exitCode() == Verdict.CANNOT_TEST
        ? handshake.result().verdict() : AuditFindings.verdict(card, settings.failOnWarn());
      printCard(console, lb, card);
      console.verdict(verdict);
      return new AuditReport(run.started(), run.elapsedMs(), settings, budget, run.health(), lb, card, verdict,
        parts);
    }
  }

  /** How many instances spread expects, and where that number came from; or why it cannot know. */
  private record Expected(int count, String source, String problem) {
    String text() {
      return count + " (" + source + ")";
    }
  }

  private Expected expected(ScenarioRun run) throws InterruptedException {
    ExpectedInstances given = settings.expectInstances();
    if (given != null && !given.fromClusterView()) {
      return new Expected(given.count(), "--expect-instances", null);
    }
    ClusterView view = run.clusterView();
    if (view.up() && view.replicaCount() > 0) {
      return new Expected(view.replicaCount(), "the replicas GET /cluster lists", null);
    }
    if (given != null) {
      ExpectedInstances.Resolved resolved = given.resolve(run);
      return new Expected(0, "cluster", resolved.problem());
    }
    return new Expected(2, "the default: no cluster view; --expect-instances K to say how many", null);
  }

  private long deadline(Part part, long windowEnd) {
    long left = windowEnd - System.nanoTime();
    return System.nanoTime() + Budget.share(part, Duration.ofNanos(Math.max(0, left))).toNanos();
  }

  /** Runs one foreground part until {@code deadlineNanos} ({@link BoundedParts}) and prints how it went. */
  private static <T> Ran<T> part(BoundedParts threads, ConsoleReport console, String name, long deadlineNanos,
                                 Callable<T> body, Function<T, String> summary) throws InterruptedException {
    Ran<T> ran = threads.run(name, deadlineNanos, body);
    if (ran.result() != null) {
      console.line(Glyph.ROUNDS, name + ": " + summary.apply(ran.result()) + " ("
        + String.format(Locale.ROOT, "%.1f s", ran.ms() / 1000.0) + ")");
    } else {
      console.line(Glyph.WARN, name + ": skipped: " + ran.notDone());
    }
    return ran;
  }

  /** The budget, planned now: what has been spent since {@code startNanos} comes off the window. */
  private Budget plan(boolean drain, long startNanos) {
    return Budget.plan(settings.budget(), settings.connect().timeout(), drain,
      Duration.ofNanos(System.nanoTime() - startNanos));
  }

  /**
   * Null when the drain rehearsal can run; else its outcome, skipped: turned off, or the admin toggles cannot be used
   * (the rehearsal's own probe, asked before the budget is planned).
   */
  private DrainOutcome drainAccess(Vertx vertx) throws InterruptedException {
    if (!settings.drain()) {
      return DrainOutcome.skipped("turned off with --no-drain");
    }
    return ScenarioRun.await(drainSection.access(vertx, settings.connect(), settings.adminToken()))
      .map(DrainOutcome::skipped).orElse(null);
  }

  /** @param noWebSocket why there is no WebSocket through the balancer, or null when there is one */
  private DrainOutcome drain(Vertx vertx, ConsoleReport console, String noWebSocket, Budget budget, long partsEnd)
    throws InterruptedException {
    if (noWebSocket != null) {
      return DrainOutcome.skipped(noWebSocket);
    }
    Duration left = Duration.ofNanos(partsEnd - System.nanoTime());
    Duration share = left.compareTo(budget.drain()) < 0 ? left : budget.drain();
    if (share.compareTo(Budget.MIN_DRAIN) < 0) {
      return DrainOutcome.skipped("budget: " + Durations.format(Duration.ofMillis(Math.max(0, share.toMillis())))
        + " of --budget " + Durations.format(settings.budget()) + " left, the rehearsal needs "
        + Durations.format(Budget.MIN_DRAIN));
    }
    long started = System.nanoTime();
    // the rehearsal keeps to its budget itself; a second more here only catches one that does not
    CompletableFuture<DrainOutcome> outcome = drainSection.rehearse(vertx, settings.connect(), settings.adminToken(),
      share.minusSeconds(1), settings.direct(), console.part("drain")).toCompletionStage().toCompletableFuture();
    DrainOutcome result;
    try {
      result = outcome.get(share.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result = DrainOutcome.skipped("budget: the rehearsal did not end within its share of --budget ("
        + Durations.format(share) + ")");
    } catch (ExecutionException e) {
      result = DrainOutcome.skipped("the rehearsal could not run: " + Failure.rootMessage(e));
    }
    console.line(result.attempted() ? Glyph.ROUNDS : Glyph.HINT, "drain: " + (result.attempted()
      ? result.closes() + " closes, " + result.lost() + " of " + result.sent() + " messages lost"
      : "skipped: " + result.skippedReason()) + String.format(Locale.ROOT, " (%.1f s)", (System.nanoTime() - started) / 1e9));
    return result;
  }

  private CardLine spreadLine(String check, Ran<SpreadReport> ran, Expected expected, String noWebSocket, LbType lb) {
    if (noWebSocket != null) {
      return CardLine.skipped(AuditFindings.SPREAD, check, noWebSocket);
    }
    if (expected.problem() != null) {
      return new CardLine(AuditFindings.SPREAD, check, CheckStatus.FAIL, expected.problem(), "");
    }
    if (ran.result() == null) {
      return CardLine.skipped(AuditFindings.SPREAD, check, ran.notDone());
    }
    return AuditFindings.spread(check, ran.result().overall(), ran.result().verdict(), expected.text(), lb);
  }

  private List<CardLine> idleLines(Budget budget, Ran<IdleTimeoutReport> ran, String noWebSocket, LbType lb) {
    List<String> checks = List.of("idle timeout", "ping keepalive");
    if (noWebSocket != null) {
      return AuditFindings.skipped(AuditFindings.IDLE, checks, noWebSocket);
    }
    if (budget.ladder().isEmpty()) {
      return AuditFindings.skipped(AuditFindings.IDLE, checks, "budget (--budget "
        + Durations.format(settings.budget()) + " leaves no room for an idle ladder next to --timeout "
        + Durations.format(settings.connect().timeout()) + ")");
    }
    if (ran.result() == null) {
      return AuditFindings.skipped(AuditFindings.IDLE, checks, ran.notDone());
    }
    IdleTimeoutReport report = ran.result();
    if (report.verdict().exitCode() == Verdict.CANNOT_TEST) {
      return AuditFindings.skipped(AuditFindings.IDLE, checks, report.verdict().headline());
    }
    return List.of(
      AuditFindings.idleTimeout(AuditFindings.mode(report.summary(), Keepalive.NONE), settings.minIdle(), lb),
      AuditFindings.keepalive(AuditFindings.mode(report.summary(), Keepalive.PING), lb));
  }

  private HandshakeSettings handshakeSettings() {
    WsTarget target = settings.target();
    String origin = (target.ssl() ? "https://" : "http://") + target.hostPort();
    return new HandshakeSettings(settings.connect(), settings.direct(), "wstest.check", origin, HANDSHAKE_PINGS,
      settings.report());
  }

  private TestLbSettings spreadSettings(int expected, boolean hold) {
    return new TestLbSettings(settings.connect(), settings.report(), settings.connections(), hold, 1, expected, true,
      false, null, null);
  }

  private IdleTimeoutSettings idleSettings(Budget budget) {
    return new IdleTimeoutSettings(settings.connect(), settings.report(), 1, budget.longestRung(), budget.ladder(),
      List.of(Keepalive.NONE, Keepalive.PING), budget.keepaliveInterval(), null, false);
  }

  /** The soak command for this target, for the drain section when it is skipped. */
  private String soakCommand() {
    return "'test-lb soak --url " + settings.target().url() + " --duration 3m'";
  }

  /** What the probe, the handshake and the sticky run saw of the balancer. */
  static LbRecognition.Evidence evidence(BalancerProbe.Answers answers, HandshakeReport handshake,
                                         StickyReport sticky) {
    List<Map.Entry<String, String>> answerHeaders = new ArrayList<>();
    List<Map.Entry<String, String>> requestSeen = new ArrayList<>();
    if (answers != null) {
      answerHeaders.addAll(answers.healthHeaders());
    }
    if (handshake != null && handshake.observation().upgrade() != null) {
      answerHeaders.addAll(handshake.observation().upgrade().responseHeaders());
      JsonObject welcome = handshake.observation().upgrade().welcome();
      if (welcome != null && welcome.getValue(Fields.REQUEST) instanceof JsonObject request
        && request.getValue(Fields.HEADERS) instanceof JsonArray headers) {
        for (Object h : headers) {
          if (h instanceof JsonArray pair && pair.size() == 2) {
            requestSeen.add(Map.entry(String.valueOf(pair.getValue(0)), String.valueOf(pair.getValue(1))));
          }
        }
      }
    }
    List<String> cookies = sticky == null ? List.of()
      : sticky.affinity().cookiesSet().stream().map(CookieJar.StoredCookie::name).distinct().toList();
    return new LbRecognition.Evidence(answerHeaders, requestSeen, cookies, answers == null ? null : answers.refusal());
  }

  private static void printCard(ConsoleReport console, LbRecognition lb, List<CardLine> card) {
    console.blank();
    console.line(Glyph.RESULTS, "Report card - load balancer: " + lb.shown() + " (" + lb.because() + ")");
    for (CardLine line : card) {
      Glyph glyph = switch (line.status()) {
        case PASS -> Glyph.OK;
        case WARN -> Glyph.WARN;
        case FAIL -> Glyph.FAIL;
        case SKIPPED -> Glyph.HINT;
      };
      console.line(glyph, line.name() + (line.status() == CheckStatus.SKIPPED ? ": skipped: " : ": ")
        + line.measured());
      if (!line.fix().isEmpty()) {
        console.detail("fix: " + line.fix());
      }
    }
    console.blank();
  }
}
