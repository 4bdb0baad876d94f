package io.wstest.client.handshake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.handshake.HandshakeCheck.Status;
import io.wstest.client.handshake.HandshakeObservation.Attempt;
import io.wstest.client.handshake.HandshakeObservation.Ladder;
import io.wstest.client.handshake.HandshakeObservation.Latency;
import io.wstest.client.report.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@link HandshakeChecks} judges each thing a balancer may have done, from observations built here. */
class HandshakeChecksTest {

  private static final String MARKER = "0123456789abcdef";

  /** A welcome as the server writes it behind a well set-up nginx. */
  private static JsonObject welcome() {
    JsonObject request = new JsonObject().put("method", "GET").put("path", "/ws").put("http_version", "HTTP/1.1")
      .put("host", "lb.example.com").put("scheme", "ws").put("tls", null)
      .put("headers", new JsonArray()
        .add(new JsonArray().add("Host").add("lb.example.com"))
        .add(new JsonArray().add("X-Forwarded-For").add("198.51.100.7"))
        .add(new JsonArray().add("Origin").add("https://lb.example.com"))
        .add(new JsonArray().add("X-Wstest-Marker").add(MARKER)));
    return new JsonObject().put("type", "welcome").put("client_ip", "198.51.100.7").put("remote_address", "10.0.0.2")
      .put("forwarded_for", new JsonArray().add("198.51.100.7"))
      .put("extensions_offered", new JsonArray().add("permessage-deflate; client_max_window_bits"))
      .put("extensions", new JsonArray().add("permessage-deflate"))
      .put("subprotocols_offered", new JsonArray()).put("subprotocol", null)
      .put("proxy_protocol", null).put("limits", new JsonObject().put("max_message_bytes", 4096))
      .put("request", request);
  }

  private static Attempt upgraded(JsonObject welcome) {
    return new Attempt(101, null, null, List.of(Map.entry("Sec-WebSocket-Extensions", "permessage-deflate")), null,
      welcome);
  }

  private static Attempt subprotocolOk() {
    return new Attempt(101, null, null, List.of(), "wstest.check", welcome()
      .put("subprotocols_offered", new JsonArray().add("wstest.check")).put("subprotocol", "wstest.check"));
  }

  private static HandshakeObservation observation(Attempt upgrade, Attempt sub, Attempt direct, Ladder ladder,
                                                  Latency latency) {
    return new HandshakeObservation("wss", "lb.example.com", "https://lb.example.com", "X-Wstest-Marker", MARKER,
      upgrade, "wstest.check", sub, direct, ladder, latency);
  }

