package io.wstest.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The hot path's parse: reads a message's top-level {@code "type"} without building a tree. Strict JSON only
 * (Vert.x's own parser also accepts comments): a message that passes can be spliced into a reply byte for byte
 * and the reply is still valid JSON.
 *
 * <p>Two stages. A byte scanner accepts the messages clients actually send (RFC 8259 objects with short strings,
 * short numbers, shallow nesting, no escapes in keys or in the type) with no allocation; whatever it is not sure
 * about, invalid input included, goes to Jackson's strict streaming parser, which defines the answer. The input
 * is valid UTF-8 (the RFC 6455 guard checks every text message), so the scanner does not check it again. The scanner
 * only ever accepts what Jackson accepts, with the same type: its limits sit far inside Jackson's stream-read
 * constraints, and input it accepts has no BOM and no zero byte, so Jackson would read it as UTF-8 too.
 *
 * <p>Why a hand-written scanner in front of a library that does the job: creating a Jackson parser per message
 * was the largest single cost of an echo after the kernel's, 3.8 % of the server's CPU samples under
 * {@code bench echo} (perf, docs/performance.md), and the scanner allocates nothing for the messages clients
 * send. An end-to-end A/B cannot resolve a cost of that size on a two-core machine: {@code bench echo --spawn
 * --baseline -n 50 -d 10s --warmup 5s --repeat 3}, this scanner against a build whose {@code typeOf} asks Jackson
 * only, alternating on a quiet machine, gave service/baseline CPU per message of 0.95 and 1.21 with the scanner and
 * 1.04 and 1.13 without it (2026-12-05): the same jar's runs differ by more than the parser's whole share. Jackson
 * stays the reference: the scanner defers to it whenever it is unsure, and StrictJsonTest checks the two agree.
 */
final class StrictJson {

  /** Jackson's defaults: RFC 8259 JSON, no comments. Thread-safe. */
  private static final JsonFactory STRICT = JsonFactory.builder().build();

  /** The scanner's answer "ask Jackson"; compared by identity. */
  private static final String UNSURE = new String("unsure");
  /** Far inside Jackson's defaults (nesting 500, numbers 1000 digits, names 50,000, strings 20,000,000). */
  private static final int MAX_DEPTH = 64;
  private static final int MAX_NUMBER_CHARS = 100;
  private static final int MAX_STRING_BYTES = 16 * 1024;

  private static final byte[] TYPE_KEY = bytes(Fields.TYPE);
  /** Types returned without allocating a String. */
  private static final String[] KNOWN_TYPES = {MessageTypes.ECHO, MessageTypes.PING, MessageTypes.BROADCAST,
    MessageTypes.INFO};
  private static final byte[][] KNOWN_TYPE_BYTES = {bytes(MessageTypes.ECHO), bytes(MessageTypes.PING),
    bytes(MessageTypes.BROADCAST), bytes(MessageTypes.INFO)};

  private StrictJson() {
  }

  /**
   * The top-level {@code "type"} of a strict JSON object; {@code ""} when it has none or it is not a string;
   * {@code null} when the message is not a strict JSON object (the caller then takes the lenient path).
   */
  static String typeOf(Buffer data) {
    ByteBuf buf = VertxInternals.byteBuf(data);
    if (buf.hasArray()) {
      int from = buf.arrayOffset() + buf.readerIndex();
      String type = new Scanner(buf.array(), from, from + buf.readableBytes()).document();
      if (type != UNSURE) {
        return type;
      }
    }
    return jacksonTypeOf(data, buf);
  }

  /** Whether the scanner answers by itself (tests check that everyday messages do not fall back to Jackson). */
  static boolean scannerDecides(Buffer data) {
    ByteBuf buf = VertxInternals.byteBuf(data);
    int from = buf.arrayOffset() + buf.readerIndex();
    return buf.hasArray() && new Scanner(buf.array(), from, from + buf.readableBytes()).document() != UNSURE;
  }

  /** The reference answer: Jackson's strict streaming parser. */
  static String jacksonTypeOf(Buffer data, ByteBuf buf) {
    try (JsonParser parser = buf.hasArray()
      ? STRICT.createParser(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes())
      : STRICT.createParser(data.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String type = "";
      int depth = 1;
      while (depth > 0) {
        JsonToken token = parser.nextToken();
        if (token == null) {
          return null;
        }
        if (token.isStructStart()) {
          depth++;
        } else if (token.isStructEnd()) {
          depth--;
        } else if (token == JsonToken.FIELD_NAME && depth == 1 && Fields.TYPE.equals(parser.currentName())) {
          JsonToken value = parser.nextToken();
          type = value == JsonToken.VALUE_STRING ? parser.getText() : "";
          if (value != null && value.isStructStart()) {
            depth++;
          }
        }
      }
      return parser.nextToken() == null ? type : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Recursive descent over the bytes of one message. Every method returns false (or {@link #UNSURE}) as soon as
   * the input leaves the subset it knows; it never decides that a message is invalid.
   */
  private static final class Scanner {
    private final byte[] in;
    private final int end;
    private int pos;
    private String type = "";

    Scanner(byte[] in, int from, int end) {
      this.in = in;
      this.pos = from;
      this.end = end;
    }

    String document() {
      skipWhitespace();
      if (pos >= end || in[pos] != '{' || !object(1)) {
        return UNSURE;
      }
      skipWhitespace();
      return pos == end ? type : UNSURE;
    }

    /** At '{'. */
    private boolean object(int depth) {
      int start = enter(depth, '}');
      if (start != MORE) {
        return start == CLOSED;
      }
      while (true) {
        if (pos >= end || in[pos] != '"') {
          return false;
        }
        int keyStart = pos + 1;
        int keyFlags = string();
        if (keyFlags != PLAIN) {
          return false; // an escaped key might spell "type": Jackson decides
        }
        boolean isType = depth == 1 && equals(keyStart, pos - 1, TYPE_KEY);
        skipWhitespace();
        if (pos >= end || in[pos] != ':') {
          return false;
        }
        pos++;
        skipWhitespace();
        if (isType) {
          if (pos < end && in[pos] == '"') {
            int valueStart = pos + 1;
            if (string() != PLAIN) {
              return false;
            }
            type = typeName(valueStart, pos - 1);
          } else {
            if (!value(depth)) {
              return false;
            }
            type = "";
          }
        } else if (!value(depth)) {
          return false;
        }
        int after = afterItem('}');
        if (after != MORE) {
          return after == CLOSED;
        }
      }
    }

    /** At '['. */
    private boolean array(int depth) {
      int start = enter(depth, ']');
      if (start != MORE) {
        return start == CLOSED;
      }
      while (true) {
        if (!value(depth)) {
          return false;
        }
        int after = afterItem(']');
        if (after != MORE) {
          return after == CLOSED;
        }
      }
    }

    private static final int CLOSED = 1;
    private static final int MORE = 0;
    private static final int BAD = -1;

    /** At a container's opening bracket: too deep, empty (and closed), or items to come. */
    private int enter(int depth, int closer) {
      if (depth > MAX_DEPTH) {
        return BAD;
      }
      pos++;
      skipWhitespace();
      if (pos < end && in[pos] == closer) {
        pos++;
        return CLOSED;
      }
      return MORE;
    }

    /** After a member or element: the container's closing bracket, or a comma and more to come, or neither. */
    private int afterItem(int closer) {
      skipWhitespace();
      if (pos >= end) {
        return BAD;
      }
      byte next = in[pos++];
      if (next == closer) {
        return CLOSED;
      }
      if (next != ',') {
        return BAD;
      }
      skipWhitespace();
      return MORE;
    }

    /** A value inside a container at {@code depth}, at its first byte. */
    private boolean value(int depth) {
      if (pos >= end) {
        return false;
      }
      byte b = in[pos];
      switch (b) {
        case '{':
          return object(depth + 1);
        case '[':
          return array(depth + 1);
        case '"':
          return string() != INVALID;
        case 't':
          return literal("true");
        case 'f':
          return literal("false");
        case 'n':
          return literal("null");
        default:
          return (b == '-' || (b >= '0' && b <= '9')) && number();
      }
    }

    private static final int INVALID = 0;
    private static final int PLAIN = 1;
    private static final int ESCAPED = 2;

    /** At the opening quote; on success {@link #pos} is past the closing quote. */
    private int string() {
      int start = ++pos;
      int flags = PLAIN;
      while (pos < end) {
        int b = in[pos] & 0xFF;
        if (b == '"') {
          pos++;
          return pos - start > MAX_STRING_BYTES ? INVALID : flags;
        }
        if (b < 0x20) {
          return INVALID;
        }
        if (b == '\\') {
          if (!escape()) {
            return INVALID;
          }
          flags = ESCAPED;
        } else {
          pos++;
        }
      }
      return INVALID;
    }

    /** At a backslash inside a string. */
    private boolean escape() {
      if (pos + 1 >= end) {
        return false;
      }
      byte b = in[pos + 1];
      switch (b) {
        case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
          pos += 2;
          return true;
        }
        case 'u' -> {
          if (pos + 5 >= end) {
            return false;
          }
          for (int i = pos + 2; i < pos + 6; i++) {
            if (Character.digit(in[i], 16) < 0) {
              return false;
            }
          }
          pos += 6;
          return true;
        }
        default -> {
          return false;
        }
      }
    }

    /** RFC 8259 number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private boolean number() {
      int start = pos;
      if (in[pos] == '-') {
        pos++;
      }
      if (pos >= end) {
        return false;
      }
      if (in[pos] == '0') {
        pos++;
      } else if (!digits()) {
        return false;
      }
      if (pos < end && in[pos] == '.') {
        pos++;
        if (!digits()) {
          return false;
        }
      }
      if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
        pos++;
        if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
          pos++;
        }
        if (!digits()) {
          return false;
        }
      }
      return pos - start <= MAX_NUMBER_CHARS && delimiterFollows();
    }

    private boolean digits() {
      int start = pos;
      while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
        pos++;
      }
      return pos > start;
    }

    private boolean literal(String word) {
      int length = word.length();
      if (end - pos < length) {
        return false;
      }
      for (int i = 0; i < length; i++) {
        if (in[pos + i] != word.charAt(i)) {
          return false;
        }
      }
      pos += length;
      return delimiterFollows();
    }

    /** After a number or literal: what JSON allows next (a longer token like {@code 01} or {@code truex} is not). */
    private boolean delimiterFollows() {
      if (pos >= end) {
        return false; // a value is never last: its container's closing bracket follows
      }
      byte b = in[pos];
      return b == ',' || b == '}' || b == ']' || b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private void skipWhitespace() {
      while (pos < end) {
        byte b = in[pos];
        if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
          return;
        }
        pos++;
      }
    }

    private boolean equals(int from, int to, byte[] expected) {
      if (to - from != expected.length) {
        return false;
      }
      for (int i = 0; i < expected.length; i++) {
        if (in[from + i] != expected[i]) {
          return false;
        }
      }
      return true;
    }

    private String typeName(int from, int to) {
      for (int i = 0; i < KNOWN_TYPES.length; i++) {
        if (equals(from, to, KNOWN_TYPE_BYTES[i])) {
          return KNOWN_TYPES[i];
        }
      }
      return new String(in, from, to - from, StandardCharsets.UTF_8);
    }
  }
}
