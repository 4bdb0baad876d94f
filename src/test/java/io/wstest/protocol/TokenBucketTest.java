package io.wstest.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void allowsABurstOfTheRateThenRefillsAtTheRate() {
    long t = 5 * SECOND;
    TokenBucket bucket = new TokenBucket(2, t);
    assertTrue(bucket.tryTake(t));
    assertTrue(bucket.tryTake(t));
    assertFalse(bucket.tryTake(t));
    assertEquals(500, bucket.millisUntilNextToken());
    assertFalse(bucket.tryTake(t + SECOND / 4));
    assertTrue(bucket.tryTake(t + SECOND / 2));
    assertFalse(bucket.tryTake(t + SECOND / 2));
  }

  @Test
  void neverHoldsMoreThanOneSecondsWorth() {
    TokenBucket bucket = new TokenBucket(3, 0);
    long later = 60 * SECOND;
    assertTrue(bucket.tryTake(later));
    assertTrue(bucket.tryTake(later));
    assertTrue(bucket.tryTake(later));
    assertFalse(bucket.tryTake(later));
  }

  @Test
  void aClockGoingBackwardsAddsNothing() {
    TokenBucket bucket = new TokenBucket(1, 10 * SECOND);
    assertTrue(bucket.tryTake(10 * SECOND));
    assertFalse(bucket.tryTake(9 * SECOND));
  }
}
