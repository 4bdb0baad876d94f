package io.wstest.client.drain;

import io.vertx.core.Vertx;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.report.Tallies;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.Scenario;
import io.wstest.client.run.ScenarioRun;

import java.util.Locale;

/**
 * {@code test-lb drain}: health check, then {@link DrainRehearsal}, then its results and verdict. Runs on the caller's
 * (non-Vert.x) thread; the rehearsal ends by itself.
 */
public final class DrainScenario implements Scenario {

  static final String TITLE = "Drain rehearsal (does draining one replica through the load balancer cost anything?)";

  private final DrainSettings settings;

  DrainScenario(DrainSettings settings) {
    this.settings = settings;
  }

  @Override
  public DrainReport run(Vertx vertx, ConsoleReport console) throws InterruptedException {
    try (ScenarioRun run = ScenarioRun.begin(vertx, console, TITLE, settings.connect())) {
      DrainRehearsalResult result = ScenarioRun.await(DrainRehearsal.run(vertx, settings.connect(),
        settings.rehearsal(), console));
      results(console, result);
      Verdict verdict = result.verdict();
      console.verdict(verdict);
      return new DrainReport(run.started(), run.elapsedMs(), settings, run.health(), result, verdict);
    }
  }

  static void results(ConsoleReport console, DrainRehearsalResult r) {
    if (!r.attempted()) {
      return; // the verdict says why
    }
    console.line(Glyph.RESULTS, "Drain rehearsal results:");
    console.detail("Drained replica: " + r.name() + (r.drainedInstance() == null ? "" : " (instance "
      + r.drainedInstance() + ")") + "; it closed " + r.drainClosed() + " sockets, " + r.socketsOnDrained()
      + " of them the soak's");
    console.detail("Closes: " + r.closes1001() + " with 1001, " + r.closes1006() + " with 1006 (no close frame), "
      + r.otherCloses() + " otherwise");
    console.detail("Messages: " + r.sent() + " sent, " + r.lost() + " lost");
    console.detail(String.format(Locale.ROOT, "Reconnects: %d, time to reconnect p50 %s, p99 %s; %d landed on the "
        + "draining replica", r.reconnects(), DrainRehearsalResult.ms(r.reconnectP50Ms()),
      DrainRehearsalResult.ms(r.reconnectP99Ms()), r.reconnectsOnDrained()));
    if (!r.failedAttempts().isEmpty()) {
      console.detail("Failed connection attempts, each retried (the draining replica refuses with 503): "
        + Tallies.failures(r.failedAttempts()));
    }
    console.detail("Accepted back: " + (r.accepted() ? "yes" : "no") + " (" + r.acceptTries() + " POST "
      + DrainRehearsal.ACCEPT + (r.acceptTries() == 1 ? " request)" : " requests)"));
    r.notes().forEach(note -> console.detail("Note: " + note));
  }
}
