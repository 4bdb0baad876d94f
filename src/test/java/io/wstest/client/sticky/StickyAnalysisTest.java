package io.wstest.client.sticky;

import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.FailureKind;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.SpreadStatsTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sticky share, the verdict and the affinity source, from connection results as the runner reports them. */
public class StickyAnalysisTest {

  private static final WsTarget TARGET = new WsTarget("http", false, "127.0.0.1", 8080, "/ws");
  private static final List<Map.Entry<String, String>> NONE = List.of();

  /** A successful connection to {@code pod} that sent {@code cookie} (or none) and got {@code setCookie} (or none). */
  private static ConnectionResult served(int index, String pod, String cookie, String setCookie) {
    ConnectionResult r = SpreadStatsTest.served(index, pod, 1, 1);
    return new ConnectionResult(r.index(), r.endpoint(), r.url(), r.welcome(), r.connectMs(), r.pingMs(), null,
      new ConnectionResult.Handshake(cookie == null ? NONE : List.of(Map.entry("Cookie", cookie)),
        setCookie == null ? NONE : List.of(Map.entry("Set-Cookie", setCookie))));
  }

  /** A run whose connections went to these pods in order; the first got Set-Cookie, later ones sent it back. */
  public static StickyRun run(String name, String setCookie, String... pods) {
    List<ConnectionResult> results = new ArrayList<>();
    String cookie = setCookie == null ? null : setCookie.substring(0, setCookie.indexOf(';'));
    for (String pod : pods) {
      boolean first = results.isEmpty();
      results.add(served(results.size() + 1, pod, first ? null : cookie, first ? setCookie : null));
    }
    return StickyRun.of(name, new ConnectionRunner.Run(TARGET, results, 0, 1));
  }

  private static CookieJar jarAfter(String... setCookies) {
    CookieJar jar = new CookieJar();
    jar.receive(TARGET, 1, List.of(setCookies));
    return jar;
  }

  @Test
  void shareCountsTheConnectionsAfterTheFirstSuccessfulOne() {
    List<ConnectionResult> results = new ArrayList<>();
    results.add(SpreadStatsTest.failed(1, Failure.of(FailureKind.TIMEOUT, "pong", "no pong")));
    results.add(served(2, "a", null, null));
    results.add(served(3, "a", null, null));
    results.add(served(4, "b", null, null));
    results.add(served(5, "a", null, null));
    StickyRun run = StickyRun.of("replay", new ConnectionRunner.Run(TARGET, results, 0, 1));
    assertEquals(2, run.first().index());
    assertEquals(2, run.returned());
    assertEquals(3, run.compared());
    assertEquals(2.0 / 3, run.share(), 1e-12);
    assertEquals("2 of 3 (66.7%)", run.shareText());
    assertNull(run.returned(results.get(0)), "failed");
    assertNull(run.returned(results.get(1)), "the first");
    assertEquals(Boolean.FALSE, run.returned(results.get(3)));
    // a failure is a problem even when the share is fine
    Verdict verdict = StickyScenario.verdict(0.5, run);
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertEquals("Sticky session test failed", verdict.headline());
    assertEquals(List.of("1 of 5 connections failed (timeout: 1)"), verdict.problems());
  }

  @Test
  void verdictPassesAtTheThresholdAndFailsBelowIt() {
    StickyRun all = run("replay", null, "a", "a", "a", "a", "a");
    assertEquals(1.0, all.share());
    Verdict pass = StickyScenario.verdict(1.0, all);
    assertEquals(Verdict.PASS, pass.exitCode());
    assertEquals("Sticky: 4 of 4 (100%) connections returned to websocket-test-service-a (--min-sticky 100%)",
      pass.headline());

    StickyRun roundRobin = run("replay", null, "a", "b", "c", "a", "b", "c", "a");
    assertEquals(2.0 / 6, roundRobin.share(), 1e-12);
    assertEquals(Verdict.PASS, StickyScenario.verdict(1.0 / 3, roundRobin).exitCode(), "equal to the minimum passes");
    Verdict fail = StickyScenario.verdict(0.99, roundRobin);
    assertEquals(Verdict.FAIL, fail.exitCode());
    assertTrue(fail.headline().startsWith("Not sticky: 2 of 6 (33.3%)"), fail.headline());
    assertEquals(List.of("only 2 of 6 (33.3%) connections returned to websocket-test-service-a, below --min-sticky 99%"),
      fail.problems());
  }

  @Test
  void fewerThanTwoSuccessesCannotShowStickiness() {
    List<ConnectionResult> results = List.of(served(1, "a", null, null),
      SpreadStatsTest.failed(2, Failure.closed("welcome", (short) 1011, "boom")));
    StickyRun run = StickyRun.of("replay", new ConnectionRunner.Run(TARGET, results, 0, 1));
    assertNull(run.share());
    Verdict verdict = StickyScenario.verdict(0, run);
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertTrue(verdict.problems().contains("fewer than 2 connections succeeded: there is nothing to compare with the first"));
  }

  @Test
  void unreachableTargetCannotBeTested() {
    List<ConnectionResult> results = List.of(
      SpreadStatsTest.failed(1, Failure.of(FailureKind.REFUSED, "connect", "connection refused by 127.0.0.1:1")),
      SpreadStatsTest.failed(2, Failure.of(FailureKind.REFUSED, "connect", "connection refused by 127.0.0.1:1")));
    Verdict verdict = Verdict.unreachable(results);
    assertEquals(Verdict.CANNOT_TEST, verdict.exitCode());
    assertEquals("Cannot reach the target: connection refused by 127.0.0.1:1", verdict.headline());
    assertNull(Verdict.unreachable(List.of(served(1, "a", null, null))));
  }

