package io.wstest.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Incremental UTF-8 validation (Bjoern Hoehrmann's DFA). Fed fragment by fragment, it fails as soon as a byte
 * makes the text invalid, which is what RFC 6455 asks of a server (close with 1007), even mid-message. The state
 * between fragments is an int the caller keeps ({@link Rfc6455Guard} keeps one per socket in a field of its own:
 * an object per socket would add 16 bytes to every held WebSocket).
 */
public final class Utf8Validator {

  /** The state before the first byte: nothing fed, which is complete and valid text. */
  public static final int START = 0;
  private static final int ACCEPT = START;
  private static final int REJECT = 12;
  /** The high bit of each of eight bytes: zero for a run of eight ASCII bytes. */
  private static final long ASCII_MASK = 0x8080808080808080L;

  private static final byte[] TYPES = new byte[256];
  private static final byte[] STATES = {
    0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,
    12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12};

  static {
    // Character classes of the DFA: 0 ASCII, 1/9/7 continuation ranges, 8 invalid, 2/3/4/6/10/11 lead bytes.
    for (int b = 0x80; b <= 0x8F; b++) TYPES[b] = 1;
    for (int b = 0x90; b <= 0x9F; b++) TYPES[b] = 9;
    for (int b = 0xA0; b <= 0xBF; b++) TYPES[b] = 7;
    TYPES[0xC0] = 8;
    TYPES[0xC1] = 8;
    for (int b = 0xC2; b <= 0xDF; b++) TYPES[b] = 2;
    TYPES[0xE0] = 10;
    for (int b = 0xE1; b <= 0xEC; b++) TYPES[b] = 3;
    TYPES[0xED] = 4;
    TYPES[0xEE] = 3;
    TYPES[0xEF] = 3;
    TYPES[0xF0] = 11;
    for (int b = 0xF1; b <= 0xF3; b++) TYPES[b] = 6;
    TYPES[0xF4] = 5;
    for (int b = 0xF5; b <= 0xFF; b++) TYPES[b] = 8;
  }

  private Utf8Validator() {
  }

  /**
   * Feeds more bytes to text validated up to {@code state}; returns the state after them, which stays rejected
   * once the bytes so far can never be valid UTF-8 ({@link #isRejected}).
   */
  public static int feed(int state, ByteBuf bytes) {
    int s = state;
    int i = bytes.readerIndex();
    int end = bytes.writerIndex();
    while (i < end && s != REJECT) {
      if (s == ACCEPT) {
        // Between characters, ASCII needs no table walk: eight bytes at a time while no high bit is set.
        // JSON messages are mostly ASCII, and this check runs on every text frame (Rfc6455Guard).
        while (end - i >= Long.BYTES && (bytes.getLong(i) & ASCII_MASK) == 0) {
          i += Long.BYTES;
        }
        if (i == end) {
          break;
        }
      }
      s = STATES[s + TYPES[bytes.getByte(i) & 0xFF]];
      i++;
    }
    return s;
  }

  /** True when the bytes fed so far can never be valid UTF-8, whatever follows. */
  public static boolean isRejected(int state) {
    return state == REJECT;
  }

  /** True when everything fed so far is valid and ends on a character boundary. */
  public static boolean isComplete(int state) {
    return state == ACCEPT;
  }

  /** Whole-buffer check. */
  public static boolean isValid(ByteBuf bytes) {
    return isComplete(feed(START, bytes));
  }
}
