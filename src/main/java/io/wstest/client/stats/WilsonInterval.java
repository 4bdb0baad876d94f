package io.wstest.client.stats;

import io.vertx.core.json.JsonObject;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.exception.NoBracketingException;
import org.apache.commons.math3.special.Erf;

/**
 * The Wilson score interval for a binomial proportion: where the true share of a group probably lies, given that
 * {@code successes} of {@code trials} connections landed in it. Unlike the textbook p ± z·√(p(1−p)/n) it stays
 * inside 0..1 and keeps its coverage for small counts and shares near 0 or 1 (a 10 % canary, a 0-weight group),
 * which is where canary checks live. The normal quantile is Apache Commons Math's.
 */
public record WilsonInterval(double lower, double upper, double confidence) {

  /** Below this tail probability the normal quantile is solved for instead of inverted. */
  private static final double TAIL = 1e-10;
  /** Φ(−38.5) is below the smallest double: no quantile is further out. */
  private static final double LOWEST_Z = -38.5;
  /** Evaluated only, never sampled: no random generator (the default one is costly to seed). */
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

  /** Room for floating-point rounding when a share sits exactly on a bound (0 of n, n of n). */
  private static final double EDGE = 1e-12;

  public static WilsonInterval of(long successes, long trials, double confidence) {
    if (trials < 1 || successes < 0 || successes > trials) {
      throw new IllegalArgumentException("need 0 <= successes <= trials and trials >= 1, got " + successes + " of "
        + trials);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be between 0 and 1 (exclusive), got " + confidence);
    }
    double z = normalQuantile(1 - (1 - confidence) / 2);
    double n = trials;
    double p = successes / n;
    double z2n = z * z / n;
    double centre = (p + z2n / 2) / (1 + z2n);
    double half = z * Math.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n);
    double lower = successes == 0 ? 0 : Math.max(0, centre - half);
    double upper = successes == trials ? 1 : Math.min(1, centre + half);
    return new WilsonInterval(lower, upper, confidence);
  }

  public boolean contains(double share) {
    return share >= lower - EDGE && share <= upper + EDGE;
  }

  public JsonObject toJson() {
    return new JsonObject().put("method", "wilson").put("confidence", confidence)
      .put("lower", LatencySummary.round(lower)).put("upper", LatencySummary.round(upper));
  }

  /** "68.6%..80.5%". */
  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%.1f%%..%.1f%%", lower * 100, upper * 100);
  }

  /**
   * The standard normal quantile Φ⁻¹(p), for 0 &lt; p &lt; 1. Below {@value #TAIL} (and above 1 minus it) the
   * library's inverse, erfInv(2p − 1), loses p to rounding (2p − 1 is −1 for p = 1e-20): there z is found from
   * Φ(z) = p on the logarithmic scale, with the library's root finder and its erfc, which stay exact in the tail.
   */
  public static double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("normalQuantile needs 0 < p < 1, got " + p);
    }
    if (p >= TAIL && p <= 1 - TAIL) {
      return STANDARD_NORMAL.inverseCumulativeProbability(p);
    }
    double logTail = Math.log(Math.min(p, 1 - p));
    double z;
    try {
      z = new BrentSolver(1e-14).solve(500, x -> Math.log(0.5 * Erf.erfc(-x / Math.sqrt(2))) - logTail,
        LOWEST_Z, 0);
    } catch (NoBracketingException belowTheSmallestDouble) {
      z = LOWEST_Z;
    }
    return p < 0.5 ? z : -z;
  }
}
