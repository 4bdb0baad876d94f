package io.wstest.client.weights;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.stats.LatencySummary;
import io.wstest.client.stats.SpreadStats;
import io.wstest.client.stats.Weights;
import io.wstest.client.stats.WilsonInterval;
import io.wstest.options.Fractions;
import io.wstest.wire.Fields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The observed split of connections by one identity field (version, pod_name ...) against {@code --weights}: per
 * weight name its count, share, Wilson score interval and whether the expected share lies inside it; the field
 * values that no weight names ({@code unmatched}); and Pearson's chi-square over all of them for reference.
 *
 * <p>The split matches when nothing is unmatched and every expected share lies inside its interval. Each interval
 * has the chance {@code 1 - confidence} of missing a correct share by bad luck; with two groups both checks are the
 * same check (the intervals mirror each other), with more groups the chances add up.
 */
public record WeightSplit(String field, double confidence, int total, List<Group> groups, List<Group> unmatched,
                          SpreadStats.ChiSquareResult chiSquare) {

  /** What a group's instances report when they have no such field (an older service, a typo'd field). */
  public static final String NO_VALUE = "(none)";

  /**
   * One group: a weight name with its instances, or an unmatched field value.
   *
   * @param weight        null for an unmatched value
   * @param expectedShare null for an unmatched value
   * @param inside        whether the expected share lies inside the interval; null for an unmatched value
   */
  public record Group(String name, Double weight, Double expectedShare, int count, double share,
                      WilsonInterval interval, Boolean inside, List<SpreadStats.InstanceCount> instances) {

    public JsonObject toJson() {
      JsonArray list = new JsonArray();
      instances.forEach(i -> list.add(new JsonObject().put(Fields.INSTANCE_ID, i.instanceId())
        .put(Fields.DISPLAY_NAME, i.displayName()).put(Fields.POD_NAME, i.identity().getString(Fields.POD_NAME))
        .put("count", i.count())));
      JsonObject json = new JsonObject().put(weight == null ? "value" : "name", name);
      if (weight != null) {
        json.put("weight", weight).put("expected_share", LatencySummary.round(expectedShare));
      }
      json.put("count", count).put("share", LatencySummary.round(share))
        .put("interval", interval == null ? null : interval.toJson());
      if (weight != null) {
        json.put("inside", inside);
      }
      return json.put("instances", list);
    }

    /** "v1: 150 connections (75.0%), 95% interval 68.6%..80.5%, expected 75.0%: inside". */
    public String line() {
      String observed = String.format(Locale.ROOT, "%s: %d connection%s (%.1f%%)", name, count, count == 1 ? "" : "s",
        share * 100);
      String range = interval == null ? "" : ", " + Fractions.percent(interval.confidence()) + " interval " + interval;
      return observed + range + (weight == null ? ": matches no --weights name"
        : String.format(Locale.ROOT, ", expected %.1f%%: %s", expectedShare * 100, inside ? "inside" : "OUTSIDE"));
    }
  }

  /** Groups the instances of {@code stats} by {@code field} and checks each group against its weight. */
  public static WeightSplit of(SpreadStats stats, Weights weights, String field, double confidence) {
    int total = stats.succeeded();
    Map<String, List<SpreadStats.InstanceCount>> byValue = new LinkedHashMap<>();
    weights.byName().keySet().forEach(name -> byValue.put(name, new ArrayList<>()));
    for (SpreadStats.InstanceCount i : stats.instances()) {
      Object value = i.identity().getValue(field);
      byValue.computeIfAbsent(value == null ? NO_VALUE : value.toString(), k -> new ArrayList<>()).add(i);
    }
    List<Group> groups = new ArrayList<>();
    List<Group> unmatched = new ArrayList<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    byValue.forEach((name, instances) -> {
      int count = instances.stream().mapToInt(SpreadStats.InstanceCount::count).sum();
      counts.put(name, (long) count);
      double share = total == 0 ? 0 : (double) count / total;
      WilsonInterval interval = total == 0 ? null : WilsonInterval.of(count, total, confidence);
      Double weight = weights.byName().get(name);
      if (weight == null) {
        unmatched.add(new Group(name, null, null, count, share, interval, null, List.copyOf(instances)));
      } else {
        double expected = weight / weights.total();
        groups.add(new Group(name, weight, expected, count, share, interval,
          interval != null && interval.contains(expected), List.copyOf(instances)));
      }
    });
    SpreadStats.ChiSquareResult chi = total == 0 ? null : SpreadStats.againstWeights(counts, weights, total);
    return new WeightSplit(field, confidence, total, List.copyOf(groups), List.copyOf(unmatched), chi);
  }

  /** Nothing unmatched, and every expected share inside its interval. */
  public boolean matches() {
    return total > 0 && unmatched.isEmpty() && groups.stream().allMatch(Group::inside);
  }

  /** Half the width of the widest interval, in percentage points: how precisely this many connections measure. */
  public double widestHalfWidthPoints() {
    return groups.stream().filter(g -> g.interval() != null)
      .mapToDouble(g -> (g.interval().upper() - g.interval().lower()) * 50).max().orElse(0);
  }

  /** "0.03 (df 1, p=0.870)", or "infinite (...)" when a value nothing was expected for was seen. */
  public String chiSquareText() {
    if (chiSquare == null) {
      return "n/a (no connection)";
    }
    if (chiSquare.pValue() == null) {
      return "n/a (one category)";
    }
    return (Double.isInfinite(chiSquare.statistic()) ? "infinite"
      : String.format(Locale.ROOT, "%.2f", chiSquare.statistic()))
      + String.format(Locale.ROOT, " (df %d, p=%.3f)", chiSquare.degreesOfFreedom(), chiSquare.pValue());
  }

  public JsonObject toJson() {
    JsonArray groupList = new JsonArray();
    groups.forEach(g -> groupList.add(g.toJson()));
    JsonArray unmatchedList = new JsonArray();
    unmatched.forEach(g -> unmatchedList.add(g.toJson()));
    return new JsonObject()
      .put("field", field)
      .put("confidence", confidence)
      .put("total", total)
      .put("matches", matches())
      .put("groups", groupList)
      .put("unmatched", unmatchedList)
      .put("chi_square", chiSquare == null ? null : chiSquare.toJson());
  }
}
