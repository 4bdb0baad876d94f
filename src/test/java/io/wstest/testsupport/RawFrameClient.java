package io.wstest.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client built by hand on a plain TCP socket, so tests can send frames no library would: reserved
 * bits, unknown opcodes, unmasked frames, broken UTF-8, bad close payloads. Reads block with a timeout.
 */
public final class RawFrameClient implements Closeable {

  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  /** A frame as the server sent it. */
  public record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame, or -1 when it has none. */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
    }
  }

  private RawFrameClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  public static RawFrameClient connect(int port, String path) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    RawFrameClient ws = new RawFrameClient(socket);
    ws.handshake(port, path);
    return ws;
  }

  private void handshake(int port, String path) throws IOException {
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    String request = "GET " + path + " HTTP/1.1\r\n"
      + "Host: 127.0.0.1:" + port + "\r\n"
      + "Upgrade: websocket\r\n"
      + "Connection: Upgrade\r\n"
      + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
      + "Sec-WebSocket-Version: 13\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during handshake: " + head);
      }
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) {
      throw new IOException("handshake refused: " + head);
    }
  }

  /** Sends a masked frame (as a client must). */
  public void send(boolean fin, int opcode, byte[] payload) throws IOException {
    sendFrame(fin, 0, opcode, payload, true);
  }

  public void sendText(String text) throws IOException {
    send(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends any frame, valid or not. */
  public void sendFrame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xF));
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      frame.write(maskBit | payload.length);
    } else if (payload.length <= 0xFFFF) {
      frame.write(maskBit | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xFF);
    } else {
      frame.write(maskBit | 127);
      frame.write(ByteBuffer.allocate(8).putLong(payload.length).array());
    }
    if (masked) {
      byte[] mask = new byte[4];
      RANDOM.nextBytes(mask);
      frame.write(mask);
      byte[] maskedPayload = new byte[payload.length];
      for (int i = 0; i < payload.length; i++) {
        maskedPayload[i] = (byte) (payload[i] ^ mask[i % 4]);
      }
      frame.write(maskedPayload);
    } else {
      frame.write(payload);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** A close frame with the given raw payload (status code and reason, or anything else). */
  public void sendClose(byte[] payload) throws IOException {
    send(true, CLOSE, payload);
  }

  public static byte[] closePayload(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(2 + text.length);
    buffer.putShort((short) code).put(text);
    return buffer.array();
  }

  /**
   * Completes the closing handshake as a client must, echoing the server's status code. The server may already
   * have dropped the connection (it fails bad peers at once), so a write error here means just that.
   */
  public void answerClose(Frame close) {
    try {
      sendClose(close.closeCode() < 0 ? new byte[0] : closePayload(close.closeCode(), ""));
    } catch (IOException alreadyClosed) {
      // the server closed TCP right after its close frame
    }
  }

  /** The next frame from the server. */
  public Frame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    if ((b1 & 0x80) != 0) {
      throw new IOException("server sent a masked frame");
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0xF, payload);
  }

  /** Skips data frames (the welcome, replies) and returns the first control frame of the given opcode. */
  public Frame readUntil(int opcode) throws IOException {
    while (true) {
      Frame frame = read();
      if (frame.opcode() == opcode) {
        return frame;
      }
    }
  }

  /**
   * Reads the next text message, joining its continuation frames: the server splits messages larger than
   * MAX_MESSAGE_BYTES (a welcome with many request headers can be) into frames.
   */
  public String readText() throws IOException {
    Frame frame = read();
    if (frame.opcode() != TEXT) {
      throw new IOException("expected a text frame, got opcode " + frame.opcode() + " code " + frame.closeCode());
    }
    java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
    message.writeBytes(frame.payload());
    while (!frame.fin()) {
      frame = read();
      if (frame.opcode() != 0) {
        throw new IOException("expected a continuation frame, got opcode " + frame.opcode());
      }
      message.writeBytes(frame.payload());
    }
    return message.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** True when the server closed the TCP connection (after its close frame) within the read timeout. */
  public boolean serverClosedTcp() throws IOException {
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset also means the server is gone
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
