package io.wstest.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain blocking TCP socket, for peers no library would play: one that never reads
 * (so the server's writes back up), one that never answers pings. Reads and writes raw RFC 6455 frames.
 * Only ever connects to loopback.
 */
public final class RawWebSocket implements Closeable {

  public static final int TEXT = 0x1;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int status;
  private final String responseHead;
  private final String responseBody;
  private long bytesRead;

  /** One frame as received: server frames are never masked. */
  public record Frame(int opcode, boolean fin, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }

    public String closeReason() {
      return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    }
  }

  private RawWebSocket(Socket socket, int status, String head, String body) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.status = status;
    this.responseHead = head;
    this.responseBody = body;
  }

  /**
   * Sends an upgrade request to 127.0.0.1:port and reads the response head (and, if not 101, the body).
   *
   * @param receiveBuffer SO_RCVBUF in bytes (small = the server's writes back up sooner), or 0 for the default
   */
  public static RawWebSocket connect(int port, String path, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.setSoTimeout(30_000);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.getOutputStream().write(upgradeRequest(port, path).getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    String headText = head.toString();
    int status = Integer.parseInt(headText.split(" ", 3)[1]);
    String body = "";
    if (status != 101) {
      int length = contentLength(headText);
      body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
    return new RawWebSocket(socket, status, headText, body);
  }

  /** An RFC 6455 upgrade request for 127.0.0.1:port, with a fresh key, as a client sends it. */
  public static String upgradeRequest(int port, String path) {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    return "GET " + path + " HTTP/1.1\r\n"
      + "Host: 127.0.0.1:" + port + "\r\n"
      + "Upgrade: websocket\r\n"
      + "Connection: Upgrade\r\n"
      + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
      + "Sec-WebSocket-Version: 13\r\n\r\n";
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }

  public int status() { return status; }
  public String responseHead() { return responseHead; }
  public String responseBody() { return responseBody; }
  /** Bytes of frames read so far (headers and payloads). */
  public long bytesRead() { return bytesRead; }

  public Frame readFrame() throws IOException {
    int b0 = readByte();
    int b1 = readByte();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = ((long) readByte() << 8) | readByte();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | readByte();
      }
    }
    if ((b1 & 0x80) != 0) {
      throw new IOException("server frames must not be masked");
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length != length) {
      throw new EOFException("connection closed inside a frame");
    }
    bytesRead += length;
    return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed");
    }
    bytesRead++;
    return b;
  }

  /** True when the server closed the TCP connection (the next read sees end of stream). */
  public boolean readsEndOfStream() throws IOException {
    return in.read() < 0;
  }

  /** Sends one masked frame, as clients must. */
  public void writeFrame(int opcode, byte[] payload) throws IOException {
    out.write(maskedFrame(opcode, payload));
    out.flush();
  }

  /** Sends {@code count} copies of one frame (each masked with its own key) in a single write: a flood. */
  public void writeFrames(int opcode, byte[] payload, int count) throws IOException {
    ByteArrayOutputStream frames = new ByteArrayOutputStream(count * (payload.length + 14));
    for (int i = 0; i < count; i++) {
      frames.write(maskedFrame(opcode, payload));
    }
    out.write(frames.toByteArray());
    out.flush();
  }

  private static byte[] maskedFrame(int opcode, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length <= 0xFFFF) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xFF);
    } else {
      frame.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        frame.write((int) ((long) payload.length >>> (8 * i)) & 0xFF);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    return frame.toByteArray();
  }

  /** Answers a close frame with the same code, completing the closing handshake. */
  public void replyClose(Frame close) throws IOException {
    byte[] code = {close.payload().length >= 2 ? close.payload()[0] : 0x03,
      close.payload().length >= 2 ? close.payload()[1] : (byte) 0xE8};
    writeFrame(CLOSE, code);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
