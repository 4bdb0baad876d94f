package io.wstest.client.weights;

import io.vertx.core.Vertx;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.Scenario;
import io.wstest.client.run.ScenarioRun;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.SpreadStats;
import io.wstest.options.Fractions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static io.wstest.client.run.ScenarioRun.await;

/**
 * {@code test-lb weights}: health check, N connections to one endpoint, the instances that served them grouped by
 * an identity field, each group's share checked against {@code --weights}.
 */
public final class WeightsScenario implements Scenario {

  public static final String TITLE = "Canary Split Test";

  private final WeightsSettings settings;

  WeightsScenario(WeightsSettings settings) {
    this.settings = settings;
  }

  @Override
  public WeightsReport run(Vertx vertx, ConsoleReport console) throws InterruptedException {
    ConnectSettings connect = settings.connect();
    WsTarget target = settings.target();
    try (ScenarioRun scenario = ScenarioRun.begin(vertx, console, TITLE, connect)) {
      ConnectionRunner runner = scenario.closeAtEnd(new ConnectionRunner(vertx, connect.headers(), connect.timeout(),
        connect.insecure(), settings.connections() + settings.concurrency()), ConnectionRunner::close);
      console.line(Glyph.ROUNDS, settings.connections() + " connections" + (settings.concurrency() > 1
        ? ", " + settings.concurrency() + " at a time" : ", one after another") + ", grouped by "
        + settings.field() + " against --weights " + settings.weightsText());
      console.detail("URL: " + target.url());
      ConnectionRunner.Run run = await(runner.run(target, settings.connections(), settings.concurrency(), false,
        new Progress(console)));
      SpreadStats stats = SpreadStats.of(run.results(), null);
      WeightSplit split = WeightSplit.of(stats, settings.weights(), settings.field(), settings.confidence());
      Verdict unreachable = Verdict.unreachable(run.results());
      if (unreachable == null) {
        results(console, stats, split);
      }
      Verdict verdict = unreachable != null ? unreachable : verdict(settings, run, stats, split);
      console.verdict(verdict);
      return new WeightsReport(scenario.started(), scenario.elapsedMs(), settings, scenario.health(), run, stats,
        split, verdict);
    }
  }

  /** Pass when every connection succeeded, no field value is unmatched and every expected share is inside its interval. */
  public static Verdict verdict(WeightsSettings settings, ConnectionRunner.Run run, SpreadStats stats, WeightSplit split) {
    List<String> problems = new ArrayList<>();
    if (run.notAttempted() > 0) {
      problems.add("stopped after " + stats.attempted() + " attempts: the target did not answer");
    }
    if (stats.failed() > 0) {
      problems.add(stats.failed() + " of " + stats.attempted() + " connections failed ("
        + Verdict.failureSummary(stats) + ")");
    }
    if (split.total() == 0) {
      problems.add("no connection succeeded: there is no split to check");
    }
    for (WeightSplit.Group g : split.unmatched()) {
      problems.add(String.format(Locale.ROOT, "%s %s '%s' (%d connection%s, %.1f%%: %s) matches no --weights name",
        g.instances().size() == 1 ? "an instance with" : g.instances().size() + " instances with", split.field(),
        g.name(), g.count(), g.count() == 1 ? "" : "s", g.share() * 100, g.instances().stream()
          .map(SpreadStats.InstanceCount::displayName).collect(Collectors.joining(", "))));
    }
    for (WeightSplit.Group g : split.groups()) {
      if (g.interval() != null && !g.inside()) {
        problems.add(String.format(Locale.ROOT, "%s: expected %.1f%%, observed %.1f%% (%d of %d); its %s interval "
            + "is %s", g.name(), g.expectedShare() * 100, g.share() * 100, g.count(), split.total(),
          Fractions.percent(split.confidence()), g.interval()));
      }
    }
    if (problems.isEmpty()) {
      return new Verdict(Verdict.PASS, "The split matches --weights " + settings.weightsText() + " (every expected "
        + "share inside its " + Fractions.percent(split.confidence()) + " interval)", List.of(), false);
    }
    return new Verdict(Verdict.FAIL, split.total() > 0 && !split.matches()
      ? "The split does not match --weights " + settings.weightsText() : "Canary split test failed",
      List.copyOf(problems), false);
  }

  private static void results(ConsoleReport console, SpreadStats stats, WeightSplit split) {
    console.line(Glyph.RESULTS, String.format(Locale.ROOT, "Split by %s (%d of %d connected; %s Wilson score "
      + "intervals):", split.field(), stats.succeeded(), stats.attempted(), Fractions.percent(split.confidence())));
    List<WeightSplit.Group> all = new ArrayList<>(split.groups());
    all.addAll(split.unmatched());
    for (WeightSplit.Group g : all) {
      console.detail(g.line());
      if (!g.instances().isEmpty()) {
        console.detail("   " + g.instances().stream().map(i -> i.displayName() + " " + i.count())
          .collect(Collectors.joining(", ")));
      }
    }
    if (split.total() > 0) {
      console.detail("Chi-square vs weights " + split.chiSquareText() + ", for reference");
      console.detail(String.format(Locale.ROOT, "With %d connections the intervals are up to +/-%.1f points wide; "
        + "more connections narrow them.", split.total(), split.widestHalfWidthPoints()));
    }
    if (stats.failed() > 0) {
      console.detail("Failed: " + stats.failed() + " of " + stats.attempted() + " (" + Verdict.failureSummary(stats)
        + ")");
    }
  }

  /** Failures as they happen (the first {@value ConsoleReport#MAX_FAILURE_LINES}) and a status line on a terminal. */
  private static final class Progress implements Consumer<ConnectionResult> {
    private final ConsoleReport console;
    private int done;
    private int failed;

    Progress(ConsoleReport console) {
      this.console = console;
    }

    @Override
    public void accept(ConnectionResult r) {
      done++;
      if (!r.ok() && (++failed <= ConsoleReport.MAX_FAILURE_LINES
        || console.detailLevel() == ConsoleReport.Detail.VERBOSE)) {
        console.line(Glyph.FAIL, "Connection-" + r.index() + " failed [" + r.failure().kind().label() + "]: "
          + r.failure().detail());
      }
      console.status(done + " connections done" + (failed > 0 ? ", " + failed + " failed" : ""));
    }
  }
}
