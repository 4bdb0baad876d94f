package io.wstest.client.weights;

import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.SpreadStats;
import io.wstest.client.stats.SpreadStatsTest;
import io.wstest.client.stats.Weights;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grouping by an identity field, the per-group check, unmatched values and the weights verdict. */
class WeightSplitTest {

  private static final WsTarget TARGET = new WsTarget("http", false, "127.0.0.1", 8080, "/ws");

  /** {@code count} connections to {@code pod}, whose identity carries {@code version} (null: no such field). */
  private static void add(List<ConnectionResult> results, String pod, String version, int count) {
    for (int i = 0; i < count; i++) {
      ConnectionResult r = SpreadStatsTest.served(results.size() + 1, pod, 1, 1);
      if (version != null) {
        r.identity().put("version", version);
      }
      results.add(r);
    }
  }

  private static WeightSplit split(List<ConnectionResult> results, String weights) {
    return WeightSplit.of(SpreadStats.of(results, null), Weights.parse(weights), "version", 0.95);
  }

  private static Verdict verdict(List<ConnectionResult> results, String weights) {
    WeightsSettings settings = new WeightsSettings(null, Weights.parse(weights), "version", results.size(), 1, 0.95);
    SpreadStats stats = SpreadStats.of(results, null);
    return WeightsScenario.verdict(settings, new ConnectionRunner.Run(TARGET, results, 0, 1), stats,
      WeightSplit.of(stats, settings.weights(), "version", 0.95));
  }

  private static List<ConnectionResult> threeToOne() {
    List<ConnectionResult> results = new ArrayList<>();
    add(results, "a", "v1", 75);
    add(results, "b", "v1", 75);
    add(results, "c", "v2", 50);
    return results;
  }

  @Test
  void instancesAreGroupedByTheFieldAndEachGroupChecked() {
    WeightSplit split = split(threeToOne(), "v1=3,v2=1");
    assertEquals(200, split.total());
    assertEquals(List.of("v1", "v2"), split.groups().stream().map(WeightSplit.Group::name).toList());
    WeightSplit.Group v1 = split.groups().get(0);
    assertEquals(150, v1.count());
    assertEquals(2, v1.instances().size());
    assertEquals(0.75, v1.expectedShare());
    assertEquals(0.75, v1.share());
    assertEquals(0.6857, v1.interval().lower(), 5e-5);
    assertTrue(v1.inside());
    assertTrue(split.matches());
    assertEquals(0.0, split.chiSquare().statistic(), 1e-12);
    assertEquals("0.00 (df 1, p=1.000)", split.chiSquareText());
    assertEquals(5.96, split.widestHalfWidthPoints(), 0.01);
    assertEquals("v1: 150 connections (75.0%), 95% interval 68.6%..80.5%, expected 75.0%: inside", v1.line());
    assertEquals(Verdict.PASS, verdict(threeToOne(), "v1=75,v2=25").exitCode());
  }

  @Test
  void aClaimOutsideTheIntervalsFails() {
    WeightSplit even = split(threeToOne(), "v1=50,v2=50");
    assertFalse(even.matches());
    assertFalse(even.groups().get(0).inside());
    // chi-square for reference: (150-100)^2/100 + (50-100)^2/100 = 50, df 1
    assertEquals(50.0, even.chiSquare().statistic(), 1e-12);
    Verdict verdict = verdict(threeToOne(), "v1=9,v2=1");
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertEquals("The split does not match --weights v1=9,v2=1", verdict.headline());
    assertEquals("v1: expected 90.0%, observed 75.0% (150 of 200); its 95% interval is 68.6%..80.5%",
      verdict.problems().get(0));
  }

  @Test
  void aValueNoWeightNamesIsReportedAndFails() {
    WeightSplit split = split(threeToOne(), "v1=1");
    assertEquals(1, split.unmatched().size());
    WeightSplit.Group v2 = split.unmatched().get(0);
    assertEquals("v2", v2.name());
    assertEquals(50, v2.count());
    assertNull(v2.inside());
    assertFalse(split.matches());
    assertTrue(Double.isInfinite(split.chiSquare().statistic()));
    assertTrue(split.chiSquareText().startsWith("infinite"), split.chiSquareText());
    JsonObject json = split.toJson().getJsonArray("unmatched").getJsonObject(0);
    assertEquals("v2", json.getString("value"));
    assertFalse(json.containsKey("expected_share"));
    Verdict verdict = verdict(threeToOne(), "v1=1");
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertEquals("an instance with version 'v2' (50 connections, 25.0%: websocket-test-service-c) matches no "
      + "--weights name", verdict.problems().get(0));
  }

  @Test
  void aZeroWeightPassesOnlyWhenNothingLandsThere() {
    List<ConnectionResult> onlyV1 = new ArrayList<>();
    add(onlyV1, "a", "v1", 40);
    assertTrue(split(onlyV1, "v1=100,v2=0").matches());
    assertEquals(0, split(onlyV1, "v1=100,v2=0").groups().get(1).count(), "a named group with no instance");
    assertFalse(split(threeToOne(), "v1=100,v2=0").matches());
  }

  @Test
  void instancesWithoutTheFieldFormTheirOwnUnmatchedGroup() {
    List<ConnectionResult> results = new ArrayList<>();
    add(results, "old", null, 10);
    add(results, "new", "v2", 10);
    WeightSplit split = split(results, "v1=1,v2=1");
    assertEquals(List.of(WeightSplit.NO_VALUE), split.unmatched().stream().map(WeightSplit.Group::name).toList());
    assertEquals(0, split.groups().get(0).count());
  }

  @Test
  void failuresAndNothingConnectedFail() {
    List<ConnectionResult> results = threeToOne();
    results.add(SpreadStatsTest.failed(201, Failure.closed("welcome", (short) 1001, "going away")));
    Verdict verdict = verdict(results, "v1=3,v2=1");
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertEquals("Canary split test failed", verdict.headline());
    assertEquals(List.of("1 of 201 connections failed (closed: 1)"), verdict.problems());

    List<ConnectionResult> none = List.of(SpreadStatsTest.failed(1, Failure.closed("welcome", (short) 1011, "x")));
    Verdict nothing = verdict(none, "v1=1");
    assertTrue(nothing.problems().contains("no connection succeeded: there is no split to check"), nothing.problems().toString());
    assertEquals("n/a (no connection)", split(none, "v1=1").chiSquareText());
    assertEquals("n/a (one category)", split(threeToOne().subList(0, 10), "v1=1").chiSquareText());
  }
}
