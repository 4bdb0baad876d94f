package io.wstest.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP exchange as raw bytes over a blocking loopback socket, for requests no HTTP client would send (odd
 * bytes, HTTP/1.0 upgrades, a PROXY header in front): writes the bytes, reads the answer's head and its
 * Content-Length body, then tells whether the server closes the connection. Bounded: every read times out.
 */
public final class RawHttp {

  /**
   * The answer: status 0 and an empty head when the server closed without answering; {@code localPort} is this
   * client's port (what a proxy in between reports as the source).
   */
  public record Response(int status, String head, String body, boolean closedByServer, int localPort) {

    /** The first value of a response header, case-insensitively, or null. */
    public String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private RawHttp() {
  }

  public static Response exchange(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), 20_000);
  }

  /**
   * @param timeoutMillis how long each read may wait; after the answer, how long to wait for the server to close
   */
  public static Response exchange(int port, byte[] request, int timeoutMillis) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(timeoutMillis);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      int b;
      while (matched < 4 && (b = in.read()) >= 0) {
        head.write(b);
        matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : b == '\r' ? 1 : 0;
      }
      String headText = head.toString(StandardCharsets.ISO_8859_1);
      if (matched < 4) {
        return new Response(0, headText, "", true, socket.getLocalPort());
      }
      int status = Integer.parseInt(headText.split(" ", 3)[1]);
      Response partial = new Response(status, headText, "", false, socket.getLocalPort());
      String length = partial.header("Content-Length");
      String body = length == null ? "" : new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
      boolean closed;
      String connection = partial.header("Connection");
      if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
        closed = readsEndOfStream(in);
      } else {
        socket.setSoTimeout(300); // a keep-alive connection stays open: a short look is enough
        closed = readsEndOfStream(in);
      }
      return new Response(status, headText, body, closed, socket.getLocalPort());
    }
  }

  private static boolean readsEndOfStream(InputStream in) throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server
    }
  }
}
