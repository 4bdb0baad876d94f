package io.wstest.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** ISO-8601 UTC timestamps with millisecond precision, formatted at most once per millisecond per thread. */
public final class Timestamps {

  private static final ThreadLocal<Cached> CACHE = ThreadLocal.withInitial(Cached::new);

  private Timestamps() {
  }

  public static String now() {
    return current().text;
  }

  /**
   * The same text as ASCII bytes, for replies built as bytes (the echo hot path) without encoding a String per
   * message. The array is shared by the calling thread until the next millisecond: copy it, never change it.
   */
  static byte[] nowAscii() {
    return current().ascii;
  }

  private static Cached current() {
    long millis = System.currentTimeMillis();
    Cached cached = CACHE.get();
    if (cached.millis != millis) {
      cached.millis = millis;
      cached.text = Instant.ofEpochMilli(millis).toString();
      cached.ascii = cached.text.getBytes(StandardCharsets.US_ASCII);
    }
    return cached;
  }

  private static final class Cached {
    long millis = Long.MIN_VALUE;
    String text;
    byte[] ascii;
  }
}
