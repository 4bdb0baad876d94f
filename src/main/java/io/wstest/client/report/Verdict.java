package io.wstest.client.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.stats.SpreadStats;

import java.util.ArrayList;
import java.util.List;

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

  public static String failureSummary(SpreadStats stats) {
    return Tallies.failures(stats.failuresByKind());
  }

  public JsonObject toJson() {
    return new JsonObject().put("passed", passed()).put("exit_code", exitCode).put("summary", headline)
      .put("problems", new JsonArray(new ArrayList<>(problems)));
  }
}
