package io.wstest.client.audit;

import io.vertx.core.json.JsonObject;
import io.wstest.client.audit.AuditFindings.StickyExpectation;
import io.wstest.client.handshake.HandshakeCheck;
import io.wstest.client.idle.IdleResult;
import io.wstest.client.idle.IdleTimeoutSettings;
import io.wstest.client.idle.IdleTimeoutSummary;
import io.wstest.client.idle.Keepalive;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.socket.Welcome;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.sticky.Affinity;
import io.wstest.client.sticky.CookieJar;
import io.wstest.client.sticky.StickyAnalysisTest;
import io.wstest.client.sticky.StickyRun;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How each part's findings become card lines, with which fix, and the audit's verdict. */
class AuditFindingsTest {

  private static final WsTarget TARGET = new WsTarget("http", false, "127.0.0.1", 8080, "/ws");
  private static final String SERVER_426_FIX = "nginx: in the location: proxy_http_version 1.1; ... | HAProxy: "
    + "mode http passes upgrades as is | ingress-nginx: upgrades pass by default";

  @Test
  void handshakeFailuresGetTheRecognisedBalancersFixAndServerSideFixesStay() {
    List<HandshakeCheck> checks = List.of(
      new HandshakeCheck("upgrade", HandshakeCheck.Status.FAIL, "HTTP 426 from the server, which says ...",
        SERVER_426_FIX),
      new HandshakeCheck("subprotocol", HandshakeCheck.Status.WARN, "offered wstest.check; selected none",
        "set SUBPROTOCOLS=* or list wstest.check on the server"),
      new HandshakeCheck("tls", HandshakeCheck.Status.PASS, "no TLS on either side", ""),
      new HandshakeCheck("latency", HandshakeCheck.Status.SKIPPED, "give --direct URL", ""));
    List<CardLine> nginx = AuditFindings.handshake(checks, LbType.NGINX);
    assertEquals(CheckStatus.FAIL, nginx.get(0).status());
    assertEquals(FixHints.forLb(FixHints.Topic.UPGRADE, LbType.NGINX), nginx.get(0).fix());
    assertTrue(nginx.get(0).fix().startsWith("nginx: proxy_http_version 1.1;"), nginx.get(0).fix());
    assertEquals("set SUBPROTOCOLS=* or list wstest.check on the server", nginx.get(1).fix());
    assertEquals("", nginx.get(2).fix());
    assertEquals(CheckStatus.SKIPPED, nginx.get(3).status());
    assertEquals("handshake: upgrade", nginx.get(0).name());

    String unknown = AuditFindings.handshake(checks, null).get(0).fix();
    assertTrue(unknown.startsWith("nginx: ") && unknown.contains(" | HAProxy: ") && unknown.contains(" | ingress-nginx: "),
      unknown);
    assertEquals(FixHints.forLb(FixHints.Topic.UPGRADE, LbType.ENVOY),
      AuditFindings.handshake(checks, LbType.ENVOY).get(0).fix());
  }

  /** A sticky run whose connections went to these pods (the sticky analysis's own test builds it). */
  private static StickyRun run(String name, String setCookie, String... pods) {
    return StickyAnalysisTest.run(name, setCookie, pods);
  }

  @Test
  void stickinessIsReportedAndFailsOnlyAgainstAnExpectation() {
    StickyRun replay = run("replay", "SRV=b1; path=/", "a", "a", "a", "a");
    StickyRun control = run("control", null, "a", "b", "c", "a");
    // as Affinity.of finds it from these runs (StickyAnalysisTest): the cookie the balancer set, replayed
    Affinity cookie = new Affinity("cookie", true, "Affinity comes from cookie SRV", List.of(
      new CookieJar.StoredCookie("SRV", "b1", "127.0.0.1", "/", false, false, null, null, 1, "SRV=b1; path=/")),
      List.of("SRV"), List.of(), List.of());
    CardLine reported = AuditFindings.sticky(replay, control, cookie, StickyExpectation.ANY, LbType.HAPROXY);
    assertEquals(CheckStatus.PASS, reported.status());
    assertTrue(reported.measured().startsWith("sticky: affinity the cookie SRV set by the load balancer; replay "
      + "3 of 3 (100%)"), reported.measured());
    CardLine unwanted = AuditFindings.sticky(replay, control, cookie, StickyExpectation.NOT_STICKY, LbType.HAPROXY);
    assertEquals(CheckStatus.FAIL, unwanted.status());
    assertEquals(FixHints.forLb(FixHints.Topic.REMOVE_STICKY, LbType.HAPROXY), unwanted.fix());

    StickyRun roundRobin = run("replay", null, "a", "b", "c", "a");
    Affinity none = new Affinity("none", true, "Not sticky", List.of(), List.of(), List.of(), List.of());
    CardLine notSticky = AuditFindings.sticky(roundRobin, control, none, StickyExpectation.ANY, LbType.NGINX);
    assertEquals(CheckStatus.PASS, notSticky.status());
    assertTrue(notSticky.measured().startsWith("not sticky: affinity nothing"), notSticky.measured());
    CardLine wanted = AuditFindings.sticky(roundRobin, control, none, StickyExpectation.STICKY, LbType.NGINX);
    assertEquals(CheckStatus.FAIL, wanted.status());
    assertTrue(wanted.fix().startsWith("nginx: hash $remote_addr consistent;"), wanted.fix());
  }

