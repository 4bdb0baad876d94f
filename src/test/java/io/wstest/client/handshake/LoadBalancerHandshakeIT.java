package io.wstest.client.handshake;

import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.Backend;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.HaproxyProcess;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.NginxProcess;
import io.wstest.testsupport.SelfSignedCert;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code test-lb handshake} end to end: a real service process from the fat jar (compression on, MAX_MESSAGE_BYTES
 * 4096) behind real nginx set up right, without the Upgrade lines, and clearing Sec-WebSocket-Protocol; test-lb run
 * in-process, every assertion read from its JSON report.
 */
class LoadBalancerHandshakeIT {

  private static ServiceProcess service;

  @TempDir
  static Path reports;

  @BeforeAll
  static void startService() {
    service = ServiceProcess.builder().podName("hs-a").env("WS_COMPRESSION", "true")
      .env("MAX_MESSAGE_BYTES", "4096").start();
  }

  @AfterAll
  static void stopService() {
    service.close();
  }

  private static LoadBalancerProcess nginx(String directives) {
    Assumptions.assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    return NginxProcess.startWithLocation(service.httpPort(), service.wsPort(), directives);
  }

  /** {@code handshake --host 127.0.0.1 --http-port P --ws-port Q} through the balancer, then the given arguments. */
  private static List<String> handshake(LoadBalancerProcess lb, String... more) {
    List<String> args = new ArrayList<>(List.of("handshake"));
    args.addAll(TestLbRuns.through(lb, more));
    return args;
  }

  private static String direct() {
    return "ws://127.0.0.1:" + service.httpPort() + "/ws";
  }

  private static Map<String, JsonObject> checks(JsonObject report) {
    Map<String, JsonObject> byName = new LinkedHashMap<>();
    TestLbRuns.objects(report, "checks").forEach(c -> byName.put(c.getString("name"), c));
    return byName;
  }

  @Test
  void aWellConfiguredNginxPassesEveryCheck() {
    try (LoadBalancerProcess nginx = nginx(NginxProcess.websocketProxySnippet())) {
      JsonObject report = TestLbRuns.testLb(reports, "good-nginx", 0, handshake(nginx,
        "--direct", direct(), "--pings", "20"));
      Map<String, JsonObject> checks = checks(report);
      assertEquals(List.of("upgrade", "subprotocol", "compression", "custom header", "host", "origin", "client ip",
        "http version", "tls", "message size", "latency"), List.copyOf(checks.keySet()));
      checks.values().forEach(c -> assertEquals("pass", c.getString("status"), c.encode()));
      String marker = report.getJsonObject("marker").getString("value");
      assertTrue(checks.get("custom header").getString("measured").contains(marker));
      assertTrue(checks.get("client ip").getString("measured").contains("X-Forwarded-For"),
        checks.get("client ip").encode());
      assertTrue(checks.get("tls").getString("measured").contains("no TLS on either side"));
      assertEquals(101, report.getInteger("upgrade_status"));
      assertEquals("127.0.0.1", report.getJsonObject("request_as_received").getString("host"), "nginx's $host");
    }
  }

  @Test
  void withDirectTheLatencyTheBalancerAddsIsReported() {
    try (LoadBalancerProcess nginx = nginx(NginxProcess.websocketProxySnippet())) {
      JsonObject report = TestLbRuns.testLb(reports, "latency", 0, handshake(nginx,
        "--direct", direct(), "--pings", "10"));
      JsonObject latency = report.getJsonObject("latency_ms");
      for (String path : List.of("through_lb", "direct")) {
        JsonObject rtts = latency.getJsonObject(path);
        assertEquals(10, rtts.getInteger("count"), latency.encode());
        assertTrue(rtts.getDouble("p50") > 0 && rtts.getDouble("p99") >= rtts.getDouble("p50"), latency.encode());
      }
      String measured = checks(report).get("latency").getString("measured");
      assertTrue(measured.contains("through the balancer p50") && measured.contains("direct p50")
        && measured.contains("the balancer adds"), measured);

      JsonObject without = TestLbRuns.testLb(reports, "no-direct", 0, handshake(nginx));
      assertEquals("skipped", checks(without).get("latency").getString("status"));
    }
  }

  @Test
  void theLargestMessageIsTheServersOwnLimitToldApartFromACutByTheBalancer() {
    try (LoadBalancerProcess nginx = nginx(NginxProcess.websocketProxySnippet() + " client_max_body_size 1k;")) {
      JsonObject report = TestLbRuns.testLb(reports, "ladder", 0, handshake(nginx));
      JsonObject size = report.getJsonObject("message_size");
      assertEquals(4096, size.getInteger("server_limit_bytes"), size.encode());
      assertEquals(4096, size.getInteger("largest_passing_bytes"), "client_max_body_size does not apply to "
        + "WebSocket messages: " + size.encode());
      assertEquals(4097, size.getInteger("first_failed_bytes"));
      assertEquals(1009, size.getInteger("close_code"));
      assertTrue(size.getBoolean("closed_by_server_limit"), size.encode());
      JsonObject check = checks(report).get("message size");
      assertEquals("pass", check.getString("status"));
      assertTrue(check.getString("measured").contains("closed by the server"), check.encode());
    }
  }

