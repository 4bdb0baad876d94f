package io.wstest.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Strict JSON held in fewer bytes: the substrings every upgrade request's JSON ({@link ReceivedRequest}) repeats —
 * its keys in order, the usual handshake headers, the loopback address — each stored as one byte. Every held
 * socket keeps its request for {@code info}: a typical request's 495 bytes of JSON take 84 packed, which cuts the
 * heap an idle socket keeps by about a tenth (docs/performance.md).
 *
 * <p>Why not {@link java.util.zip.Deflater} with a preset dictionary: measured on the same request (200,000 rounds
 * each, warm), it packs smaller (57 bytes against 84) but took 3.5 µs against 0.8 µs per request, on the
 * handshake's path, and needs a zlib stream per event loop. The scheme is safe because strict JSON (RFC 8259)
 * never holds a byte below 0x20 as such (Jackson writes control characters as escapes, and UTF-8 encodes everything
 * else at 0x20 or above), so those 32 byte values are free to stand for the tokens. Tokens are matched greedily,
 * longest first; one that does not fit a request is simply not used, so the packed form is never the larger.
 */
final class PackedJson {

  /** Token {@code i} is stored as the byte {@code i}; at most 32 (the bytes below 0x20). */
  private static final byte[][] TOKENS = tokens(
    "{\"method\":\"GET\",\"path\":\"",
    "\",\"query\":null,\"uri\":\"",
    "\",\"query\":\"",
    "\",\"uri\":\"",
    "\",\"http_version\":\"HTTP/1.1\",\"host\":\"",
    "\",\"scheme\":\"ws\",\"headers\":[[\"",
    "\",\"scheme\":\"wss\",\"headers\":[[\"",
    "\"],[\"",
    "\"]],\"header_count\":",
    ",\"credentials\":\"redacted\",\"client_ip\":\"",
    "\",\"remote_address\":\"",
    "\",\"forwarded_for\":[],\"peer\":\"",
    "\",\"forwarded_for\":[\"",
    "\"],\"peer\":\"",
    "\",\"proxy_protocol\":null,\"tls\":null}",
    "\",\"proxy_protocol\":",
    ",\"tls\":",
    "127.0.0.1",
    // header names as browsers and curl send them, then as HAProxy and Vert.x's client do (lower case)
    "Host\",\"",
    "host\",\"",
    "Upgrade\",\"websocket",
    "upgrade\",\"websocket",
    "Connection\",\"Upgrade",
    "connection\",\"upgrade",
    "Sec-WebSocket-Key\",\"",
    "sec-websocket-key\",\"",
    "Sec-WebSocket-Version\",\"13",
    "sec-websocket-version\",\"13",
    "Origin\",\"http",
    "origin\",\"http",
    "Sec-WebSocket-Extensions\",\"permessage-deflate; client_max_window_bits",
    "User-Agent\",\"");

  /** For each first byte, the tokens starting with it, longest first: {@code {code, bytes...}} per entry. */
  private static final byte[][][] BY_FIRST_BYTE = byFirstByte();

  private PackedJson() {
  }

  /**
   * The packed form of strict JSON's UTF-8 bytes.
   *
   * @throws IllegalArgumentException when {@code json} holds a byte below 0x20 (it is not strict JSON)
   */
  static byte[] pack(byte[] json) {
    return pack(json, 0, json.length);
  }

  /** The packed form of a heap buffer's readable bytes (strict JSON), read in place; the buffer is left as it was. */
  static byte[] pack(ByteBuf json) {
    int from = json.arrayOffset() + json.readerIndex();
    return pack(json.array(), from, from + json.readableBytes());
  }

  private static byte[] pack(byte[] json, int from, int end) {
    byte[] out = new byte[end - from];
    int length = 0;
    int i = from;
    while (i < end) {
      int b = json[i] & 0xff;
      if (b < 0x20) {
        throw new IllegalArgumentException("not strict JSON: byte 0x" + Integer.toHexString(b) + " at " + (i - from));
      }
      byte[][] candidates = BY_FIRST_BYTE[b];
      int matched = 0;
      if (candidates != null) {
        for (byte[] candidate : candidates) {
          if (matches(json, i, end, candidate)) {
            out[length++] = candidate[0];
            matched = candidate.length - 1;
            break;
          }
        }
      }
      if (matched == 0) {
        out[length++] = json[i];
        i++;
      } else {
        i += matched;
      }
    }
    return length == out.length ? out : Arrays.copyOf(out, length);
  }

  /** The number of bytes {@link #unpack} writes. */
  static int unpackedLength(byte[] packed) {
    int length = 0;
    for (byte b : packed) {
      length += (b & 0xff) < 0x20 ? TOKENS[b].length : 1;
    }
    return length;
  }

  /** Writes the JSON {@code packed} was made from. */
  static void unpack(byte[] packed, ByteBuf out) {
    int start = 0;
    for (int i = 0; i < packed.length; i++) {
      if ((packed[i] & 0xff) < 0x20) {
        out.writeBytes(packed, start, i - start);
        out.writeBytes(TOKENS[packed[i]]);
        start = i + 1;
      }
    }
    out.writeBytes(packed, start, packed.length - start);
  }

  /**
   * Whether the token ({@code candidate} after its code byte) starts at {@code at}. A plain loop: most candidates
   * differ within their first bytes, where {@code Arrays.equals} over ranges spends more on its range checks than
   * on comparing (measured, a browser's 810-byte upgrade request packed 200,000 times, warm: 2.0 µs per request
   * with {@code Arrays.equals}, 1.7 µs with this loop).
   */
  private static boolean matches(byte[] json, int at, int end, byte[] candidate) {
    if (at + candidate.length - 1 > end) {
      return false;
    }
    for (int i = 1; i < candidate.length; i++) {
      if (json[at + i - 1] != candidate[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[][] tokens(String... tokens) {
    if (tokens.length > 0x20) {
      throw new IllegalStateException(tokens.length + " tokens: only the 32 bytes below 0x20 can stand for one");
    }
    byte[][] bytes = new byte[tokens.length][];
    for (int i = 0; i < tokens.length; i++) {
      bytes[i] = tokens[i].getBytes(StandardCharsets.UTF_8);
    }
    return bytes;
  }

  private static byte[][][] byFirstByte() {
    List<List<byte[]>> lists = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      lists.add(new ArrayList<>());
    }
    for (int code = 0; code < TOKENS.length; code++) {
      byte[] token = TOKENS[code];
      byte[] entry = new byte[token.length + 1];
      entry[0] = (byte) code;
      System.arraycopy(token, 0, entry, 1, token.length);
      lists.get(token[0] & 0xff).add(entry);
    }
    byte[][][] table = new byte[256][][];
    for (int b = 0; b < 256; b++) {
      List<byte[]> list = lists.get(b);
      if (!list.isEmpty()) {
        list.sort(Comparator.comparingInt((byte[] entry) -> entry.length).reversed());
        table[b] = list.toArray(new byte[0][]);
      }
    }
    return table;
  }
}