  private final List<IdleResult> sockets = new ArrayList<>();

  private void socket(Keepalive keepalive, long rungMs, IdleResult.Outcome outcome, Long cutAfterMs) {
    Instant opened = Instant.parse("2026-01-01T00:00:00Z");
    boolean cut = outcome == IdleResult.Outcome.CUT;
    Welcome welcome = Welcome.parse(new JsonObject().put("type", "welcome").put("instance_id", "id-a")
      .put("service_identity", new JsonObject().put("display_name", "svc-a").put("pod_name", "a")));
    sockets.add(new IdleResult(sockets.size() + 1, keepalive, rungMs, rungMs, "http", "ws://lb/ws", welcome, opened,
      opened.plusMillis(100), cut ? opened.plusMillis(100 + cutAfterMs) : null, outcome, cutAfterMs,
      cut ? cutAfterMs : rungMs, cut ? 1006 : null, cut ? IdleResult.CloseKind.NO_CLOSE_FRAME : null, null,
      keepalive == Keepalive.NONE ? 0 : 4, keepalive == Keepalive.NONE ? 0 : 4, 0, cut ? null : 1.0, null));
  }

  private IdleTimeoutSummary summary() {
    ConnectSettings connect = new ConnectSettings(List.of(TARGET), TARGET, List.of(), Duration.ofSeconds(5), false);
    IdleTimeoutSettings settings = new IdleTimeoutSettings(connect, null, 1, Duration.ofSeconds(8),
      List.of(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8)),
      List.of(Keepalive.NONE, Keepalive.PING), Duration.ofMillis(800), null, false);
    return IdleTimeoutSummary.of(settings, sockets);
  }

  @Test
  void aTimeoutBelowMinIdleWarnsWithTheFixAndTheKeepaliveThatBeatItPasses() {
    socket(Keepalive.NONE, 2000, IdleResult.Outcome.SURVIVED, null);
    socket(Keepalive.NONE, 4000, IdleResult.Outcome.CUT, 3010L);
    socket(Keepalive.NONE, 8000, IdleResult.Outcome.CUT, 2990L);
    for (long rung : new long[] {2000, 4000, 8000}) {
      socket(Keepalive.PING, rung, IdleResult.Outcome.SURVIVED, null);
    }
    IdleTimeoutSummary summary = summary();
    CardLine idle = AuditFindings.idleTimeout(AuditFindings.mode(summary, Keepalive.NONE), Duration.ofSeconds(30),
      LbType.NGINX);
    assertEquals(CheckStatus.WARN, idle.status());
    assertTrue(idle.measured().startsWith("≈3.0 s: 2s survived, 4s failed"), idle.measured());
    assertTrue(idle.measured().contains("below --min-idle 30s"), idle.measured());
    assertEquals(FixHints.forLb(FixHints.Topic.IDLE_TIMEOUT, LbType.NGINX), idle.fix());
    CardLine allowed = AuditFindings.idleTimeout(AuditFindings.mode(summary, Keepalive.NONE), Duration.ofSeconds(2),
      LbType.NGINX);
    assertEquals(CheckStatus.PASS, allowed.status(), allowed.measured());
    CardLine keepalive = AuditFindings.keepalive(AuditFindings.mode(summary, Keepalive.PING), LbType.NGINX);
    assertEquals(CheckStatus.PASS, keepalive.status());
    assertEquals("a WebSocket ping every 800ms kept every socket open, up to 8s", keepalive.measured());
  }

  @Test
  void noCutWithinTheLadderPassesAndACutKeepaliveFails() {
    for (long rung : new long[] {2000, 4000, 8000}) {
      socket(Keepalive.NONE, rung, IdleResult.Outcome.SURVIVED, null);
    }
    socket(Keepalive.PING, 2000, IdleResult.Outcome.SURVIVED, null);
    socket(Keepalive.PING, 4000, IdleResult.Outcome.CUT, 3500L);
    socket(Keepalive.PING, 8000, IdleResult.Outcome.SURVIVED, null);
    IdleTimeoutSummary summary = summary();
    CardLine idle = AuditFindings.idleTimeout(AuditFindings.mode(summary, Keepalive.NONE), Duration.ofSeconds(30),
      LbType.HAPROXY);
    assertEquals(CheckStatus.PASS, idle.status());
    assertEquals("silent sockets survived every rung up to 8s: the idle timeout is longer, or there is none",
      idle.measured());
    CardLine keepalive = AuditFindings.keepalive(AuditFindings.mode(summary, Keepalive.PING), LbType.HAPROXY);
    assertEquals(CheckStatus.FAIL, keepalive.status());
    assertTrue(keepalive.measured().startsWith("1 of 3 sockets with a WebSocket ping every 800ms were cut"),
      keepalive.measured());
    assertEquals(FixHints.forLb(FixHints.Topic.KEEPALIVE, LbType.HAPROXY), keepalive.fix());
  }

  private static DrainOutcome drained(int c1001, int c1006, long lost, boolean avoided, boolean accepted) {
    return new DrainOutcome(true, null, c1001, c1006, 0, 500, lost, 0, 40.0, 120.0, avoided, "svc-b", accepted,
      new JsonObject());
  }

  @Test
  void theDrainRehearsalIsJudgedOnClosesLossesReconnectsAndAcceptingAgain() {
    List<CardLine> good = AuditFindings.drain(drained(4, 0, 0, true, true), LbType.HAPROXY, "'test-lb soak'");
    assertEquals(List.of("closes", "lost messages", "reconnects", "accept"), good.stream().map(CardLine::check)
      .toList());
    good.forEach(l -> assertEquals(CheckStatus.PASS, l.status(), l.toString()));
    assertEquals("reconnect p50 40 ms, p99 120 ms; none landed on svc-b", good.get(2).measured());

    List<CardLine> bad = AuditFindings.drain(drained(1, 3, 7, false, false), LbType.HAPROXY, "'test-lb soak'");
    assertEquals(List.of(CheckStatus.FAIL, CheckStatus.FAIL, CheckStatus.WARN, CheckStatus.WARN),
      bad.stream().map(CardLine::status).toList());
    assertEquals("4 closes: 1 with 1001 (going away), 3 with 1006 (no close frame), 0 other", bad.get(0).measured());
    assertEquals(FixHints.forLb(FixHints.Topic.DRAIN, LbType.HAPROXY), bad.get(0).fix());
    assertEquals("7 of 500 messages lost", bad.get(1).measured());

    DrainOutcome nowhereToGo = new DrainOutcome(true, null, 3, 0, 0, 40, 0, 3, null, null, false, "svc-b", true,
      new JsonObject());
    CardLine stranded = AuditFindings.drain(nowhereToGo, LbType.HAPROXY, "'test-lb soak'").get(2);
    assertEquals(CheckStatus.WARN, stranded.status());
    assertEquals("none of the 3 closed sockets got a new one before the rehearsal ended: no other replica took them",
      stranded.measured());
    assertTrue(stranded.fix().contains("more than one replica"), stranded.fix());

    DrainOutcome someStranded = new DrainOutcome(true, null, 4, 0, 0, 40, 0, 1, 40.0, 120.0, true, "svc-b", true,
      new JsonObject());
    CardLine partly = AuditFindings.drain(someStranded, LbType.HAPROXY, "'test-lb soak'").get(2);
    assertEquals(CheckStatus.WARN, partly.status(), "a socket left without a new one is not a pass");
    assertEquals("1 of 4 closed sockets never got a new one before the rehearsal ended; reconnect p50 40 ms,"
      + " p99 120 ms; none landed on svc-b", partly.measured());
    assertTrue(partly.fix().contains("more than one replica"), partly.fix());
    assertEquals(1, someStranded.toJson().getInteger("stranded"));

    List<CardLine> skipped = AuditFindings.drain(DrainOutcome.skipped("no --admin-token, and the admin toggles "
      + "answered 401"), null, "'test-lb soak --url ws://lb/ws --duration 3m'");
    assertEquals(1, skipped.size());
    assertEquals(CheckStatus.SKIPPED, skipped.get(0).status());
    assertTrue(skipped.get(0).measured().contains("answered 401. To see what a real rollout does, run "
      + "'test-lb soak --url ws://lb/ws --duration 3m' while you roll out"), skipped.get(0).measured());
  }

  @Test
  void warningsFailOnlyWithFailOnWarnAndSkippedLinesNever() {
    List<CardLine> card = List.of(CardLine.pass("handshake", "upgrade", "101"),
      new CardLine("idle-timeout", "idle timeout", CheckStatus.WARN, "≈3.0 s", "nginx: ..."),
      CardLine.skipped("drain", "drain", "turned off with --no-drain"));
    Verdict lenient = AuditFindings.verdict(card, false);
    assertEquals(Verdict.PASS, lenient.exitCode());
    assertEquals("Audit passed (1 pass, 1 warn, 0 fail, 1 skipped)", lenient.headline());
    Verdict strict = AuditFindings.verdict(card, true);
    assertEquals(Verdict.FAIL, strict.exitCode());
    assertEquals("Audit failed (1 pass, 1 warn, 0 fail, 1 skipped; --fail-on warn)", strict.headline());
    assertEquals(List.of("idle-timeout: idle timeout: ≈3.0 s"), strict.problems());
    List<CardLine> failed = new ArrayList<>(card);
    failed.add(new CardLine("spread", "one by one", CheckStatus.FAIL, "1 instance", ""));
    assertEquals(Verdict.FAIL, AuditFindings.verdict(failed, false).exitCode());
  }
}
