package io.wstest.client.report;

import io.wstest.client.socket.Failure;
import io.wstest.client.socket.HealthCheck;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
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

  /**
   * How much a run prints. QUIET: only the results section (from the first {@link Glyph#RESULTS} line on), the
   * verdict and errors, for CI logs. NORMAL: everything, with per-connection lines folded off a terminal for runs
   * over {@value #FOLD_OVER} connections (failures stay). VERBOSE: every line of every connection, no progress bar.
   */
  public enum Detail { QUIET, NORMAL, VERBOSE }

  public static final int PROGRESS_BAR_OVER = 50;
  /** Off a terminal, runs of more connections than this print only the first {@value #FOLD_SHOWN} of them. */
  public static final int FOLD_OVER = 20;
  public static final int FOLD_SHOWN = 5;
  /** Failure lines printed per endpoint before the rest are only counted in the summary. */
  public static final int MAX_FAILURE_LINES = 20;

  private final PrintWriter out;
  private final boolean emoji;
  private final boolean terminal;
  private final Detail detail;
  /** In QUIET, true once the results section has begun. */
  private boolean inResults;
  /** Connections of the current run: how many to expect, shown one by one, and left out (folded). */
  private int connectionsTotal;
  private int connectionsShown;
  private int connectionsFolded;
  private int failureLines;
  /** Length of the status line on screen, 0 when none is shown. */
  private int statusWidth;

  public ConsoleReport(PrintWriter out, boolean emoji, boolean terminal) {
    this(out, emoji, terminal, Detail.NORMAL);
  }

  public ConsoleReport(PrintWriter out, boolean emoji, boolean terminal, Detail detail) {
    this.out = out;
    this.emoji = emoji;
    this.terminal = terminal;
    this.detail = detail;
  }

  public Detail detailLevel() {
    return detail;
  }

  /**
   * The console one part of a composite run prints to (the audit's handshake, spread, sticky and idle-timeout
   * runs). With --verbose: everything the part prints, every connection included, each line prefixed with
   * {@code name | } and written whole, since parts run side by side on threads of their own. Otherwise nothing:
   * the composite prints one line per part instead.
   */
  public ConsoleReport part(String name) {
    if (detail != Detail.VERBOSE) {
      return new ConsoleReport(new PrintWriter(Writer.nullWriter()), false, false, Detail.QUIET);
    }
    return new ConsoleReport(new PrintWriter(new PrefixedLines(out, name + " | ")), emoji, false,
      Detail.VERBOSE);
  }

  /** False in QUIET until the results section begins: lines before it are left out. */
  private boolean shows() {
    return detail != Detail.QUIET || inResults;
  }

  private String g(Glyph glyph) {
    return glyph.text(emoji);
  }

  public void start(String healthUrl) {
    start("WebSocket Load Balancer Test", healthUrl);
  }

  /** The banner every scenario starts with, then the health-check line. */
  public void start(String title, String healthUrl) {
    if (!shows()) {
      return;
    }
    out.println(g(Glyph.START) + " Starting " + safe(title));
    out.println("=".repeat(50));
    out.println(g(Glyph.HEALTH) + " Testing health check: " + safe(healthUrl));
    out.flush();
  }

  public void health(HealthCheck.Result health) {
    if (!shows()) {
      return;
    } else if (health.skipped() != null) {
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
    if (!shows()) {
      return;
    }
    clearStatus();
    out.println();
    out.flush();
  }

  /**
   * A progress bar for a run of {@code total} connections, or null when per-connection lines are printed instead:
   * off a terminal, or for runs of at most {@value #PROGRESS_BAR_OVER} connections, or with --verbose; also null
   * with --quiet, which prints no per-connection line at all. Starts counting the run's connections for
   * {@link #connection} either way.
   */
  public ProgressBar progressBar(int total) {
    connectionsStart(total);
    return detail == Detail.NORMAL && terminal && total > PROGRESS_BAR_OVER ? new ProgressBar(out, total) : null;
  }

  /** Starts a run of {@code total} connections whose lines go through {@link #connection}. */
  public void connectionsStart(int total) {
    connectionsTotal = total;
    connectionsShown = 0;
    connectionsFolded = 0;
    failureLines = 0;
  }

  /**
   * The lines of one connection. Failed ones are always shown (up to {@value #MAX_FAILURE_LINES} a run unless
   * --verbose); good ones off a terminal only for the first {@value #FOLD_SHOWN} when the run has over
   * {@value #FOLD_OVER} connections, the rest counted for {@link #connectionsEnd}. Nothing with --quiet.
   */
  public void connection(boolean failed, Line... lines) {
    if (detail == Detail.QUIET) {
      return;
    }
    if (failed) {
      failureLines++;
      if (detail == Detail.VERBOSE || failureLines <= MAX_FAILURE_LINES) {
        print(lines);
        if (detail != Detail.VERBOSE && failureLines == MAX_FAILURE_LINES) {
          detail("(further failures are only counted in the summary; --verbose shows each)");
        }
      }
      return;
    }
    boolean fold = detail == Detail.NORMAL && !terminal && connectionsTotal > FOLD_OVER
      && connectionsShown >= FOLD_SHOWN;
    if (fold) {
      connectionsFolded++;
    } else {
      connectionsShown++;
      print(lines);
    }
  }

  private void print(Line... lines) {
    for (Line l : lines) {
      line(l.glyph(), l.text());
    }
  }

  /** One glyph line of a connection's output. */
  public record Line(Glyph glyph, String text) {
  }

  /** Ends a run of connections: says how many good ones were left out, if any. */
  public void connectionsEnd() {
    if (connectionsFolded > 0) {
      detail("… " + connectionsFolded + " more connection" + (connectionsFolded == 1 ? "" : "s")
        + " (use --verbose or --json for each)");
      connectionsFolded = 0;
    }
  }

  public void verdict(Verdict verdict) {
    verdict(verdict, List.of());
  }

  /**
   * The verdict; when every connection reached one instance, the scenario's own {@code hints} come first under
   * "Troubleshooting", then the Kubernetes and load balancer ones.
   */
  public void verdict(Verdict verdict, List<String> hints) {
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
        hints.forEach(h -> out.println("   - " + safe(h)));
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
    if (glyph == Glyph.RESULTS) {
      inResults = true;
    }
    if (!shows()) {
      return;
    }
    clearStatus();
    out.println(g(glyph) + " " + safe(text));
    out.flush();
  }

  /** An indented detail line under the previous one. */
  public void detail(String text) {
    if (!shows()) {
      return;
    }
    clearStatus();
    out.println("   " + safe(text));
    out.flush();
  }

  /**
   * A live status line for long scenarios (elapsed time, open sockets ...), redrawn in place on a terminal and
   * not printed at all otherwise, so CI logs get only the summary.
   */
  public void status(String text) {
    if (!terminal || detail == Detail.QUIET) {
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
