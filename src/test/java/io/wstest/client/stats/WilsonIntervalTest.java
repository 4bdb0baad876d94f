package io.wstest.client.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interval math against published values. */
class WilsonIntervalTest {

  @Test
  void normalQuantileMatchesTables() {
    assertEquals(1.959963984540054, WilsonInterval.normalQuantile(0.975), 1e-14);
    assertEquals(-1.959963984540054, WilsonInterval.normalQuantile(0.025), 1e-14);
    assertEquals(2.5758293035489004, WilsonInterval.normalQuantile(0.995), 1e-14);
    assertEquals(1.2815515655446004, WilsonInterval.normalQuantile(0.9), 1e-14);
    assertEquals(0.0, WilsonInterval.normalQuantile(0.5));
    assertEquals(-0.5244005127080407, WilsonInterval.normalQuantile(0.3), 1e-14);
    // the two tail branches of AS 241: r <= 5 and r > 5
    assertEquals(4.753424308822899, WilsonInterval.normalQuantile(0.999999), 1e-9);
    assertEquals(-9.262340089798408, WilsonInterval.normalQuantile(1e-20), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> WilsonInterval.normalQuantile(1));
  }

  /** Newcombe, "Two-sided confidence intervals for the single proportion", Stat. Med. 17 (1998), table I, method 3. */
  @Test
  void wilsonMatchesNewcombesTable() {
    assertInterval(0.2553, 0.3662, WilsonInterval.of(81, 263, 0.95));
    assertInterval(0.0624, 0.1605, WilsonInterval.of(15, 148, 0.95));
    assertInterval(0.0000, 0.1611, WilsonInterval.of(0, 20, 0.95));
    assertInterval(0.0061, 0.1718, WilsonInterval.of(1, 29, 0.95));
    assertInterval(0.8830, 1.0000, WilsonInterval.of(29, 29, 0.95));
    assertEquals(0.0, WilsonInterval.of(0, 20, 0.95).lower(), "exactly 0, not a rounding error below it");
    assertEquals(1.0, WilsonInterval.of(29, 29, 0.95).upper());
  }

  @Test
  void aThreeToOneSplitOf200() {
    WilsonInterval v1 = WilsonInterval.of(150, 200, 0.95);
    assertInterval(0.6857, 0.8049, v1);
    assertTrue(v1.contains(0.75));
    assertFalse(v1.contains(0.5), "a 50/50 claim is refuted");
    assertFalse(v1.contains(0.9), "a 90/10 claim is refuted");
    WilsonInterval v2 = WilsonInterval.of(50, 200, 0.95);
    // with two groups the intervals mirror each other
    assertEquals(1 - v1.upper(), v2.lower(), 1e-12);
    assertEquals(1 - v1.lower(), v2.upper(), 1e-12);
    // higher confidence, wider interval
    WilsonInterval wide = WilsonInterval.of(150, 200, 0.99);
    assertInterval(0.6640, 0.8200, wide);
    assertEquals("68.6%..80.5%", v1.toString());
  }

  @Test
  void zeroObservedAllowsAZeroWeight() {
    assertTrue(WilsonInterval.of(0, 100, 0.95).contains(0.0));
    assertFalse(WilsonInterval.of(1, 100, 0.95).contains(0.0));
    assertThrows(IllegalArgumentException.class, () -> WilsonInterval.of(3, 2, 0.95));
    assertThrows(IllegalArgumentException.class, () -> WilsonInterval.of(1, 2, 1.0));
  }

  private static void assertInterval(double lower, double upper, WilsonInterval interval) {
    assertEquals(lower, interval.lower(), 5e-5, "lower of " + interval);
    assertEquals(upper, interval.upper(), 5e-5, "upper of " + interval);
  }
}
