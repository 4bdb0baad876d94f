package io.wstest.client.stats;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.wire.Fields;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

/**
 * How a set of connections was spread over instances, and how they fared: counts and shares per instance,
 * max/min ratio and coefficient of variation of the counts, Pearson's chi-square against an even spread over
 * the instances that answered (or against {@code --weights}), latency percentiles and failures by kind.
 */
public record SpreadStats(
  int attempted,
  int succeeded,
  List<InstanceCount> instances,
  Double maxMinRatio,
  Double coefficientOfVariation,
  ChiSquareResult chiSquare,
  LatencySummary connectMs,
  LatencySummary pingMs,
  Map<String, Integer> failuresByKind,
  Map<Integer, Integer> closeCodes,
  Map<Integer, Integer> httpStatuses) {

  /** One instance's tally; {@code weightName} and {@code expectedShare} are set when weights were given. */
  public record InstanceCount(String instanceId, String displayName, JsonObject identity, int count, double share,
                              String weightName, Double expectedShare) {

    public JsonObject toJson() {
      JsonObject json = new JsonObject()
        .put(Fields.INSTANCE_ID, instanceId)
        .put(Fields.DISPLAY_NAME, displayName)
        .put(Fields.POD_NAME, identity.getString(Fields.POD_NAME))
        .put("count", count)
        .put("share", LatencySummary.round(share));
      if (expectedShare != null) {
        json.put("weight_name", weightName).put("expected_share", LatencySummary.round(expectedShare));
      }
      return json.put(Fields.SERVICE_IDENTITY, identity);
    }
  }

  /** @param pValue null when there is only one category (nothing to compare) */
  public record ChiSquareResult(String against, double statistic, int degreesOfFreedom, Double pValue) {
    public JsonObject toJson() {
      return new JsonObject().put("against", against)
        .put("statistic", Double.isInfinite(statistic) ? null : LatencySummary.round(statistic))
        .put("infinite", Double.isInfinite(statistic))
        .put("degrees_of_freedom", degreesOfFreedom)
        .put("p_value", pValue);
    }
  }

  public int failed() {
    return attempted - succeeded;
  }

  public int distinctInstances() {
    return instances.size();
  }

  public static SpreadStats of(List<ConnectionResult> results, Weights weights) {
    Map<String, List<ConnectionResult>> byInstance = new LinkedHashMap<>();
    List<Double> connect = new ArrayList<>();
    List<Double> ping = new ArrayList<>();
    Map<String, Integer> failures = new TreeMap<>();
    Map<Integer, Integer> closeCodes = new TreeMap<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    int succeeded = 0;
    for (ConnectionResult r : results) {
      if (r.connectMs() != null) {
        connect.add(r.connectMs());
      }
      if (r.ok()) {
        succeeded++;
        ping.add(r.pingMs());
        byInstance.computeIfAbsent(r.instanceId(), k -> new ArrayList<>()).add(r);
      } else {
        failures.merge(r.failure().kind().label(), 1, Integer::sum);
        if (r.failure().closeCode() != null) {
          closeCodes.merge((int) r.failure().closeCode(), 1, Integer::sum);
        }
        if (r.failure().httpStatus() != null) {
          statuses.merge(r.failure().httpStatus(), 1, Integer::sum);
        }
      }
    }
    List<InstanceCount> instances = new ArrayList<>();
    for (List<ConnectionResult> served : byInstance.values()) {
      ConnectionResult first = served.get(0);
      String weightName = weights == null ? null : weights.nameOf(first.instanceId(), first.identity());
      Double expectedShare = weights == null ? null
        : weightName == null ? 0.0 : weights.byName().get(weightName) / weights.total();
      instances.add(new InstanceCount(first.instanceId(), first.displayName(), first.identity(), served.size(),
        (double) served.size() / succeeded, weightName, expectedShare));
    }
    instances.sort(Comparator.comparingInt(InstanceCount::count).reversed()
      .thenComparing(InstanceCount::displayName, Comparator.nullsLast(Comparator.naturalOrder())));
    long[] counts = instances.stream().mapToLong(InstanceCount::count).toArray();
    return new SpreadStats(results.size(), succeeded, List.copyOf(instances), maxMinRatio(counts),
      coefficientOfVariation(counts), weights == null ? againstEven(counts) : againstWeights(instances, weights, succeeded),
      LatencySummary.of(connect), LatencySummary.of(ping), failures, closeCodes, statuses);
  }

  public static Double maxMinRatio(long[] counts) {
    if (counts.length == 0) {
      return null;
    }
    return (double) LongStream.of(counts).max().orElseThrow() / LongStream.of(counts).min().orElseThrow();
  }

  /** Population standard deviation of the counts divided by their mean: 0 is a perfectly even spread. */
  public static Double coefficientOfVariation(long[] counts) {
    if (counts.length == 0) {
      return null;
    }
    double mean = (double) LongStream.of(counts).sum() / counts.length;
    double variance = 0;
    for (long c : counts) {
      variance += (c - mean) * (c - mean);
    }
    return Math.sqrt(variance / counts.length) / mean;
  }

  public static ChiSquareResult againstEven(long[] counts) {
    if (counts.length == 0) {
      return null;
    }
    long total = LongStream.of(counts).sum();
    double[] expected = new double[counts.length];
    java.util.Arrays.fill(expected, (double) total / counts.length);
    return result("even", counts, expected);
  }

  /** Categories are the weight names plus every instance that matched none (expected 0 there). */
  public static ChiSquareResult againstWeights(List<InstanceCount> instances, Weights weights, int total) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (InstanceCount i : instances) {
      counts.merge(i.weightName() != null ? i.weightName() : "unmatched:" + i.instanceId(), (long) i.count(),
        Long::sum);
    }
    return againstWeights(counts, weights, total);
  }

  /**
   * Chi-square of counts by name against the weights: every weight name is a category (0 observed when absent),
   * and every other name in {@code counts} is one where nothing was expected (so any count there makes it infinite).
   */
  public static ChiSquareResult againstWeights(Map<String, Long> counts, Weights weights, long total) {
    Map<String, Long> observed = new LinkedHashMap<>();
    Map<String, Double> expected = new LinkedHashMap<>();
    weights.byName().forEach((name, w) -> {
      observed.put(name, 0L);
      expected.put(name, total * w / weights.total());
    });
    counts.forEach((name, n) -> {
      observed.merge(name, n, Long::sum);
      expected.putIfAbsent(name, 0.0);
    });
    long[] o = observed.values().stream().mapToLong(Long::longValue).toArray();
    double[] e = expected.values().stream().mapToDouble(Double::doubleValue).toArray();
    return result("weights", o, e);
  }

  private static ChiSquareResult result(String against, long[] observed, double[] expected) {
    double statistic = ChiSquare.statistic(observed, expected);
    int df = observed.length - 1;
    return new ChiSquareResult(against, statistic, df, df < 1 ? null : ChiSquare.survival(statistic, df));
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    instances.forEach(i -> list.add(i.toJson()));
    JsonObject failures = new JsonObject();
    failuresByKind.forEach(failures::put);
    JsonObject codes = new JsonObject();
    closeCodes.forEach((code, n) -> codes.put(Integer.toString(code), n));
    JsonObject statuses = new JsonObject();
    httpStatuses.forEach((status, n) -> statuses.put(Integer.toString(status), n));
    return new JsonObject()
      .put("attempted", attempted)
      .put("succeeded", succeeded)
      .put("failed", failed())
      .put("distinct_instances", distinctInstances())
      .put("instances", list)
      .put("max_min_ratio", maxMinRatio == null ? null : LatencySummary.round(maxMinRatio))
      .put("coefficient_of_variation", coefficientOfVariation == null ? null : LatencySummary.round(coefficientOfVariation))
      .put("chi_square", chiSquare == null ? null : chiSquare.toJson())
      .put("connect_ms", connectMs.toJson())
      .put("ping_ms", pingMs.toJson())
      .put("failures", failures)
      .put("close_codes", codes)
      .put("http_statuses", statuses);
  }
}
