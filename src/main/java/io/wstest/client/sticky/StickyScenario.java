package io.wstest.client.sticky;

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
import java.util.Map;
import java.util.function.Consumer;

import static io.wstest.client.run.ScenarioRun.await;

/**
 * {@code test-lb sticky}: health check, then the replay run (K connections one after another, each sending back
 * the cookies earlier handshakes set, plus the user's {@code --header} values), then the control run (K
 * connections carrying neither), then the sticky share, the affinity source and the verdict. One connection at a
 * time, so each one carries what the previous handshake answered, as a browser's cookie jar would.
 */
public final class StickyScenario implements Scenario {

  public static final String TITLE = "Sticky Session Test";

  private final StickySettings settings;

  public StickyScenario(StickySettings settings) {
    this.settings = settings;
  }

  @Override
  public StickyReport run(Vertx vertx, ConsoleReport console) throws InterruptedException {
    ConnectSettings connect = settings.connect();
    WsTarget target = settings.target();
    try (ScenarioRun run = ScenarioRun.begin(vertx, console, TITLE, connect)) {
      // No headers of the runner's own: the replay run adds the user's to each attempt, the control run none. Room
      // for every socket, as spread has: a socket still closing must not hold up the next attempt's connect.
      ConnectionRunner runner = run.closeAtEnd(new ConnectionRunner(vertx, List.of(), connect.timeout(),
        connect.insecure(), settings.connections() + 1), ConnectionRunner::close);

      CookieJar jar = new CookieJar();
      settings.headerCookies().forEach(jar::seed);
      console.line(Glyph.ROUNDS, "Replay run: " + settings.connections() + " connections one after another, "
        + "sending back the cookies the load balancer sets" + (settings.connect().headers().isEmpty() ? ""
        : " and " + settings.connect().headers().size() + " --header value(s)"));
      console.detail("URL: " + target.url());
      Progress replayProgress = new Progress("Replay run", console, true);
      StickyRun replay = StickyRun.of("replay", await(runner.run(target, settings.connections(), 1, false,
        index -> replayHeaders(jar, target), result -> {
          // On the runner's context, before the next attempt asks for its headers.
          jar.receive(target, result.index(), result.handshake().response("Set-Cookie"));
          replayProgress.accept(result);
        })));
      Verdict unreachable = Verdict.unreachable(replay.run().results());

      StickyRun control = null;
      if (unreachable == null && settings.control()) {
        console.line(Glyph.ROUNDS, "Control run: " + settings.connections()
          + " connections with no cookies and no --header values");
        control = StickyRun.of("control", await(runner.run(target, settings.connections(), 1, false,
          new Progress("Control run", console, false))));
      }
      Affinity affinity = Affinity.of(replay, control, settings.minSticky(), jar, target, settings.otherHeaders());
      if (unreachable == null) {
        results(console, replay, control, affinity);
      }
      Verdict verdict = unreachable != null ? unreachable : verdict(settings.minSticky(), replay);
      console.verdict(verdict);
      return new StickyReport(run.started(), run.elapsedMs(), settings, run.health(), replay, control, affinity,
        verdict);
    }
  }

