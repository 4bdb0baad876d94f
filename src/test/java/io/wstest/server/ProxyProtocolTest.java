package io.wstest.server;

import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.PrometheusText;
import io.wstest.testsupport.RawHttp;
import io.wstest.testsupport.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PROXY_HTTP_PORT and PROXY_WS_PORT: a v1 or v2 header in front of the request is reported (version, source,
 * destination) and its source becomes client_ip; a connection without one is closed (at once when its first bytes
 * are something else, after PROXY_PROTOCOL_TIMEOUT when it sends nothing) and counted; the main ports never expect
 * one. Headers written by hand over loopback sockets (HAProxy's own are in RequestThroughProxiesIT).
 */
class ProxyProtocolTest {

  private InProcessService service;
  private int proxyHttp;
  private int proxyWs;

  @BeforeEach
  void start() throws Exception {
    proxyHttp = FreePorts.next();
    proxyWs = FreePorts.next();
    service = InProcessService.startAndWait(Map.of("PROXY_HTTP_PORT", Integer.toString(proxyHttp),
        "PROXY_WS_PORT", Integer.toString(proxyWs), "PROXY_PROTOCOL_TIMEOUT", "1s"));
  }

  @AfterEach
  void stop() throws Exception {
    service.stopAndWait();
  }

  @Test
  void versionOneAndTwoAreReportedAndTheSourceIsTheClient() throws Exception {
    byte[] v1 = ("PROXY TCP4 127.0.0.9 127.0.0.1 40001 " + proxyHttp + "\r\n"
      + "GET /request HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    JsonObject one = new JsonObject(RawHttp.exchange(proxyHttp, v1, 20_000).body());
    assertEquals(new JsonObject().put("version", 1).put("command", "PROXY").put("transport", "TCP4")
      .put("source", "127.0.0.9:40001").put("destination", "127.0.0.1:" + proxyHttp), one.getJsonObject("proxy_protocol"));
    assertEquals("127.0.0.9", one.getString("client_ip"));
    assertEquals("127.0.0.1", one.getString("remote_address"), "the peer: the balancer");

    byte[] v2 = concat(v2Header(new byte[] {127, 0, 0, 10}, 40002, proxyHttp),
      "GET /request HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    JsonObject two = new JsonObject(RawHttp.exchange(proxyHttp, v2, 20_000).body());
    assertEquals(2, two.getJsonObject("proxy_protocol").getInteger("version"));
    assertEquals("127.0.0.10:40002", two.getJsonObject("proxy_protocol").getString("source"));
    assertEquals("198.51.100.1", two.getString("client_ip"), "X-Forwarded-For comes before the PROXY source");
  }

  @Test
  void theRawProxyPortUpgradesAndTheWelcomeShowsTheHeader() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", proxyWs), 10_000);
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(concat(v2Header(new byte[] {127, 0, 0, 11}, 40003, proxyWs),
        RawWebSocket.upgradeRequest(proxyWs, "/").getBytes(StandardCharsets.US_ASCII)));
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 101 "), head);
      int b1 = in.read();
      int length = in.read() & 0x7F;
      byte[] payload = in.readNBytes(length == 126 ? ((in.read() << 8) | in.read()) : length);
      assertEquals(0x81, b1);
      JsonObject welcome = new JsonObject(new String(payload, StandardCharsets.UTF_8));
      assertEquals("127.0.0.11", welcome.getString("client_ip"));
      assertEquals(2, welcome.getJsonObject("proxy_protocol").getInteger("version"));
      assertEquals("127.0.0.11:40003", welcome.getJsonObject("request").getJsonObject("proxy_protocol")
        .getString("source"));
    }
  }

  @Test
  void connectionsWithoutAHeaderAreClosedAndCountedWhileTheMainPortsServe() throws Exception {
    RawHttp.Response plain = RawHttp.exchange(proxyHttp, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals(0, plain.status(), "no answer without a PROXY header: " + plain.head());
    assertTrue(plain.closedByServer());
    try (Socket silent = new Socket()) {
      silent.connect(new InetSocketAddress("127.0.0.1", proxyWs), 10_000);
      silent.setSoTimeout(20_000); // test bound, far above PROXY_PROTOCOL_TIMEOUT (1s)
      assertEquals(-1, silent.getInputStream().read(), "a silent connection is closed");
    }
    try (Socket dribbler = new Socket()) { // half a header, then nothing: the deadline is absolute
      dribbler.connect(new InetSocketAddress("127.0.0.1", proxyHttp), 10_000);
      dribbler.setSoTimeout(20_000);
      dribbler.getOutputStream().write("PROXY TCP4 127.0.0.1".getBytes(StandardCharsets.US_ASCII));
      assertEquals(-1, dribbler.getInputStream().read());
    }
    assertEquals(200, RawHttp.exchange(service.httpPort(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").status(),
      "the main port expects no PROXY header");
    HttpClient client = service.vertx().createHttpClient();
    PrometheusText metrics = PrometheusText.scrape(client, service.httpPort()).toCompletionStage()
      .toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(1.0, metrics.value("websocket_proxy_protocol_connections_total", "outcome", "invalid"));
    assertEquals(2.0, metrics.value("websocket_proxy_protocol_connections_total", "outcome", "timeout"));
  }

  @Test
  void aProxyPortSharedWithAnotherListenerStopsStartUpNamingBoth() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("HTTP_PORT", "21610", "PROXY_HTTP_PORT", "21610")));
    assertTrue(e.getMessage().contains("HTTP_PORT") && e.getMessage().contains("PROXY_HTTP_PORT"), e.getMessage());
    ConfigException both = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("PROXY_HTTP_PORT", "21611", "PROXY_WS_PORT", "21611")));
    assertTrue(both.getMessage().contains("PROXY_WS_PORT"), both.getMessage());
    assertEquals(0, ServerConfig.fromEnv(Map.of()).proxyHttpPort(), "off by default");
  }

  /** A PROXY v2 header: PROXY command, TCP over IPv4, to 127.0.0.1:destinationPort. */
  static byte[] v2Header(byte[] source, int sourcePort, int destinationPort) {
    ByteBuffer header = ByteBuffer.allocate(16 + 12);
    header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    header.put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
    header.put(source).put(new byte[] {127, 0, 0, 1});
    header.putShort((short) sourcePort).putShort((short) destinationPort);
    return header.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }
}
