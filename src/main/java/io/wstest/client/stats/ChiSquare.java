package io.wstest.client.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.special.Gamma;

/**
 * Pearson's chi-square test of observed counts against expected counts; the p-value is the chi-square survival
 * function of Apache Commons Math.
 */
public final class ChiSquare {

  private ChiSquare() {
  }

  /** Σ (observed − expected)² / expected; an observation where nothing was expected makes it infinite. */
  public static double statistic(long[] observed, double[] expected) {
    if (observed.length != expected.length) {
      throw new IllegalArgumentException("observed and expected differ in length");
    }
    double sum = 0;
    for (int i = 0; i < observed.length; i++) {
      if (expected[i] <= 0) {
        if (observed[i] > 0) {
          return Double.POSITIVE_INFINITY;
        }
        continue;
      }
      double diff = observed[i] - expected[i];
      sum += diff * diff / expected[i];
    }
    return sum;
  }

  /** P(X ≥ x) for X chi-square distributed with {@code degreesOfFreedom} degrees of freedom. */
  public static double survival(double x, int degreesOfFreedom) {
    if (degreesOfFreedom < 1) {
      throw new IllegalArgumentException("degrees of freedom must be at least 1");
    }
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 0;
    }
    // no random generator: the distribution is only evaluated, never sampled (the default one is costly to seed)
    return x <= 0 ? 1 : 1 - new ChiSquaredDistribution(null, degreesOfFreedom).cumulativeProbability(x);
  }

  /** Q(a, x) = Γ(a, x) / Γ(a), for a &gt; 0 and x ≥ 0. */
  public static double regularizedGammaQ(double a, double x) {
    if (a <= 0 || x < 0 || Double.isNaN(x)) {
      throw new IllegalArgumentException("regularizedGammaQ needs a > 0 and x >= 0, got a=" + a + ", x=" + x);
    }
    return Gamma.regularizedGammaQ(a, x);
  }

  /** ln Γ(x), for x &gt; 0. */
  public static double logGamma(double x) {
    return Gamma.logGamma(x);
  }
}
