package io.wstest.client.stats;

/**
 * Pearson's chi-square test of observed counts against expected counts. The p-value is the chi-square
 * survival function, computed here through the regularized upper incomplete gamma function Q(k/2, x/2)
 * (series for small x, Lentz's continued fraction otherwise), so the jar needs no statistics library.
 */
public final class ChiSquare {

  private static final double EPSILON = 1e-15;
  private static final double TINY = 1e-300;
  private static final int MAX_ITERATIONS = 10_000;
  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};

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
    return x <= 0 ? 1 : regularizedGammaQ(degreesOfFreedom / 2.0, x / 2.0);
  }

  /** Q(a, x) = Γ(a, x) / Γ(a), for a &gt; 0 and x ≥ 0. */
  public static double regularizedGammaQ(double a, double x) {
    if (a <= 0 || x < 0 || Double.isNaN(x)) {
      throw new IllegalArgumentException("regularizedGammaQ needs a > 0 and x >= 0, got a=" + a + ", x=" + x);
    }
    if (x == 0) {
      return 1;
    }
    return x < a + 1 ? 1 - lowerSeries(a, x) : upperContinuedFraction(a, x);
  }

  /** P(a, x) by its power series; converges quickly for x &lt; a + 1. */
  private static double lowerSeries(double a, double x) {
    double term = 1 / a;
    double sum = term;
    double denominator = a;
    for (int n = 0; n < MAX_ITERATIONS; n++) {
      denominator += 1;
      term *= x / denominator;
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) {
        break;
      }
    }
    return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }

  /** Q(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
  private static double upperContinuedFraction(double a, double x) {
    double b = x + 1 - a;
    double c = 1 / TINY;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < TINY) {
        d = TINY;
      }
      c = b + an / c;
      if (Math.abs(c) < TINY) {
        c = TINY;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPSILON) {
        break;
      }
    }
    return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }

  /** ln Γ(x) by the Lanczos approximation (g = 7), with the reflection formula below 0.5. */
  public static double logGamma(double x) {
    if (x < 0.5) {
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    double z = x - 1;
    double sum = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (z + i);
    }
    double t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
