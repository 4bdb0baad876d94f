package io.wstest.protocol;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * ISO-8601 UTC timestamps with millisecond precision, always {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, formatted at most
 * once per millisecond per thread.
 *
 * <p>Formatted by hand, not with {@code Instant.toString()}: java.time's formatter is a large body of code that,
 * called once a millisecond, reached the JIT's top tier only seconds into a load, and was deoptimised and compiled
 * again at every new minute (a branch it had never taken). On a service pinned to one CPU each of those
 * compilations ran for hundreds of milliseconds beside the event loop and delayed every message in flight by a
 * scheduler slice: the service's echo p999 (docs/performance.md). Here the date part is made with java.time once
 * a day and the time of day is plain arithmetic. {@code Instant.toString()} also dropped {@code .000} at whole
 * seconds; the protocol promises milliseconds.
 */
public final class Timestamps {

  private static final long MILLIS_PER_DAY = 86_400_000L;
  private static final int LENGTH = "2026-12-01T21:47:23.511Z".length();
  private static final int DATE_LENGTH = "2026-12-01T".length();

  private static final ThreadLocal<Cached> CACHE = ThreadLocal.withInitial(Cached::new);

  private Timestamps() {
  }

  public static String now() {
    Cached cached = current();
    if (cached.text == null) {
      cached.text = new String(cached.ascii, StandardCharsets.US_ASCII);
    }
    return cached.text;
  }

  /**
   * The same text as ASCII bytes, for replies built as bytes (the echo hot path) without encoding a String per
   * message. The array is shared by the calling thread until the next millisecond: copy it, never change it.
   */
  static byte[] nowAscii() {
    return current().ascii;
  }

  /** The timestamp text of any instant (epoch milliseconds), as {@link #now} would write it then. */
  static String format(long epochMillis) {
    Cached cached = new Cached();
    cached.update(epochMillis);
    return new String(cached.ascii, StandardCharsets.US_ASCII);
  }

  private static Cached current() {
    long millis = System.currentTimeMillis();
    Cached cached = CACHE.get();
    if (cached.millis != millis) {
      cached.update(millis);
    }
    return cached;
  }

  private static final class Cached {
    long millis = Long.MIN_VALUE;
    long dayStart;
    byte[] date;
    byte[] ascii;
    String text;

    void update(long now) {
      if (date == null || now < dayStart || now - dayStart >= MILLIS_PER_DAY) {
        newDay(now);
      }
      millis = now;
      text = null;
      // a new array each millisecond: callers may still hold the previous one
      byte[] out = new byte[LENGTH];
      System.arraycopy(date, 0, out, 0, DATE_LENGTH);
      int ofDay = (int) (now - dayStart);
      int hours = ofDay / 3_600_000;
      int minutes = ofDay / 60_000 % 60;
      int seconds = ofDay / 1000 % 60;
      int ms = ofDay % 1000;
      twoDigits(out, 11, hours);
      out[13] = ':';
      twoDigits(out, 14, minutes);
      out[16] = ':';
      twoDigits(out, 17, seconds);
      out[19] = '.';
      out[20] = (byte) ('0' + ms / 100);
      out[21] = (byte) ('0' + ms / 10 % 10);
      out[22] = (byte) ('0' + ms % 10);
      out[23] = 'Z';
      ascii = out;
    }

    /** Once a day per thread (and at the first call): the date part, by java.time. */
    private void newDay(long now) {
      long day = Math.floorDiv(now, MILLIS_PER_DAY);
      dayStart = day * MILLIS_PER_DAY;
      date = (LocalDate.ofEpochDay(day) + "T").getBytes(StandardCharsets.US_ASCII);
      if (date.length != DATE_LENGTH) {
        throw new IllegalStateException("the clock is outside years 0000-9999: " + now);
      }
    }

    private static void twoDigits(byte[] out, int at, int value) {
      out[at] = (byte) ('0' + value / 10);
      out[at + 1] = (byte) ('0' + value % 10);
    }
  }
}