  /** The user's non-cookie --header values, and one Cookie header from the jar (its --header cookies included). */
  private List<Map.Entry<String, String>> replayHeaders(CookieJar jar, WsTarget target) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(settings.otherHeaders());
    String cookie = jar.cookieHeader(target);
    if (cookie != null) {
      headers.add(Map.entry("Cookie", cookie));
    }
    return headers;
  }

  /**
   * Pass when no connection failed and at least {@code minSticky} of the connections after the first returned to
   * the first one's instance; the control run never decides, it explains.
   */
  public static Verdict verdict(double minSticky, StickyRun replay) {
    List<String> problems = new ArrayList<>();
    SpreadStats stats = replay.stats();
    if (replay.run().notAttempted() > 0) {
      problems.add("stopped after " + stats.attempted() + " attempts: the target did not answer");
    }
    if (stats.failed() > 0) {
      problems.add(stats.failed() + " of " + stats.attempted() + " connections failed ("
        + Verdict.failureSummary(stats) + ")");
    }
    boolean measured = replay.share() != null;
    if (!measured) {
      problems.add("fewer than 2 connections succeeded: there is nothing to compare with the first");
    } else if (replay.share() < minSticky) {
      problems.add("only " + replay.shareText() + " connections returned to " + replay.first().displayName()
        + ", below --min-sticky " + Fractions.percent(minSticky));
    }
    String headline = measured ? replay.shareText() + " connections returned to " + replay.first().displayName()
      + " (--min-sticky " + Fractions.percent(minSticky) + ")" : "";
    if (problems.isEmpty()) {
      return new Verdict(Verdict.PASS, "Sticky: " + headline, List.of(), false);
    }
    return new Verdict(Verdict.FAIL, measured && replay.share() < minSticky ? "Not sticky: " + headline
      : "Sticky session test failed", List.copyOf(problems), false);
  }

  private static void results(ConsoleReport console, StickyRun replay, StickyRun control, Affinity affinity) {
    console.line(Glyph.RESULTS, "Sticky session results:");
    runLines(console, "Replay run (cookies and --header values sent back)", replay);
    if (control != null) {
      runLines(console, "Control run (no cookies, no --header values)", control);
    }
    if (affinity.cookiesSet().isEmpty()) {
      console.detail("Cookies set by the load balancer: none");
    } else {
      affinity.cookiesSet().forEach(c -> console.detail("Cookie set by the load balancer on connection "
        + c.setBy() + ": Set-Cookie: " + c.setCookie()));
    }
    console.detail("Affinity: " + affinity.summary());
    console.detail("   " + affinity.explanation());
  }

  private static void runLines(ConsoleReport console, String title, StickyRun run) {
    console.detail(title + ": " + run.shareText() + (run.first() == null ? ""
      : " returned to the first instance, " + run.first().displayName()));
    for (SpreadStats.InstanceCount i : run.stats().instances()) {
      console.detail(String.format(Locale.ROOT, "   %s: %d connections (%.1f%%)", i.displayName(), i.count(),
        i.share() * 100));
    }
    if (run.stats().failed() > 0) {
      console.detail("   Failed: " + run.stats().failed() + " of " + run.stats().attempted() + " ("
        + Verdict.failureSummary(run.stats()) + ")");
    }
  }

  /**
   * Live progress of one run: each failure, and in the replay run the first connection's line (with the cookies
   * the load balancer set) and a line for each later one that landed elsewhere (the first
   * {@value ConsoleReport#MAX_FAILURE_LINES} such lines); a status line on a terminal. The control run is expected
   * to move around, so it shows only failures. Called on the runner's context.
   */
  private static final class Progress implements Consumer<ConnectionResult> {
    private final String name;
    private final ConsoleReport console;
    private final boolean replay;
    private ConnectionResult first;
    private int done;
    private int returned;
    private int lines;

    Progress(String name, ConsoleReport console, boolean replay) {
      this.name = name;
      this.console = console;
      this.replay = replay;
    }

    @Override
    public void accept(ConnectionResult r) {
      done++;
      if (!r.ok()) {
        line(Glyph.FAIL, "Connection-" + r.index() + " failed [" + r.failure().kind().label() + "]: "
          + r.failure().detail());
      } else if (first == null) {
        first = r;
        if (replay) {
          List<String> setCookies = r.handshake().response("Set-Cookie");
          console.line(Glyph.PLUG, "Connection-" + r.index() + ": " + r.displayName() + (setCookies.isEmpty()
            ? " (no Set-Cookie)" : " (Set-Cookie: " + String.join(" | ", setCookies) + ")"));
        }
      } else if (r.instanceId().equals(first.instanceId())) {
        returned++;
      } else if (replay) {
        List<String> cookie = r.handshake().sent("Cookie");
        line(Glyph.WARN, "Connection-" + r.index() + ": " + r.displayName() + ", not the first instance"
          + (cookie.isEmpty() ? " (sent no cookie)" : " (sent Cookie: " + cookie.get(0) + ")"));
      }
      console.status(name + ": " + done + " done, " + returned + " returned to the first instance");
    }

    private void line(Glyph glyph, String text) {
      lines++;
      if (lines <= ConsoleReport.MAX_FAILURE_LINES || console.detailLevel() == ConsoleReport.Detail.VERBOSE) {
        console.line(glyph, text);
      } else if (lines == ConsoleReport.MAX_FAILURE_LINES + 1) {
        console.detail("(further connections are only counted in the summary; --verbose shows each)");
      }
    }
  }
}
