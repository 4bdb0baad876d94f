package io.wstest.client.spread;

import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.report.ProgressBar;
import io.wstest.client.report.Tallies;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.SpreadStats;

import java.util.List;
import java.util.Locale;

/**
 * The spread scenario's own console lines, as the seed's test_lb.py printed them: the endpoint header, a line pair
 * per connection (or a progress bar on a terminal for long runs), and the per-instance results with statistics.
 */
final class SpreadConsole {

  private final ConsoleReport console;
  private ProgressBar bar;
  private int done;
  private int failed;

  SpreadConsole(ConsoleReport console) {
    this.console = console;
  }

  void endpointStart(WsTarget target, TestLbSettings settings) {
    String what = switch (target.name()) {
      case "http" -> "HTTP WebSocket endpoint";
      case "raw" -> "raw WebSocket server";
      default -> "WebSocket endpoint";
    };
    console.blank();
    console.line(Glyph.ENDPOINT, "Testing " + what);
    console.line(Glyph.ROUNDS, "Testing " + settings.connections() + " connections for load balancing ("
      + mode(settings.hold(), settings.concurrency()) + ")");
    console.detail("URL: " + target.url());
    console.blank();
    done = 0;
    failed = 0;
    bar = console.progressBar(settings.connections());
  }

  /** How the connections are made, for the endpoint header: "one after another" only when that is true. */
  static String mode(boolean hold, int concurrency) {
    if (hold) {
      return "holding all open" + (concurrency > 1 ? ", opened " + concurrency + " at a time" : "");
    }
    return concurrency > 1 ? "each connected, pinged and closed, " + concurrency + " at a time" : "one after another";
  }

  void connection(ConnectionResult r) {
    done++;
    if (!r.ok()) {
      failed++;
      if (bar != null) {
        bar.clear();
      }
      console.connection(true, new ConsoleReport.Line(Glyph.FAIL, "Connection-" + r.index() + " failed ["
        + r.failure().kind().label() + "]: " + r.failure().detail()));
    } else if (bar == null) {
      console.connection(false, new ConsoleReport.Line(Glyph.PLUG, "Testing WebSocket: Connection-" + r.index()),
        new ConsoleReport.Line(Glyph.OK, "Connected to: " + r.displayName()
          + String.format(Locale.ROOT, " (connect %.1f ms, ping %.1f ms)", r.connectMs(), r.pingMs())));
    }
    if (bar != null) {
      bar.update(done, failed);
    }
  }

  /** After the last connection of an endpoint: how many lines were folded away. */
  void endpointEnd() {
    console.connectionsEnd();
  }

  void results(List<EndpointReport> endpoints) {
    console.blank();
    console.line(Glyph.RESULTS, "Load Balancing Results:");
    for (EndpointReport endpoint : endpoints) {
      SpreadStats s = endpoint.stats();
      if (endpoints.size() > 1) {
        console.detail("[" + endpoint.run().target().name() + "] " + endpoint.run().target().url());
      }
      for (SpreadStats.InstanceCount i : s.instances()) {
        console.detail(i.displayName() + ": " + i.count() + " connections"
          + String.format(Locale.ROOT, " (%.1f%%", i.share() * 100)
          + (i.expectedShare() == null ? "" : String.format(Locale.ROOT, ", expected %.1f%%", i.expectedShare() * 100))
          + ")");
      }
      console.detail(statsLine(s));
      if (!s.connectMs().isEmpty()) {
        console.detail("Connect: " + s.connectMs() + " | Ping: " + s.pingMs());
      }
      if (s.failed() > 0) {
        console.detail("Failed: " + s.failed() + " of " + s.attempted() + " (" + Verdict.failureSummary(s) + ")"
          + (s.closeCodes().isEmpty() ? "" : "; close codes " + Tallies.counts(s.closeCodes())));
      }
      if (endpoint.run().notAttempted() > 0) {
        console.detail("Not attempted: " + endpoint.run().notAttempted() + " (stopped: the target did not answer)");
      }
    }
  }

  static String statsLine(SpreadStats s) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d of %d connected, %d instance%s",
      s.succeeded(), s.attempted(), s.distinctInstances(), s.distinctInstances() == 1 ? "" : "s"));
    if (s.maxMinRatio() != null) {
      line.append(String.format(Locale.ROOT, " | max/min %.2f | CV %.3f", s.maxMinRatio(), s.coefficientOfVariation()));
    }
    SpreadStats.ChiSquareResult chi = s.chiSquare();
    if (chi != null && chi.pValue() != null) {
      line.append(String.format(Locale.ROOT, " | chi-square %s %.2f (df %d, p=%.3f)",
        chi.against().equals("even") ? "vs even" : "vs weights", chi.statistic(), chi.degreesOfFreedom(), chi.pValue()));
    }
    return line.toString();
  }
}
