package io.wstest.client.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The survival function against published chi-square table values and closed forms. */
class ChiSquareTest {

  @Test
  void criticalValuesFromTablesGiveTheirSignificanceLevel() {
    // (x, degrees of freedom, P(X >= x)) from standard chi-square tables
    double[][] table = {
      {3.841459, 1, 0.05}, {6.634897, 1, 0.01}, {10.827566, 1, 0.001},
      {5.991465, 2, 0.05}, {9.210340, 2, 0.01},
      {7.814728, 3, 0.05}, {11.070498, 5, 0.05}, {18.307038, 10, 0.05},
      {124.342113, 100, 0.05}, {0.454936, 1, 0.5}, {9.341818, 10, 0.5}};
    for (double[] row : table) {
      assertEquals(row[2], ChiSquare.survival(row[0], (int) row[1]), row[2] * 1e-5,
        "chi-square survival(" + row[0] + ", df " + (int) row[1] + ")");
    }
  }

  @Test
  void closedFormsHold() {
    // df 2: P(X >= x) = exp(-x / 2)
    for (double x : new double[] {0.1, 1, 2, 7.5, 40}) {
      assertEquals(Math.exp(-x / 2), ChiSquare.survival(x, 2), 1e-12 * Math.max(1, Math.exp(-x / 2)));
    }
    // df 1 at x = 1: erfc(1/sqrt 2) = 0.31731050786291415
    assertEquals(0.31731050786291415, ChiSquare.survival(1, 1), 1e-12);
    // df 4: exp(-x/2) (1 + x/2)
    assertEquals(Math.exp(-3) * 4, ChiSquare.survival(6, 4), 1e-12);
  }

  @Test
  void edgesAndRegularizedGamma() {
    assertEquals(1.0, ChiSquare.survival(0, 3));
    assertEquals(0.0, ChiSquare.survival(Double.POSITIVE_INFINITY, 3));
    assertEquals(Math.exp(-1.5), ChiSquare.regularizedGammaQ(1, 1.5), 1e-14);
    assertEquals(Math.log(24), ChiSquare.logGamma(5), 1e-12);
    assertEquals(Math.log(Math.sqrt(Math.PI)), ChiSquare.logGamma(0.5), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> ChiSquare.survival(1, 0));
  }

  @Test
  void statisticIsPearsons() {
    assertEquals(0.0, ChiSquare.statistic(new long[] {10, 10, 10}, new double[] {10, 10, 10}));
    // (12-10)^2/10 + (8-10)^2/10 + 0 = 0.8
    assertEquals(0.8, ChiSquare.statistic(new long[] {12, 8, 10}, new double[] {10, 10, 10}), 1e-12);
    assertEquals(Double.POSITIVE_INFINITY, ChiSquare.statistic(new long[] {1, 5}, new double[] {0, 6}));
  }
}
