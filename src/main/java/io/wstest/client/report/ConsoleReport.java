package io.wstest.client.report;

import io.wstest.client.socket.Failure;
import io.wstest.client.socket.HealthCheck;

import java.io.PrintWriter;
import java.util.stream.Collectors;

import static io.wstest.client.report.TerminalText.safe;

/**
 * The human-readable output every scenario prints through, line for line like the seed's test_lb.py: the banner,
 * the health check, glyph lines, detail lines, a live status line, the verdict. Emoji only on a terminal; a
 * progress bar instead of per-connection lines for runs over {@value #PROGRESS_BAR_OVER} connections on a terminal.
 * It is also the one place that makes what servers sent safe for a terminal: every text a caller hands in is
 * escaped by {@link TerminalText}; only the report's own frame (glyphs, indentation, line breaks) is not.
 */
public final class ConsoleReport {

  public static final int PROGRESS_BAR_OVER = 50;
  /** Failure lines printed per endpoint before the rest are only counted in the summary. */
  public static final int MAX_FAILURE_LINES = 20;

  private final PrintWriter out;
  private final boolean emoji;
  private final boolean terminal;
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
    out.println(g(Glyph.START) + " Starting " + safe(title));
    out.println("=".repeat(50));
    out.println(g(Glyph.HEALTH) + " Testing health check: " + safe(healthUrl));
    out.flush();
  }

  public void health(HealthCheck.Result health) {
    if (health.skipped() != null) {
      out.println(g(Glyph.HINT) + " No health check: " + safe(health.skipped()));
    } else if (health.ok()) {
      out.println(g(Glyph.OK) + " Health check OK - Instance: " + safe(health.displayName()));
    } else {
      out.println(g(Glyph.WARN) + " Health check failed: " + safe(health.failure().detail()));
    }
    out.flush();
  }

  /** An empty line between sections. */
  public void blank() {
    clearStatus();
    out.println();
    out.flush();
  }

  /**
   * A progress bar for a run of {@code total} connections, or null when per-connection lines are printed instead:
   * off a terminal, or for runs of at most {@value #PROGRESS_BAR_OVER} connections.
   */
  public ProgressBar progressBar(int total) {
    return terminal && total > PROGRESS_BAR_OVER ? new ProgressBar(out, total) : null;
  }

  public void verdict(Verdict verdict) {
    clearStatus();
    if (verdict.exitCode() == Verdict.CANNOT_TEST) {
      out.println(g(Glyph.FAIL) + " " + safe(verdict.headline()));
    } else if (verdict.passed()) {
      out.println(g(Glyph.OK) + " " + safe(verdict.headline()));
    } else {
      out.println(g(Glyph.WARN) + " " + safe(verdict.headline()));
      if (!verdict.headline().startsWith("All connections went")) {
        out.println(verdict.problems().stream().map(p -> "   - " + safe(p)).collect(Collectors.joining("\n")));
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
    out.println(g(glyph) + " " + safe(text));
    out.flush();
  }

  /** An indented detail line under the previous one. */
  public void detail(String text) {
    clearStatus();
    out.println("   " + safe(text));
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
    String shown = safe(text);
    out.print("\r   " + shown + " ".repeat(Math.max(0, statusWidth - shown.length())));
    statusWidth = shown.length();
    out.flush();
  }

  private void clearStatus() {
    if (statusWidth > 0) {
      out.print("\r" + " ".repeat(statusWidth + 3) + "\r");
      statusWidth = 0;
    }
  }

  public void error(String message) {
    out.println(g(Glyph.FAIL) + " " + safe(message));
    out.flush();
  }
}
