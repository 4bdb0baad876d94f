package io.wstest.client.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.spread.EndpointReport;
import io.wstest.client.spread.TestLbSettings;
import io.wstest.client.stats.SpreadStats;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Pass or fail, and why. Exit codes: 0 pass; 1 the target answered but the test failed (too few instances,
 * skew, weights, failed connections); 2 the target could not be reached at all (usage errors also exit 2,
 * from picocli).
 *
 * @param singleInstance every successful connection of some endpoint reached one instance although spreading
 *                       was expected: the seed's troubleshooting hints apply
 */
public record Verdict(int exitCode, String headline, List<String> problems, boolean singleInstance) {

  public static final int PASS = 0;
  public static final int FAIL = 1;
  /** Usage error, or the target could not be reached at all: nothing was tested. */
  public static final int CANNOT_TEST = 2;
  /** Below this p-value the observed spread is taken to differ from --weights. */
  public static final double WEIGHTS_ALPHA = 0.01;

  public boolean passed() {
    return exitCode == PASS;
  }

  /** Exit 2 when every attempt failed without reaching any server (nothing was tested), else null. */
  public static Verdict unreachable(List<ConnectionResult> all) {
    if (!all.isEmpty() && all.stream().noneMatch(ConnectionResult::ok)
      && all.stream().allMatch(r -> r.failure().unreachable())) {
      return new Verdict(CANNOT_TEST, "Cannot reach the target: " + all.get(0).failure().detail(), List.of(), false);
    }
    return null;
  }

  public static Verdict evaluate(TestLbSettings settings, List<EndpointReport> endpoints) {
    Verdict unreachable = unreachable(endpoints.stream().flatMap(e -> e.run().results().stream()).toList());
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
          + failureSummary(stats) + ")");
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
      return new Verdict(FAIL, singleInstance && problems.size() == singleInstanceProblems
        ? "All connections went to the same instance - load balancing may not be working"
        : "Load balancer test failed", List.copyOf(problems), singleInstance);
    }
    return new Verdict(PASS, spread
      ? "Load balancing is working - traffic distributed across multiple instances"
      : "Test passed - every check held (--expect-instances " + settings.expectInstances() + ")", List.of(), false);
  }

  public static String failureSummary(SpreadStats stats) {
    return stats.failuresByKind().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
      .collect(Collectors.joining(", "));
  }

  public JsonObject toJson() {
    return new JsonObject().put("passed", passed()).put("exit_code", exitCode).put("summary", headline)
      .put("problems", new JsonArray(new ArrayList<>(problems)));
  }
}
