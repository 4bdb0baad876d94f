package io.wstest.client.stats;

import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.FailureKind;
import io.wstest.client.socket.Welcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class SpreadStatsTest {

  public static ConnectionResult served(int index, String pod, double connectMs, double pingMs) {
    JsonObject welcome = new JsonObject().put("type", "welcome").put("instance_id", "id-" + pod)
      .put("service_identity", new JsonObject().put("instance_id", "id-" + pod).put("pod_name", pod)
        .put("display_name", "websocket-test-service-" + pod));
    return new ConnectionResult(index, "http", "ws://lb/ws", Welcome.parse(welcome), connectMs, pingMs, null);
  }

  public static ConnectionResult failed(int index, Failure failure) {
    return new ConnectionResult(index, "http", "ws://lb/ws", null, null, null, failure);
  }

  public static List<ConnectionResult> spread(int... perPod) {
    List<ConnectionResult> results = new ArrayList<>();
    for (int pod = 0; pod < perPod.length; pod++) {
      for (int i = 0; i < perPod[pod]; i++) {
        results.add(served(results.size() + 1, "pod-" + (char) ('a' + pod), results.size() + 1, 1));
      }
    }
    return results;
  }

  @Test
  void evenSpreadIsPerfect() {
    SpreadStats stats = SpreadStats.of(spread(4, 4, 4), null);
    assertEquals(3, stats.distinctInstances());
    assertEquals(12, stats.succeeded());
    assertEquals(1.0, stats.maxMinRatio());
    assertEquals(0.0, stats.coefficientOfVariation());
    assertEquals(0.0, stats.chiSquare().statistic());
    assertEquals(2, stats.chiSquare().degreesOfFreedom());
    assertEquals(1.0, stats.chiSquare().pValue());
    assertEquals(1.0 / 3, stats.instances().get(0).share(), 1e-12);
  }

  @Test
  void skewedSpreadHasRatioCvAndChiSquare() {
    SpreadStats stats = SpreadStats.of(spread(6, 3, 3), null);
    assertEquals("websocket-test-service-pod-a", stats.instances().get(0).displayName());
    assertEquals(6, stats.instances().get(0).count());
    assertEquals(2.0, stats.maxMinRatio());
    // mean 4, population sd sqrt((4+1+1)/3) = sqrt(2)
    assertEquals(Math.sqrt(2) / 4, stats.coefficientOfVariation(), 1e-12);
    // (6-4)^2/4 + 2 * (3-4)^2/4 = 1.5, df 2: p = exp(-0.75)
    assertEquals(1.5, stats.chiSquare().statistic(), 1e-12);
    assertEquals(Math.exp(-0.75), stats.chiSquare().pValue(), 1e-12);
  }

  @Test
  void weightsAreMatchedByPodNameAndTested() {
    Weights weights = Weights.parse("pod-a=3,pod-b=1");
    SpreadStats stats = SpreadStats.of(spread(30, 10), weights);
    assertEquals("weights", stats.chiSquare().against());
    assertEquals(0.0, stats.chiSquare().statistic(), 1e-12);
    assertEquals(0.75, stats.instances().get(0).expectedShare(), 1e-12);
    SpreadStats even = SpreadStats.of(spread(20, 20), weights);
    // (20-30)^2/30 + (20-10)^2/10 = 13.33, df 1
    assertEquals(40.0 / 3, even.chiSquare().statistic(), 1e-9);
    assertTrue(even.chiSquare().pValue() < 0.001);
    SpreadStats stranger = SpreadStats.of(spread(5, 5, 1), weights);
    assertTrue(Double.isInfinite(stranger.chiSquare().statistic()), "an unweighted instance got traffic");
    assertEquals(0.0, stranger.chiSquare().pValue());
  }

  @Test
  void oneInstanceHasNoPValueAndFailuresAreCountedByKind() {
    List<ConnectionResult> results = new ArrayList<>(spread(3));
    results.add(failed(4, Failure.of(FailureKind.REFUSED, "connect", "refused")));
    results.add(failed(5, Failure.closed("welcome", (short) 1008, "policy")));
    results.add(failed(6, Failure.closed("pong", null, null)));
    results.add(failed(7, new Failure(FailureKind.HANDSHAKE_STATUS, "connect", "502", 502, null)));
    SpreadStats stats = SpreadStats.of(results, null);
    assertEquals(7, stats.attempted());
    assertEquals(4, stats.failed());
    assertNull(stats.chiSquare().pValue());
    assertEquals(1, stats.failuresByKind().get("refused"));
    assertEquals(2, stats.failuresByKind().get("closed"));
    assertEquals(1, stats.closeCodes().get(1008));
    assertEquals(1, stats.closeCodes().get(1006));
    assertEquals(1, stats.httpStatuses().get(502));
    JsonObject json = stats.toJson();
    assertEquals(1, json.getJsonObject("close_codes").getInteger("1006"));
    assertEquals(3, json.getJsonObject("ping_ms").getInteger("count"));
  }

  @Test
  void percentilesAreNearestRank() {
    List<Double> millis = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      millis.add((double) i);
    }
    LatencySummary summary = LatencySummary.of(millis);
    assertEquals(50.0, summary.p50());
    assertEquals(90.0, summary.p90());
    assertEquals(99.0, summary.p99());
    assertEquals(100.0, summary.max());
    LatencySummary one = LatencySummary.of(List.of(7.0));
    assertEquals(7.0, one.p50());
    assertEquals(7.0, one.p99());
    assertTrue(LatencySummary.of(List.of()).isEmpty());
  }
}
