package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The byte-level parts of the echo reply: seq digits and the cached timestamp bytes. */
class EchoReplyBytesTest {

  @Test
  void seqDigitsMatchLongToString() {
    long[] values = {0, 1, 9, 10, 11, 99, 100, 12345, 1_000_000, 9_876_543_210L, Long.MAX_VALUE};
    for (long value : values) {
      ByteBuf out = Unpooled.buffer().writeByte(',');
      JsonBytes.decimal(out, value);
      assertEquals("," + value, out.toString(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void timestampBytesAreTheTimestampText() {
    String text = new String(Timestamps.nowAscii(), StandardCharsets.US_ASCII);
    Instant parsed = Instant.parse(text);
    assertEquals(ISO_MILLIS.format(parsed), text);
    assertEquals(Timestamps.format(parsed.toEpochMilli()), text);
  }

  private static final DateTimeFormatter ISO_MILLIS =
    DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** Always milliseconds (Instant.toString() drops ".000"), across second, minute, hour, day and year boundaries. */
  @Test
  void timestampsMatchJavaTimeAtEveryBoundary() {
    List<String> instants = List.of("1970-01-01T00:00:00Z", "2026-12-01T21:47:23.511Z", "2026-12-01T21:47:23Z",
      "2026-12-01T21:47:59.999Z", "2026-12-01T21:59:59.999Z", "2026-12-01T23:59:59.999Z", "2026-12-02T00:00:00Z",
      "2028-02-29T12:00:00.001Z", "2026-12-31T23:59:59.999Z", "2027-01-01T00:00:00.010Z", "9999-12-31T23:59:59.999Z");
    for (String instant : instants) {
      long millis = Instant.parse(instant).toEpochMilli();
      for (long delta = -2; delta <= 2; delta++) {
        long at = millis + delta;
        if (at < 0 || at > Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli()) {
          continue;
        }
        assertEquals(ISO_MILLIS.format(Instant.ofEpochMilli(at)), Timestamps.format(at), instant + " " + delta);
      }
    }
    // a sweep over one day and a bit, in odd steps, through the same cache as the hot path
    long start = Instant.parse("2026-12-01T23:00:00.000Z").toEpochMilli();
    for (long at = start; at < start + 2 * 3_600_000L; at += 997) {
      assertEquals(ISO_MILLIS.format(Instant.ofEpochMilli(at)), Timestamps.format(at));
    }
  }
}
