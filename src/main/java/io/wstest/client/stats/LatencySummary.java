package io.wstest.client.stats;

import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.Locale;

/** p50/p90/p99/max of a set of durations in milliseconds (nearest-rank percentiles); empty when none. */
public record LatencySummary(int count, double p50, double p90, double p99, double max) {

  public static LatencySummary of(Collection<Double> millis) {
    double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) {
      return new LatencySummary(0, 0, 0, 0, 0);
    }
    return new LatencySummary(sorted.length, percentile(sorted, 50), percentile(sorted, 90),
      percentile(sorted, 99), sorted[sorted.length - 1]);
  }

  /** Nearest rank: the smallest value with at least p % of the values at or below it. */
  public static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public boolean isEmpty() {
    return count == 0;
  }

  public JsonObject toJson() {
    if (isEmpty()) {
      return new JsonObject().put("count", 0);
    }
    return new JsonObject().put("count", count).put("p50", round(p50)).put("p90", round(p90))
      .put("p99", round(p99)).put("max", round(max));
  }

  public static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  @Override
  public String toString() {
    return isEmpty() ? "n/a" : String.format(Locale.ROOT, "p50 %.1f / p90 %.1f / p99 %.1f / max %.1f ms",
      p50, p90, p99, max);
  }
}
