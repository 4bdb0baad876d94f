package io.wstest.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.HaproxyProcess;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.NginxProcess;
import io.wstest.testsupport.RawHttp;
import io.wstest.testsupport.RawWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What real nginx and HAProxy do to a request, as the service shows it: the welcome's request with the headers
 * nginx sent, the 426 behind an nginx without the Upgrade lines, a subprotocol offer cleared by nginx, and HAProxy's
 * PROXY v1 and v2 headers on the PROXY ports with the source port of the client's own connection to HAProxy.
 */
class RequestThroughProxiesIT {

  private InProcessService service;
  private int proxyHttp;
  private int proxyWs;
  private final List<LoadBalancerProcess> balancers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    proxyHttp = FreePorts.next();
    proxyWs = FreePorts.next();
    service = InProcessService.startAndWait(Map.of("PROXY_HTTP_PORT", Integer.toString(proxyHttp),
        "PROXY_WS_PORT", Integer.toString(proxyWs)));
  }

  @AfterEach
  void stop() throws Exception {
    balancers.forEach(LoadBalancerProcess::close);
    service.stopAndWait();
  }

  private LoadBalancerProcess nginx(String directives) {
    Assumptions.assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    LoadBalancerProcess nginx = NginxProcess.startWithLocation(service.httpPort(), service.wsPort(), directives);
    balancers.add(nginx);
    return nginx;
  }

  @Test
  void theWelcomeShowsTheHeadersAsNginxSentThem() throws Exception {
    LoadBalancerProcess nginx = nginx(NginxProcess.websocketProxySnippet());
    for (int port : new int[] {nginx.httpPort(), nginx.wsPort()}) {
      try (RawWebSocket ws = RawWebSocket.connect(port, "/ws", 0, "Sec-WebSocket-Protocol: graphql-ws\r\n")) {
        assertEquals(101, ws.status(), ws.responseHead());
        JsonObject welcome = new JsonObject(ws.readFrame().text());
        JsonObject request = welcome.getJsonObject("request");
        assertEquals("HTTP/1.1", request.getString("http_version"));
        assertEquals("websocket", RequestEchoTest.value(request, "Upgrade"));
        assertEquals("upgrade", RequestEchoTest.value(request, "Connection"), "nginx's $connection_upgrade");
        assertEquals("127.0.0.1", RequestEchoTest.value(request, "X-Forwarded-For"));
        assertEquals("127.0.0.1", RequestEchoTest.value(request, "X-Real-IP"));
        assertEquals("http", RequestEchoTest.value(request, "X-Forwarded-Proto"));
        assertEquals(new JsonArray().add("127.0.0.1"), welcome.getJsonArray("forwarded_for"));
        assertEquals("graphql-ws", welcome.getString("subprotocol"));
      }
    }
  }

  @Test
  void nginxWithoutTheUpgradeLinesGetsA426NamingThemAndTheFix() throws Exception {
    LoadBalancerProcess nginx = nginx("");
    RawHttp.Response answer = RawHttp.exchange(nginx.httpPort(), RawWebSocket.upgradeRequest(nginx.httpPort(), "/ws"));
    assertEquals(426, answer.status(), answer.head());
    JsonObject body = new JsonObject(answer.body());
    assertEquals("http_1_0", body.getString("reason"), "nginx proxies with HTTP/1.0 by default: " + body.encode());
    List<String> reasons = new ArrayList<>();
    body.getJsonArray("problems").forEach(p -> reasons.add(((JsonObject) p).getString("reason")));
    assertTrue(reasons.containsAll(List.of("missing_upgrade", "missing_connection_upgrade")), reasons.toString());
    assertEquals("close", RequestEchoTest.value(body.getJsonObject("request"), "Connection"),
      "what nginx sent instead");
    assertNull(RequestEchoTest.value(body.getJsonObject("request"), "Upgrade"));
    String fix = body.getJsonObject("fix").getString("nginx");
    assertTrue(fix.contains("proxy_http_version 1.1") && fix.contains("proxy_set_header Upgrade"), fix);
    assertTrue(body.getJsonObject("fix").containsKey("haproxy"));
    assertTrue(body.getJsonObject("fix").containsKey("ingress_nginx"));
  }

  @Test
  void nginxThatClearsTheSubprotocolLeavesNoOffer() throws Exception {
    LoadBalancerProcess nginx = nginx(NginxProcess.websocketProxySnippet()
      + " proxy_set_header Sec-WebSocket-Protocol \"\";");
    try (RawWebSocket ws = RawWebSocket.connect(nginx.httpPort(), "/ws", 0, "Sec-WebSocket-Protocol: graphql-ws\r\n")) {
      JsonObject welcome = new JsonObject(ws.readFrame().text());
      assertEquals(new JsonArray(), welcome.getJsonArray("subprotocols_offered"));
      assertNull(welcome.getValue("subprotocol"));
      assertNull(RequestEchoTest.value(welcome.getJsonObject("request"), "Sec-WebSocket-Protocol"));
    }
  }

  @Test
  void haproxySendProxyAndSendProxyV2ReachThePorts() throws Exception {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    LoadBalancerProcess v1 = HaproxyProcess.startTcp(proxyHttp, proxyWs, "send-proxy");
    balancers.add(v1);
    RawHttp.Response answer = RawHttp.exchange(v1.httpPort(), "GET /request HTTP/1.1\r\nHost: x\r\n\r\n");
    JsonObject proxy = new JsonObject(answer.body()).getJsonObject("proxy_protocol");
    assertEquals(1, proxy.getInteger("version"), answer.body());
    assertEquals("127.0.0.1:" + answer.localPort(), proxy.getString("source"), "the client's connection to HAProxy");
    assertEquals("127.0.0.1:" + v1.httpPort(), proxy.getString("destination"));

    LoadBalancerProcess v2 = HaproxyProcess.startTcp(proxyHttp, proxyWs, "send-proxy-v2");
    balancers.add(v2);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", v2.wsPort()), 10_000);
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(RawWebSocket.upgradeRequest(v2.wsPort(), "/").getBytes(StandardCharsets.US_ASCII));
      JsonObject welcome = firstTextFrame(socket.getInputStream());
      assertEquals(2, welcome.getJsonObject("proxy_protocol").getInteger("version"), welcome.encode());
      assertEquals("127.0.0.1:" + socket.getLocalPort(), welcome.getJsonObject("proxy_protocol").getString("source"));
      assertEquals("raw", welcome.getString("server"));
    }
  }

  /** Skips the 101 head and reads one unmasked text frame (up to 64 KB). */
  private static JsonObject firstTextFrame(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IllegalStateException("closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    assertTrue(head.toString().startsWith("HTTP/1.1 101 "), head.toString());
    in.read();
    int length = in.read() & 0x7F;
    if (length == 126) {
      length = (in.read() << 8) | in.read();
    }
    return new JsonObject(new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }
}
