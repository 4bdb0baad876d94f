package io.wstest.client.spread;

import io.vertx.core.Vertx;
import io.wstest.client.run.ExpectedInstances;
import io.wstest.client.run.Scenario;
import io.wstest.client.run.ScenarioRun;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.ServerSideCounts;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.SpreadStats;

import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The default test-lb scenario: health check, then N connections to each endpoint, then statistics and a
 * verdict. Runs on the caller's (non-Vert.x) thread and waits for each step; every step is bounded by the
 * timeout, so the test always ends.
 */
public final class SpreadScenario implements Scenario {

  static final String TITLE = "WebSocket Load Balancer Test";
  /** Below this p-value the observed spread is taken to differ from --weights. */
  public static final double WEIGHTS_ALPHA = 0.01;

  private final TestLbSettings given;

  public SpreadScenario(TestLbSettings settings) {
    this.given = settings;
  }

  @Override
  public SpreadReport run(Vertx vertx, ConsoleReport console) throws InterruptedException {
    try (ScenarioRun run = ScenarioRun.begin(vertx, console, TITLE, given.connect())) {
      TestLbSettings settings = given;
      if (settings.expectInstancesFromCluster()) {
        ExpectedInstances.Resolved expected = ExpectedInstances.fromCluster().resolve(run);
        if (expected.problem() != null) {
          Verdict verdict = new Verdict(Verdict.CANNOT_TEST, expected.problem(), List.of(), false);
          console.verdict(verdict);
          return new SpreadReport(run.started(), run.elapsedMs(), settings, run.health(), List.of(),
            SpreadStats.of(List.of(), settings.weights()), verdict, null);
        }
        settings = settings.expecting(expected.count());
        console.detail("Expecting " + expected.count() + " instances: the replicas GET /cluster lists ("
          + String.join(", ", expected.view().replicas().stream().map(r -> r.displayName()).toList()) + ")");
      }
      ConnectionRunner runner = run.closeAtEnd(new ConnectionRunner(vertx, settings.headers(), settings.timeout(),
        settings.insecure(), settings.connections() + settings.concurrency()), ConnectionRunner::close);
      SpreadConsole lines = new SpreadConsole(console);
      List<EndpointReport> endpoints = new ArrayList<>();
      List<ConnectionResult> all = new ArrayList<>();
      for (WsTarget target : settings.targets()) {
        lines.endpointStart(target, settings);
        ConnectionRunner.Run connections = ScenarioRun.await(runner.run(target, settings.connections(),
          settings.concurrency(), settings.hold(), lines::connection));
        lines.endpointEnd();
        endpoints.add(EndpointReport.of(connections, settings.weights()));
        all.addAll(connections.results());
      }
      lines.results(endpoints);
      SpreadStats overall = SpreadStats.of(all, settings.weights());
      ServerSideCounts serverSide = run.health().ok() ? ServerSideCounts.of("end", run.clusterView(), ours(overall))
        : null;
      if (serverSide != null) {
        serverSide.print(console, "of ours");
      }
      Verdict verdict = verdict(settings, endpoints);
      console.verdict(verdict, settings.expectInstancesGiven() ? List.of()
        : List.of("If one replica is all you run, say so: --expect-instances 1"));
      return new SpreadReport(run.started(), run.elapsedMs(), settings, run.health(), endpoints, overall, verdict,
        serverSide);
    }
  }

  /** The client's connections per instance id, with the name it saw. */
  private static Map<String, Map.Entry<String, Integer>> ours(SpreadStats overall) {
    Map<String, Map.Entry<String, Integer>> ours = new LinkedHashMap<>();
    overall.instances().forEach(i -> ours.put(i.instanceId(), Map.entry(i.displayName(), i.count())));
    return ours;
  }

  static Verdict verdict(TestLbSettings settings, List<EndpointReport> endpoints) {
    Verdict unreachable = Verdict.unreachable(endpoints.stream().flatMap(e -> e.run().results().stream()).toList());
    if (unreachable != null) {
      return unreachable;
    }
    List<String> problems = new ArrayList<>();
    boolean singleInstance = false;
    int singleInstanceProblems = 0;
    boolean spread = true;
    for (EndpointReport endpoint : endpoints) {
      String name = "[" + endpoint.run().target().name() + "] ";
      SpreadStats stats = endpoint.stats();
      if (endpoint.run().notAttempted() > 0) {
        problems.add(name + "stopped after " + stats.attempted() + " attempts: the target did not answer");
      }
      if (stats.failed() > 0) {
        problems.add(name + stats.failed() + " of " + stats.attempted() + " connections failed ("
          + Verdict.failureSummary(stats) + ")");
      }
      if (stats.succeeded() == 0) {
        spread = false;
        continue;
      }
      int distinct = stats.distinctInstances();
      spread &= distinct > 1;
      if (distinct < settings.expectInstances()) {
        if (distinct == 1) {
          singleInstance = true;
          singleInstanceProblems++;
          problems.add(name + "all " + stats.succeeded() + " connections reached the same instance ("
            + stats.instances().get(0).displayName() + ")"
            + (settings.expectInstancesGiven() ? ", expected " + settings.expectInstances() : ""));
        } else {
          problems.add(name + "only " + distinct + " instances answered, expected at least "
            + settings.expectInstances());
        }
      }
      if (settings.maxSkew() != null && stats.maxMinRatio() != null && stats.maxMinRatio() > settings.maxSkew()) {
        problems.add(name + String.format(Locale.ROOT, "max/min ratio %.2f is above --max-skew %s",
          stats.maxMinRatio(), settings.maxSkew()));
      }
      SpreadStats.ChiSquareResult chi = stats.chiSquare();
      if (settings.weights() != null && chi != null && chi.pValue() != null && chi.pValue() < WEIGHTS_ALPHA) {
        problems.add(name + String.format(Locale.ROOT,
          "the spread differs from --weights (chi-square %.2f, p=%.4f < %.2f)", chi.statistic(), chi.pValue(),
          WEIGHTS_ALPHA));
      }
    }
    if (!problems.isEmpty()) {
      return new Verdict(Verdict.FAIL, singleInstance && problems.size() == singleInstanceProblems
        ? "All connections went to the same instance - load balancing may not be working"
        : "Load balancer test failed", List.copyOf(problems), singleInstance);
    }
    return new Verdict(Verdict.PASS, spread
      ? "Load balancing is working - traffic distributed across multiple instances"
      : "Test passed - every check held (--expect-instances " + settings.expectInstances() + ")", List.of(), false);
  }
}