  private static HandshakeCheck check(List<HandshakeCheck> checks, String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aGoodBalancerPassesEveryCheckAndSaysWhereTlsEnds() {
    Attempt direct = upgraded(welcome().put("remote_address", "198.51.100.7"));
    List<HandshakeCheck> checks = HandshakeChecks.evaluate(observation(upgraded(welcome()), subprotocolOk(), direct,
      new Ladder(4096, 4096, 4097, (short) 1009, "message larger than 4096 bytes", false, null),
      new Latency(List.of(2.0, 3.0, 4.0), List.of(1.0, 1.5, 2.0))));
    checks.forEach(c -> assertEquals(Status.PASS, c.status(), c.toString()));
    assertTrue(check(checks, HandshakeChecks.TLS).measured().contains("terminated at the load balancer"));
    assertTrue(check(checks, HandshakeChecks.LATENCY).measured().contains("adds +1.50 ms (p50)"),
      check(checks, HandshakeChecks.LATENCY).measured());
    assertEquals(Verdict.PASS, HandshakeReport.verdict(checks).exitCode());
  }

  @Test
  void a426IsReadForItsProblemsAndFixesAndEverythingElseIsSkipped() {
    String body = new JsonObject().put("error", "upgrade_required").put("status", 426)
      .put("problems", new JsonArray().add(new JsonObject().put("reason", "missing_upgrade").put("field", "Upgrade")
        .put("message", "no Upgrade header")))
      .put("fix", new JsonObject().put("nginx", "proxy_http_version 1.1;").put("haproxy", "mode http")
        .put("ingress_nginx", "default")).encode();
    Attempt rejected = new Attempt(426, body, "upgrade rejected with HTTP 426", List.of(), null, null);
    List<HandshakeCheck> checks = HandshakeChecks.evaluate(observation(rejected, rejected, null, null, null));
    HandshakeCheck upgrade = check(checks, HandshakeChecks.UPGRADE);
    assertEquals(Status.FAIL, upgrade.status());
    assertTrue(upgrade.measured().contains("HTTP 426") && upgrade.measured().contains("Upgrade: no Upgrade header"),
      upgrade.measured());
    assertEquals("nginx: proxy_http_version 1.1; | HAProxy: mode http | ingress-nginx: default", upgrade.fix());
    assertEquals(Status.SKIPPED, check(checks, HandshakeChecks.MARKER).status());
    assertEquals(Status.SKIPPED, check(checks, HandshakeChecks.SUBPROTOCOL).status());
    assertEquals(Status.SKIPPED, check(checks, HandshakeChecks.MESSAGE_SIZE).status());
    Verdict verdict = HandshakeReport.verdict(checks);
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertTrue(verdict.problems().get(0).startsWith("upgrade: HTTP 426"), verdict.problems().toString());
  }

  @Test
  void anotherStatusShowsABodyExcerptAndTheGenericFix() {
    HandshakeCheck upgrade = HandshakeChecks.upgrade(new Attempt(502, "<html>Bad Gateway</html>", "502", List.of(),
      null, null));
    assertEquals(Status.FAIL, upgrade.status());
    assertEquals("HTTP 502 instead of 101, body: <html>Bad Gateway</html>", upgrade.measured());
    assertEquals(HandshakeChecks.UPGRADE_FIX, upgrade.fix());
  }

  @Test
  void aSubprotocolRemovedOnTheWayOrNotReturnedFails() {
    Attempt stripped = new Attempt(101, null, "Invalid subprotocol. Actual: null. Expected one of: wstest.check",
      List.of(), null, null);
    HandshakeCheck check = HandshakeChecks.subprotocol("wstest.check", stripped);
    assertEquals(Status.FAIL, check.status());
    assertEquals(HandshakeChecks.SUBPROTOCOL_FIX, check.fix());

    Attempt unseen = new Attempt(101, null, null, List.of(), null, welcome());
    assertEquals(Status.FAIL, HandshakeChecks.subprotocol("wstest.check", unseen).status());

    Attempt notSelected = new Attempt(101, null, null, List.of(), null,
      welcome().put("subprotocols_offered", new JsonArray().add("wstest.check")));
    HandshakeCheck warn = HandshakeChecks.subprotocol("wstest.check", notSelected);
    assertEquals(Status.WARN, warn.status());
    assertTrue(warn.fix().contains("SUBPROTOCOLS"), warn.fix());
  }

  @Test
  void compressionRemovedOnTheWayInWarnsOnTheWayOutFailsAndOffOnTheServerIsSkipped() {
    JsonObject noOffer = welcome().put("extensions_offered", new JsonArray()).put("extensions", new JsonArray());
    assertEquals(Status.WARN, HandshakeChecks.compression(upgraded(noOffer)).status());
    JsonObject off = welcome().put("extensions", new JsonArray());
    assertEquals(Status.SKIPPED, HandshakeChecks.compression(new Attempt(101, null, null, List.of(), null, off))
      .status());
    HandshakeCheck lost = HandshakeChecks.compression(new Attempt(101, null, null, List.of(), null, welcome()));
    assertEquals(Status.FAIL, lost.status());
    assertTrue(lost.measured().contains("no Sec-WebSocket-Extensions"), lost.measured());
  }

  @Test
  void theMarkerHostAndOriginAreComparedWithWhatWasSent() {
    JsonObject request = HandshakeChecks.request(welcome());
    assertEquals(Status.PASS, HandshakeChecks.marker(request, "X-Wstest-Marker", MARKER).status());
    assertEquals(Status.FAIL, HandshakeChecks.marker(request, "X-Wstest-Marker", "other").status());
    assertEquals(Status.FAIL, HandshakeChecks.marker(request, "X-Other", MARKER).status());
    assertEquals(Status.PASS, HandshakeChecks.host(request, "lb.example.com").status());
    HandshakeCheck rewritten = HandshakeChecks.host(request.copy().put("host", "backend:8080"), "lb.example.com");
    assertEquals(Status.WARN, rewritten.status());
    assertTrue(rewritten.fix().contains("proxy_set_header Host $host"), rewritten.fix());
    assertEquals(Status.PASS, HandshakeChecks.host(request.copy().put("host", "lb.example.com:8443"),
      "lb.example.com").status(), "a port does not make another host");
    assertEquals(Status.WARN, HandshakeChecks.origin(request, "https://app.example.com").status());
    assertEquals("[::1]", "[" + HandshakeChecks.hostName("[::1]:80") + "]");
  }

  @Test
  void theClientAddressMustBeForwardedAndWithDirectMustBeTheClientsOwn() {
    assertEquals(Status.PASS, HandshakeChecks.clientIp(welcome(), null).status());
    JsonObject none = welcome().put("forwarded_for", new JsonArray()).put("client_ip", "10.0.0.2");
    HandshakeCheck lost = HandshakeChecks.clientIp(none, null);
    assertEquals(Status.WARN, lost.status());
    assertTrue(lost.fix().contains("$proxy_add_x_forwarded_for"), lost.fix());
    JsonObject proxied = none.copy().put("proxy_protocol", new JsonObject().put("version", 2));
    assertTrue(HandshakeChecks.clientIp(proxied, null).measured().contains("PROXY protocol"));

    Attempt sameClient = upgraded(welcome().put("remote_address", "198.51.100.7"));
    assertEquals(Status.PASS, HandshakeChecks.clientIp(welcome(), sameClient).status());
    Attempt elsewhere = upgraded(welcome().put("remote_address", "203.0.113.9"));
    HandshakeCheck spoofed = HandshakeChecks.clientIp(welcome(), elsewhere);
    assertEquals(Status.FAIL, spoofed.status());
    assertTrue(spoofed.measured().contains("203.0.113.9"), spoofed.measured());
  }

  @Test
  void theHttpVersionAndTlsAreReported() {
    JsonObject request = HandshakeChecks.request(welcome());
    assertEquals(Status.PASS, HandshakeChecks.httpVersion(request).status());
    assertEquals(Status.WARN, HandshakeChecks.httpVersion(request.copy().put("http_version", "HTTP/1.0")).status());
    JsonObject tls = request.copy().put("scheme", "wss").put("tls", new JsonObject().put("alpn", null));
    assertTrue(HandshakeChecks.httpVersion(tls).measured().contains("ALPN none"));
    assertTrue(HandshakeChecks.tls("wss", tls).measured().contains("TLS reaches the server"));
    assertTrue(HandshakeChecks.tls("ws", request).measured().contains("no TLS on either side"));
  }

  @Test
  void aCutBelowTheServersLimitIsTheBalancersAndTheServersOwn1009Passes() {
    HandshakeCheck cut = HandshakeChecks.messageSize(new Ladder(65536, 16384, 32768, null, null, true, null), true);
    assertEquals(Status.FAIL, cut.status());
    assertTrue(cut.measured().contains("32768 B cut by the load balancer (close 1006, TCP reset)"), cut.measured());
    assertEquals(HandshakeChecks.SIZE_FIX, cut.fix());

    Ladder balancer1009 = new Ladder(65536, 16384, 32768, (short) 1009, "frame too big", false, null);
    assertEquals(Status.FAIL, HandshakeChecks.messageSize(balancer1009, true).status());
    HandshakeCheck own = HandshakeChecks.messageSize(
      new Ladder(4096, 4096, 4097, (short) 1009, "Max frame length of 4096 has been exceeded.", false, null), true);
    assertEquals(Status.PASS, own.status());
    assertTrue(own.measured().startsWith("largest passing 4096 B, the server's own limit"), own.measured());
    assertEquals(Status.PASS, HandshakeChecks.messageSize(new Ladder(null, 1048576, null, null, null, false, null),
      true).status());
  }

  @Test
  void latencyNeedsDirectAndPercentilesAreNearestRank() {
    assertEquals(Status.SKIPPED, HandshakeChecks.latency(null, null).status());
    List<Double> values = List.of(5.0, 1.0, 3.0, 2.0, 4.0);
    assertEquals(3.0, HandshakeChecks.percentile(values, 50));
    assertEquals(5.0, HandshakeChecks.percentile(values, 99));
  }

  @Test
  void theLadderEndsOneByteOverTheServersLimitAndMessagesHaveTheirExactSize() {
    assertEquals(List.of(1024, 2048, 4096, 4097), HandshakeScenario.ladderSizes(4096));
    assertEquals(List.of(1024, 2048, 3000, 3001), HandshakeScenario.ladderSizes(3000));
    assertEquals(11, HandshakeScenario.ladderSizes(null).size(), "1 KB doubling up to 1 MB, no step over");
    assertEquals(4097, HandshakeScenario.padded(4097).length());
    new JsonObject(HandshakeScenario.padded(1024));
  }
}
