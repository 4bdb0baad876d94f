package io.wstest.client.report;

import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.HealthCheck;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.spread.EndpointReport;
import io.wstest.client.spread.TestLbSettings;
import io.wstest.client.stats.SpreadStats;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The human-readable output, line for line like the seed's test_lb.py, with counts, shares and statistics
 * added. Emoji only on a terminal; a progress bar instead of per-connection lines for runs over
 * {@value #PROGRESS_BAR_OVER} connections on a terminal.
 */
public final class ConsoleReport {

  public static final int PROGRESS_BAR_OVER = 50;
  /** Failure lines printed per endpoint before the rest are only counted in the summary. */
  public static final int MAX_FAILURE_LINES = 20;

  private final PrintWriter out;
  private final boolean emoji;
  private final boolean terminal;
  private ProgressBar bar;
  private int done;
  private int failed;
  /** Length of the status line on screen, 0 when none is shown. */
  private int statusWidth;

  public ConsoleReport(PrintWriter out, boolean emoji, boolean terminal) {
    this.out = out;
    this.emoji = emoji;
    this.terminal = terminal;
  }

  private String g(Glyph glyph) {
    return glyph.text(emoji);
  }

  public void start(String healthUrl) {
    start("WebSocket Load Balancer Test", healthUrl);
  }

  /** The banner every scenario starts with, then the health-check line. */
  public void start(String title, String healthUrl) {
    out.println(g(Glyph.START) + " Starting " + title);
    out.println("=".repeat(50));
    out.println(g(Glyph.HEALTH) + " Testing health check: " + healthUrl);
    out.flush();
  }

  public void health(HealthCheck.Result health) {
    if (health.skipped() != null) {
      out.println(g(Glyph.HINT) + " No health check: " + health.skipped());
    } else if (health.ok()) {
      out.println(g(Glyph.OK) + " Health check OK - Instance: " + health.displayName());
    } else {
      out.println(g(Glyph.WARN) + " Health check failed: " + health.failure().detail());
    }
    out.flush();
  }

  public void endpointStart(WsTarget target, TestLbSettings settings) {
    String what = switch (target.name()) {
      case "http" -> "HTTP WebSocket endpoint";
      case "raw" -> "raw WebSocket server";
      default -> "WebSocket endpoint";
    };
    out.println();
    out.println(g(Glyph.ENDPOINT) + " Testing " + what);
    out.println(g(Glyph.ROUNDS) + " Testing " + settings.connections() + " connections for load balancing ("
      + mode(settings.hold(), settings.concurrency()) + ")");
    out.println("   URL: " + target.url());
    out.println();
    done = 0;
    failed = 0;
    bar = terminal && settings.connections() > PROGRESS_BAR_OVER ? new ProgressBar(out, settings.connections()) : null;
    out.flush();
  }

  /** How the connections are made, for the endpoint header: "one after another" only when that is true. */
  public static String mode(boolean hold, int concurrency) {
    if (hold) {
      return "holding all open" + (concurrency > 1 ? ", opened " + concurrency + " at a time" : "");
    }
    return concurrency > 1 ? "each connected, pinged and closed, " + concurrency + " at a time" : "one after another";
  }

  public void connection(ConnectionResult r) {
    done++;
    if (!r.ok()) {
      failed++;
      if (failed <= MAX_FAILURE_LINES) {
        if (bar != null) {
          bar.clear();
        }
        out.println(g(Glyph.FAIL) + " Connection-" + r.index() + " failed [" + r.failure().kind().label() + "]: "
          + r.failure().detail());
        if (failed == MAX_FAILURE_LINES) {
          out.println("   (further failures are only counted in the summary)");
        }
      }
    } else if (bar == null) {
      out.println(g(Glyph.PLUG) + " Testing WebSocket: Connection-" + r.index());
      out.println(g(Glyph.OK) + " Connected to: " + r.displayName()
        + String.format(Locale.ROOT, " (connect %.1f ms, ping %.1f ms)", r.connectMs(), r.pingMs()));
    }
    if (bar != null) {
      bar.update(done, failed);
    }
    out.flush();
  }

  public void results(List<EndpointReport> endpoints) {
    out.println();
    out.println(g(Glyph.RESULTS) + " Load Balancing Results:");
    for (EndpointReport endpoint : endpoints) {
      SpreadStats s = endpoint.stats();
      if (endpoints.size() > 1) {
        out.println("   [" + endpoint.run().target().name() + "] " + endpoint.run().target().url());
      }
      for (SpreadStats.InstanceCount i : s.instances()) {
        out.println("   " + i.displayName() + ": " + i.count() + " connections"
          + String.format(Locale.ROOT, " (%.1f%%", i.share() * 100)
          + (i.expectedShare() == null ? "" : String.format(Locale.ROOT, ", expected %.1f%%", i.expectedShare() * 100))
          + ")");
      }
      out.println("   " + statsLine(s));
      if (!s.connectMs().isEmpty()) {
        out.println("   Connect: " + s.connectMs() + " | Ping: " + s.pingMs());
      }
      if (s.failed() > 0) {
        out.println("   Failed: " + s.failed() + " of " + s.attempted() + " (" + Verdict.failureSummary(s) + ")"
          + (s.closeCodes().isEmpty() ? "" : " close codes " + s.closeCodes())
          + (s.httpStatuses().isEmpty() ? "" : " HTTP statuses " + s.httpStatuses()));
      }
      if (endpoint.run().notAttempted() > 0) {
        out.println("   Not attempted: " + endpoint.run().notAttempted() + " (stopped: the target did not answer)");
      }
    }
    out.flush();
  }

  public static String statsLine(SpreadStats s) {
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

  public void verdict(Verdict verdict) {
    clearStatus();
    if (verdict.exitCode() == Verdict.CANNOT_TEST) {
      out.println(g(Glyph.FAIL) + " " + verdict.headline());
    } else if (verdict.passed()) {
      out.println(g(Glyph.OK) + " " + verdict.headline());
    } else {
      out.println(g(Glyph.WARN) + " " + verdict.headline());
      if (!verdict.headline().startsWith("All connections went")) {
        out.println(verdict.problems().stream().map(p -> "   - " + p).collect(Collectors.joining("\n")));
      }
      if (verdict.singleInstance()) {
        out.println(g(Glyph.HINT) + " Troubleshooting:");
        out.println("   - Check the Service's sessionAffinity (must be None to spread connections):");
        out.println("     kubectl get svc websocket-test-service -o jsonpath='{.spec.sessionAffinity}'");
        out.println("   - Make sure several pods are running: kubectl get pods");
        out.println("   - Behind nginx, ip_hash sends a whole IPv4 /24 to one backend; sticky cookies pin a client");
      }
    }
    out.flush();
  }

  /** One line of a scenario's own output, led by a glyph (emoji on a terminal, ASCII otherwise). */
  public void line(Glyph glyph, String text) {
    clearStatus();
    out.println(g(glyph) + " " + text);
    out.flush();
  }

  /** An indented detail line under the previous one. */
  public void detail(String text) {
    clearStatus();
    out.println("   " + text);
    out.flush();
  }

  /**
   * A live status line for long scenarios (elapsed time, open sockets ...), redrawn in place on a terminal and
   * not printed at all otherwise, so CI logs get only the summary.
   */
  public void status(String text) {
    if (!terminal) {
      return;
    }
    out.print("\r   " + text + " ".repeat(Math.max(0, statusWidth - text.length())));
    statusWidth = text.length();
    out.flush();
  }

  private void clearStatus() {
    if (statusWidth > 0) {
      out.print("\r" + " ".repeat(statusWidth + 3) + "\r");
      statusWidth = 0;
    }
  }

  public void error(String message) {
    out.println(g(Glyph.FAIL) + " " + message);
    out.flush();
  }
}
