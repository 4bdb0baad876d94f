package io.wstest.client.idle;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.Scenario;
import io.wstest.client.run.ScenarioRun;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ClientSocket;
import io.wstest.client.socket.HealthCheck;
import io.wstest.options.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code test-lb idle-timeout}: what is the load balancer's idle timeout, and does a keepalive beat it? Holds
 * sockets on which the server's pings are off (the {@code server_ping} connection option), silent or with a
 * keepalive, until the load balancer cuts them or their idle time is over, then reports when and how each one was
 * cut. All sockets run at the same time on one Vert.x context; this thread only prints what they report.
 */
public final class IdleTimeoutScenario implements Scenario {

  static final String TITLE = "WebSocket Idle-Timeout Test";
  /** How often the status line is redrawn on a terminal. */
  private static final long STATUS_EVERY_MS = 1000;

  private final IdleTimeoutSettings settings;
  /** Kept in a field: a client only referenced from a local variable can be cleaned up mid-handshake. */
  private WebSocketClient client;

  public IdleTimeoutScenario(IdleTimeoutSettings settings) {
    this.settings = settings;
  }

  @Override
  public IdleTimeoutReport run(Vertx vertx, ConsoleReport console) throws InterruptedException {
    ConnectSettings connect = settings.connect();
    long timeoutMs = connect.timeout().toMillis();
    try (ScenarioRun run = ScenarioRun.begin(vertx, console, TITLE, connect)) {
      HealthCheck.Result health = run.health();
      client = run.closeAtEnd(ClientSocket.client(vertx, settings.totalSockets(), timeoutMs,
        connect.insecure()), WebSocketClient::close);
      List<IdleResult> results = List.of();
      if (health.ok() || !health.failure().unreachable()) {
        announce(console);
        results = hold(vertx, console, run.startNanos());
      }
      IdleTimeoutSummary summary = IdleTimeoutSummary.of(settings, results);
      Verdict verdict = results.isEmpty()
        ? new Verdict(Verdict.CANNOT_TEST, "Cannot reach the target: " + health.failure().detail(), List.of(), false)
        : summary.verdict(settings);
      if (!results.isEmpty()) {
        printSummary(console, summary);
      }
      console.verdict(verdict);
      return new IdleTimeoutReport(run.started(), run.elapsedMs(), settings, health, results, summary, verdict);
    }
  }

  private void announce(ConsoleReport console) {
    console.line(Glyph.ENDPOINT, "Endpoint: " + settings.target().url());
    String modes = settings.keepalives().stream().map(k -> k.label() + " (" + settings.describe(k) + ")")
      .reduce((a, b) -> a + ", " + b).orElse("");
    if (settings.ladderMode()) {
      console.line(Glyph.ROUNDS, "Ladder " + settings.ladder().stream().map(Durations::format)
        .reduce((a, b) -> a + ", " + b).orElse("") + ": one socket per rung stays idle that long, then must "
        + "answer a ping message (server pings off on every socket)");
    } else {
      console.line(Glyph.ROUNDS, "Holding " + settings.sockets() + " socket" + (settings.sockets() == 1 ? "" : "s")
        + " per keepalive mode with server pings off, until the load balancer cuts them or "
        + Durations.format(settings.maxIdle()) + " pass");
    }
    console.detail("Keepalive: " + modes);
  }

  /** Starts every socket at once and prints each as it finishes; returns them all, in plan order. */
  private List<IdleResult> hold(Vertx vertx, ConsoleReport console, long startNanos) throws InterruptedException {
    List<IdleSocket.Plan> plans = plans();
    BlockingQueue<IdleResult> finished = new LinkedBlockingQueue<>();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> plans.forEach(plan -> new IdleSocket(vertx, client, settings, plan).start()
      .onComplete(ar -> finished.add(ar.result()))));
    List<IdleResult> results = new ArrayList<>();
    int cut = 0;
    int survived = 0;
    // each socket ends by its own timers (steps of --timeout around the idle time); this only guards against a bug
    long timeoutMs = settings.connect().timeout().toMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.longestIdle().toMillis()
      + 5 * timeoutMs + 10_000);
    while (results.size() < plans.size()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException((plans.size() - results.size()) + " sockets did not finish in time");
      }
      IdleResult result = finished.poll(STATUS_EVERY_MS, TimeUnit.MILLISECONDS);
      if (result != null) {
        results.add(result);
        cut += result.lost() ? 1 : 0;
        survived += result.outcome() == IdleResult.Outcome.SURVIVED ? 1 : 0;
        printResult(console, result);
      }
      console.status(String.format(Locale.ROOT, "%.0f s of %s: %d waiting, %d cut, %d survived",
        (System.nanoTime() - startNanos) / 1e9, Durations.format(settings.longestIdle()),
        plans.size() - results.size(), cut, survived));
    }
    results.sort(Comparator.comparingInt(IdleResult::index));
    return results;
  }

  public List<IdleSocket.Plan> plans() {
    List<IdleSocket.Plan> plans = new ArrayList<>();
    for (Keepalive keepalive : settings.keepalives()) {
      if (settings.ladderMode()) {
        for (Duration rung : settings.ladder()) {
          plans.add(new IdleSocket.Plan(plans.size() + 1, keepalive, rung.toMillis(), rung.toMillis()));
        }
      } else {
        for (int i = 0; i < settings.sockets(); i++) {
          plans.add(new IdleSocket.Plan(plans.size() + 1, keepalive, null, settings.maxIdle().toMillis()));
        }
      }
    }
    return plans;
  }

  private static void printResult(ConsoleReport console, IdleResult r) {
    String head = "[" + r.keepalive().label() + "] " + r.name();
    switch (r.outcome()) {
      case FAILED -> console.line(Glyph.FAIL, head + " failed [" + r.failure().kind().label() + "]: "
        + r.failure().detail());
      case SURVIVED -> console.line(Glyph.OK, head + " on " + r.displayName() + ": survived "
        + IdleTimeoutSummary.ms(r.idleLimitMs()) + (r.keepalive() == Keepalive.NONE ? "" : " (" + r.keepalivesSent()
        + " keepalives sent, " + r.keepalivesAnswered() + " answered)"));
      default -> console.line(Glyph.PLUG, "[" + r.keepalive().label() + "] " + IdleTimeoutSummary.lostDetail(r));
    }
  }

  private void printSummary(ConsoleReport console, IdleTimeoutSummary summary) {
    console.line(Glyph.RESULTS, "Idle-Timeout Results:");
    for (IdleTimeoutSummary.ModeSummary m : summary.modes()) {
      console.detail("[" + m.keepalive().label() + "] " + m.description() + ": " + m.finding());
    }
  }
}
