package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The byte-level parts of the echo reply: seq digits and the cached timestamp bytes. */
class EchoReplyBytesTest {

  @Test
  void seqDigitsMatchLongToString() {
    long[] values = {0, 1, 9, 10, 11, 99, 100, 12345, 1_000_000, 9_876_543_210L, Long.MAX_VALUE};
    for (long value : values) {
      ByteBuf out = Unpooled.buffer().writeByte(',');
      Connection.writeDecimal(out, value);
      assertEquals("," + value, out.toString(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void timestampBytesAreTheTimestampText() {
    String text = new String(Timestamps.nowAscii(), StandardCharsets.US_ASCII);
    Instant parsed = Instant.parse(text);
    assertEquals(parsed.toString(), text);
  }
}