  @Test
  void nginxWithoutTheUpgradeLinesFailsNamingThemAndTheFix() {
    try (LoadBalancerProcess nginx = nginx("")) {
      JsonObject report = TestLbRuns.testLb(reports, "no-upgrade", 1, handshake(nginx));
      JsonObject upgrade = checks(report).get("upgrade");
      assertEquals("fail", upgrade.getString("status"));
      assertEquals(426, report.getInteger("upgrade_status"));
      String measured = upgrade.getString("measured");
      assertTrue(measured.contains("HTTP 426") && measured.contains("Upgrade") && measured.contains("Connection"),
        measured);
      String fix = upgrade.getString("fix");
      assertTrue(fix.contains("proxy_http_version 1.1") && fix.contains("proxy_set_header Upgrade"), fix);
      assertTrue(fix.contains("HAProxy") && fix.contains("ingress-nginx"), fix);
      assertTrue(report.getJsonObject("verdict").getJsonArray("problems").encode().contains("upgrade"));
      assertEquals("skipped", checks(report).get("message size").getString("status"));
    }
  }

  @Test
  void nginxThatClearsTheSubprotocolFailsTheSubprotocolCheck() {
    try (LoadBalancerProcess nginx = nginx(NginxProcess.websocketProxySnippet()
      + " proxy_set_header Sec-WebSocket-Protocol \"\";")) {
      JsonObject report = TestLbRuns.testLb(reports, "no-subprotocol", 1, handshake(nginx));
      Map<String, JsonObject> checks = checks(report);
      JsonObject subprotocol = checks.get("subprotocol");
      assertEquals("fail", subprotocol.getString("status"), subprotocol.encode());
      assertTrue(subprotocol.getString("measured").contains("wstest.check"), subprotocol.encode());
      assertTrue(subprotocol.getString("fix").contains("Sec-WebSocket-Protocol"), subprotocol.encode());
      assertEquals("pass", checks.get("upgrade").getString("status"));
      assertEquals("pass", checks.get("custom header").getString("status"));
    }
  }

  @Test
  void haproxyInHttpModePassesTheHandshakeChecks() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    try (LoadBalancerProcess haproxy = HaproxyProcess.start(List.of(Backend.of("b1", service)),
      HaproxyProcess.Options.roundRobin())) {
      JsonObject report = TestLbRuns.testLb(reports, "haproxy", 0, handshake(haproxy, "--direct", direct(),
        "--pings", "5"));
      Map<String, JsonObject> checks = checks(report);
      for (String name : List.of("upgrade", "subprotocol", "compression", "custom header", "host", "origin",
        "client ip", "http version", "message size", "latency")) {
        assertEquals("pass", checks.get(name).getString("status"), checks.get(name).encode());
      }
      assertTrue(checks.get("client ip").getString("measured").contains("X-Forwarded-For"), "option forwardfor");
    }
  }

  @Test
  void nginxTerminatingTlsIsSeenAsTlsEndingAtTheBalancer(@TempDir Path certs) throws Exception {
    Assumptions.assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    SelfSignedCert cert = SelfSignedCert.create(certs);
    try (LoadBalancerProcess nginx = NginxProcess.startTlsWithLocation(service.httpPort(), service.wsPort(), cert,
      NginxProcess.websocketProxySnippet())) {
      JsonObject report = TestLbRuns.testLb(reports, "tls", 0, List.of("handshake", "--url",
        "wss://127.0.0.1:" + nginx.httpPort() + "/ws", "--insecure"));
      JsonObject tls = checks(report).get("tls");
      assertEquals("pass", tls.getString("status"));
      assertTrue(tls.getString("measured").contains("client used wss, the server saw ws: TLS terminated at the "
        + "load balancer"), tls.encode());
      assertEquals("https://127.0.0.1:" + nginx.httpPort(), report.getJsonObject("settings").getString("origin"));
      assertEquals("pass", checks(report).get("origin").getString("status"));
    }
  }

  @Test
  void nothingListeningExitsTwo() {
    int port = FreePorts.next();
    TestLbRuns.Captured run = TestLbRuns.inProcessCapturing("handshake", "--url", "ws://127.0.0.1:" + port + "/ws",
      "--timeout", "2s");
    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("Cannot reach the target"), run.out());
  }
}