  @Test
  void aReplayedLoadBalancerCookieThatTheControlNeedsIsTheSource() {
    StickyRun replay = run("replay", "SRV=b1; path=/", "a", "a", "a", "a");
    StickyRun control = run("control", null, "b", "c", "a", "b");
    Affinity affinity = Affinity.of(replay, control, 0.99, jarAfter("SRV=b1; path=/"), TARGET, NONE);
    assertEquals("cookie", affinity.source());
    assertTrue(affinity.verified());
    assertEquals(List.of("SRV"), affinity.cookiesReplayed());
    assertEquals("the cookie SRV set by the load balancer", affinity.summary());
    assertEquals("Affinity comes from cookie SRV (Set-Cookie: SRV=b1; path=/), replayed: the control run, which "
      + "sent none of it, was not sticky (only 33.3% returned).", affinity.explanation());
    assertTrue(affinity.toJson().getBoolean("cookie_set"));
    assertEquals("b1", affinity.toJson().getJsonArray("cookies_set").getJsonObject(0).getString("value"));
  }

  @Test
  void stickyWithoutAnyCookieIsTheClientAddress() {
    StickyRun replay = run("replay", null, "c", "c", "c");
    StickyRun control = run("control", null, "c", "c", "c");
    Affinity affinity = Affinity.of(replay, control, 0.99, new CookieJar(), TARGET, NONE);
    assertEquals("client_address", affinity.source());
    assertTrue(affinity.verified());
    assertFalse(affinity.toJson().getBoolean("cookie_set"));
    assertTrue(affinity.explanation().startsWith("No cookie or header is involved"), affinity.explanation());
    assertTrue(affinity.explanation().endsWith("The load balancer set no cookie."), affinity.explanation());

    // A cookie the load balancer sets but does not need changes nothing.
    Affinity unneeded = Affinity.of(run("replay", "SRV=b3; path=/", "c", "c", "c"), control, 0.99,
      jarAfter("SRV=b3; path=/"), TARGET, NONE);
    assertEquals("client_address", unneeded.source());
    assertTrue(unneeded.explanation().endsWith("It did set cookie SRV, but that is not what keeps the client there."),
      unneeded.explanation());

    // The same requests sticky in one run and not in the other: nothing to credit.
    Affinity changed = Affinity.of(replay, run("control", null, "a", "b", "c"), 0.99, new CookieJar(), TARGET, NONE);
    assertEquals("unknown", changed.source());
    assertFalse(changed.verified());

    // Without a control run, nothing was sent that could pin the client: still the address.
    Affinity uncontrolled = Affinity.of(replay, null, 0.99, new CookieJar(), TARGET, NONE);
    assertEquals("client_address", uncontrolled.source());
    assertTrue(uncontrolled.verified());
  }

  @Test
  void notStickySaysWhetherACookieWasSet() {
    StickyRun replay = run("replay", null, "a", "b", "c", "a");
    Affinity none = Affinity.of(replay, run("control", null, "b", "c", "a"), 0.99, new CookieJar(), TARGET, NONE);
    assertEquals("none", none.source());
    assertEquals("nothing: not sticky", none.summary());
    assertTrue(none.explanation().contains("No cookie was set and none was sent"), none.explanation());

    Affinity ignored = Affinity.of(run("replay", "SRV=b1; path=/", "a", "b", "c"), null, 0.99,
      jarAfter("SRV=b1; path=/"), TARGET, NONE);
    assertEquals("none", ignored.source());
    assertTrue(ignored.explanation().endsWith("returned to the first instance, with cookie SRV (Set-Cookie: SRV=b1; "
      + "path=/), replayed."), ignored.explanation());
  }

  @Test
  void headersAndCookiesTogetherCannotBeToldApart() {
    List<Map.Entry<String, String>> header = List.of(Map.entry("X-Route", "b1"));
    StickyRun replay = run("replay", "SRV=b1; path=/", "a", "a", "a");
    StickyRun control = run("control", null, "a", "b", "c");
    CookieJar jar = jarAfter("SRV=b1; path=/");
    assertEquals("cookie_or_header", Affinity.of(replay, control, 0.99, jar, TARGET, header).source());

    Affinity headerOnly = Affinity.of(run("replay", null, "a", "a", "a"), control, 0.99, new CookieJar(), TARGET, header);
    assertEquals("header", headerOnly.source());
    assertEquals("your --header 'X-Route: b1'", headerOnly.summary());

    Affinity unverified = Affinity.of(replay, null, 0.99, jar, TARGET, NONE);
    assertEquals("cookie", unverified.source());
    assertFalse(unverified.verified());
    assertTrue(unverified.explanation().endsWith("(not verified: --no-control)."), unverified.explanation());
  }

  @Test
  void aCookieGivenWithHeaderIsTheUsersAffinity() {
    // --header 'Cookie: SRV=b2': the load balancer finds a valid cookie and sets none
    List<ConnectionResult> results = List.of(served(1, "b", "SRV=b2", null), served(2, "b", "SRV=b2", null),
      served(3, "b", "SRV=b2", null));
    StickyRun replay = StickyRun.of("replay", new ConnectionRunner.Run(TARGET, results, 0, 1));
    CookieJar jar = new CookieJar();
    jar.seed("SRV=b2");
    Affinity affinity = Affinity.of(replay, run("control", null, "a", "b", "c"), 0.99, jar, TARGET, NONE);
    assertEquals("header", affinity.source());
    assertEquals("your --header cookie SRV", affinity.summary());
    assertFalse(affinity.toJson().getBoolean("cookie_set"), "the load balancer set none");
  }
}
