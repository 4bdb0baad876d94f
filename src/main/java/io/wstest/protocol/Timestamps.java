package io.wstest.protocol;

import java.time.Instant;

/** ISO-8601 UTC timestamps with millisecond precision, formatted at most once per millisecond per thread. */
public final class Timestamps {

  private static final ThreadLocal<Cached> CACHE = ThreadLocal.withInitial(Cached::new);

  private Timestamps() {
  }

  public static String now() {
    long millis = System.currentTimeMillis();
    Cached cached = CACHE.get();
    if (cached.millis != millis) {
      cached.millis = millis;
      cached.text = Instant.ofEpochMilli(millis).toString();
    }
    return cached.text;
  }

  private static final class Cached {
    long millis = Long.MIN_VALUE;
    String text;
  }
}
