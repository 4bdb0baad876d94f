package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The validator (with its eight-byte ASCII shortcut) against the JDK's strict UTF-8 decoder, on random mixes of
 * ASCII runs, valid multi-byte characters and invalid bytes, fed whole and in random pieces, from heap and
 * direct buffers, so runs and characters straddle the eight-byte steps and the piece boundaries.
 */
class Utf8ValidatorTest {

  private static final byte[][] PIECES = {
    "a".getBytes(StandardCharsets.UTF_8),
    "{\"type\":\"echo\",\"data\":\"".getBytes(StandardCharsets.UTF_8),
    "\u00e9".getBytes(StandardCharsets.UTF_8),
    "\u2603".getBytes(StandardCharsets.UTF_8),
    "\ud83d\ude00".getBytes(StandardCharsets.UTF_8),
    {(byte) 0x80}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x98}, {(byte) 0xFF},
  };

  @Test
  void agreesWithTheJdkDecoder() {
    Random random = new Random(1007);
    for (int round = 0; round < 5_000; round++) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (int i = random.nextInt(12); i > 0; i--) {
        byte[] piece = PIECES[random.nextInt(random.nextInt(4) == 0 ? PIECES.length : 5)];
        for (int r = random.nextInt(3) + 1; r > 0; r--) {
          out.writeBytes(piece);
        }
      }
      byte[] bytes = out.toByteArray();
      boolean expected = jdkAccepts(bytes);
      assertEquals(expected, Utf8Validator.isValid(Unpooled.wrappedBuffer(bytes)), () -> hex(bytes));
      assertEquals(expected, fedInPieces(bytes, random), () -> "in pieces: " + hex(bytes));
    }
  }

  private static boolean fedInPieces(byte[] bytes, Random random) {
    int state = Utf8Validator.START;
    boolean ok = true;
    int at = 0;
    while (at < bytes.length) {
      int length = 1 + random.nextInt(bytes.length - at);
      ByteBuf piece = random.nextBoolean() ? Unpooled.wrappedBuffer(bytes, at, length)
        : Unpooled.directBuffer(length).writeBytes(bytes, at, length);
      state = Utf8Validator.feed(state, piece);
      ok &= !Utf8Validator.isRejected(state);
      at += length;
    }
    return ok && Utf8Validator.isComplete(state);
  }

  private static boolean jdkAccepts(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      s.append(String.format("%02x ", b & 0xFF));
    }
    return s.toString();
  }
}
