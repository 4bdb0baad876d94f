package io.wstest.client.soak;

import io.vertx.core.Vertx;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.Scenario;
import io.wstest.client.run.ScenarioRun;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.report.Tallies;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.ServerSideCounts;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.soak.ClusterBroadcasts;
import io.wstest.client.run.soak.SoakOutcome;
import io.wstest.client.run.soak.SoakRun;
import io.wstest.client.run.soak.SoakSettings;
import io.wstest.options.Durations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code test-lb soak}: does a rollout drop messages or connections? Health check, then {@link SoakRun} for the
 * duration, then the summary and the verdict. Runs on the caller's (non-Vert.x) thread; the soak ends by itself.
 */
public final class SoakScenario implements Scenario {

  static final String TITLE = "WebSocket soak test (does a rollout drop messages or connections?)";

  private final SoakSettings settings;

  SoakScenario(SoakSettings settings) {
    this.settings = settings;
  }

  @Override
  public SoakReport run(Vertx vertx, ConsoleReport console) throws InterruptedException {
    ConnectSettings connect = settings.connect();
    // a failed health check is only reported: the soak itself gives up at once when no socket can connect
    try (ScenarioRun run = ScenarioRun.begin(vertx, console, TITLE, connect)) {
      SoakRun soak = run.closeAtEnd(new SoakRun(vertx, settings, console), SoakRun::close);
      console.line(Glyph.ROUNDS, String.format(Locale.ROOT, "Holding %d sockets, %s messages/s each, for %s "
          + "(ramp-up %s); reconnecting whenever closed", settings.sockets(), HtmlReport.number(settings.rate()),
        Durations.format(settings.duration()), Durations.format(settings.rampUp())));
      connect.targets().forEach(t -> console.detail("URL: " + t.url()));
      // the service's own view before the soak's sockets exist: what the replicas hold of other clients
      ServerSideCounts atStart = run.health().ok() ? ServerSideCounts.of("start", run.clusterView(), Map.of()) : null;
      if (settings.clusterBroadcastEvery() != null) {
        console.detail("A cluster broadcast every " + Durations.format(settings.clusterBroadcastEvery())
          + " from one socket; every open socket should receive it");
      }
      console.detail("Roll out or restart replicas now.");
      SoakOutcome outcome = ScenarioRun.await(soak.run());
      SoakSummary summary = SoakSummary.of(outcome, soak.endMs(), settings.recoveryLimit());
      results(console, summary);
      ClusterBroadcasts.Counts broadcasts = soak.clusterBroadcastCounts();
      if (broadcasts != null) {
        console.detail(broadcasts.line());
      }
      ServerSideCounts atEnd = atStart != null ? ServerSideCounts.of("end", run.clusterView(), atEnd(summary))
        : null;
      if (atStart != null) {
        atStart.print(console, "of ours");
      }
      if (atEnd != null) {
        atEnd.print(console, "of ours at the end");
      }
      Verdict verdict = summary.verdict(settings);
      console.verdict(verdict);
      return new SoakReport(run.started(), run.elapsedMs(), settings, run.health(), summary, verdict, atStart, atEnd,
        broadcasts);
    }
  }

  public static void results(ConsoleReport console, SoakSummary s) {
    SoakOutcome o = s.outcome();
    SoakOutcome.MessageCounts m = o.messages();
    console.line(Glyph.RESULTS, "Soak results:");
    console.detail(String.format(Locale.ROOT, "Messages: %d sent, %d answered, %d lost (%d on sockets that closed, "
        + "%d unanswered at the end); %d not sent (socket not connected)", m.sent(), m.acknowledged(), m.lost(),
      m.lostAtClose(), m.unansweredAtEnd(), m.notSent()));
    console.detail("Server seq: " + o.seqGaps() + " skipped, " + o.seqOutOfOrder() + " out of order; answers out of "
      + "order: " + m.answersOutOfOrder() + ", unexpected: " + m.unexpectedAnswers());
    console.detail("Disconnects: " + s.disconnects() + (s.closes().isEmpty() ? "" : " (" + s.closesText() + ")")
      + ", " + s.abnormalCloses() + " abnormal");
    console.detail("Reconnects: " + s.reconnects() + (s.reconnectMs().isEmpty() ? "" : ", time to reconnect "
      + s.reconnectMs()) + "; " + s.reconnectsOnDraining() + " landed on a draining instance; " + s.unrecovered()
      + " unrecovered");
    if (!o.connectFailures().isEmpty()) {
      console.detail("Failed connection attempts: " + Tallies.failures(o.connectFailures()));
    }
    console.detail("Instances before: " + sharesText(s.before()));
    console.detail("Instances after:  " + sharesText(s.after())
      + (s.notConnectedAtEnd() > 0 ? " (" + s.notConnectedAtEnd() + " sockets not connected)" : ""));
  }

  /** The soak's sockets per instance when it ended, with the name it saw. */
  private static Map<String, Map.Entry<String, Integer>> atEnd(SoakSummary summary) {
    Map<String, Map.Entry<String, Integer>> ours = new LinkedHashMap<>();
    summary.after().forEach(s -> ours.put(s.instance().instanceId(),
      Map.entry(s.instance().displayName(), s.sockets())));
    return ours;
  }

  public static String sharesText(List<SoakSummary.InstanceShare> shares) {
    return shares.isEmpty() ? "none" : shares.stream().map(i -> i.instance().displayName() + " " + i.sockets())
      .collect(Collectors.joining(", "));
  }
}
