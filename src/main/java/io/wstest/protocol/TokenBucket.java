package io.wstest.protocol;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, holding at most a second's worth, so a connection may
 * burst up to the rate and then keep to it. Two numbers and no timer; the clock is passed in (nanoTime).
 */
final class TokenBucket {

  private final double capacity;
  private final double tokensPerNano;
  private double tokens;
  private long lastNanos;

  TokenBucket(int ratePerSecond, long nowNanos) {
    this.capacity = ratePerSecond;
    this.tokensPerNano = ratePerSecond / 1e9;
    this.tokens = capacity;
    this.lastNanos = nowNanos;
  }

  /** Takes one token if there is one. */
  boolean tryTake(long nowNanos) {
    long elapsed = Math.max(0, nowNanos - lastNanos);
    lastNanos = nowNanos;
    tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** How long until the next token, after a refused {@link #tryTake}. */
  long millisUntilNextToken() {
    return (long) Math.ceil(Math.max(0, 1 - tokens) / tokensPerNano / 1e6);
  }
}
