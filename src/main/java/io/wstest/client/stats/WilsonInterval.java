package io.wstest.client.stats;

import io.vertx.core.json.JsonObject;

/**
 * The Wilson score interval for a binomial proportion: where the true share of a group probably lies, given that
 * {@code successes} of {@code trials} connections landed in it. Unlike the textbook p ± z·√(p(1−p)/n) it stays
 * inside 0..1 and keeps its coverage for small counts and shares near 0 or 1 (a 10 % canary, a 0-weight group),
 * which is where canary checks live. The normal quantile is Wichura's AS 241 (about 16 significant digits), so
 * the jar needs no statistics library.
 */
public record WilsonInterval(double lower, double upper, double confidence) {

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
   * The standard normal quantile Φ⁻¹(p), for 0 &lt; p &lt; 1: Wichura, "Algorithm AS 241: The Percentage Points of
   * the Normal Distribution", Applied Statistics 37 (1988), 477-484 (PPND16).
   */
  public static double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("normalQuantile needs 0 < p < 1, got " + p);
    }
    double q = p - 0.5;
    if (Math.abs(q) <= 0.425) {
      double r = 0.180625 - q * q;
      return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
        + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
        + 133.14166789178437745) * r + 3.387132872796366608)
        / (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
        + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
        + 42.313330701600911252) * r + 1);
    }
    double r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
    double value;
    if (r <= 5) {
      r -= 1.6;
      value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
        + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
        + 4.6303378461565452959) * r + 1.42343711074968357734)
        / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
        + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
        + 2.05319162663775882187) * r + 1);
    } else {
      r -= 5;
      value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
        + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
        + 5.4637849111641143699) * r + 6.6579046435011037772)
        / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
        + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
        + 0.59983220655588793769) * r + 1);
    }
    return q < 0 ? -value : value;
  }
}
