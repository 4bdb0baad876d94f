package io.wstest.client.idle;

import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.FailureKind;
import io.wstest.client.socket.Welcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.wstest.client.idle.IdleResult.CloseKind.CLOSE_FRAME;
import static io.wstest.client.idle.IdleResult.CloseKind.NO_CLOSE_FRAME;
import static io.wstest.client.idle.IdleResult.CloseKind.RESET;
import static io.wstest.client.idle.IdleResult.Outcome.CUT;
import static io.wstest.client.idle.IdleResult.Outcome.CUT_ON_PROBE;
import static io.wstest.client.idle.IdleResult.Outcome.FAILED;
import static io.wstest.client.idle.IdleResult.Outcome.NO_ANSWER;
import static io.wstest.client.idle.IdleResult.Outcome.SURVIVED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The idle-timeout summary and verdict, from socket outcomes as {@link IdleSocket} reports them. */
class IdleTimeoutSummaryTest {

  private final List<IdleResult> results = new ArrayList<>();

  private static JsonObject welcome(String pod) {
    return new JsonObject().put("type", "welcome").put("instance_id", "id-" + pod)
      .put("service_identity", new JsonObject().put("display_name", "svc-" + pod).put("pod_name", pod));
  }

  /** A socket of the given mode and rung (null: until-cut) that ended as given. */
  private IdleResult add(Keepalive keepalive, Long rungMs, long limitMs, IdleResult.Outcome outcome, Long cutAfterMs,
                         Integer code, IdleResult.CloseKind kind) {
    boolean closed = code != null;
    Instant opened = Instant.parse("2026-01-01T00:00:00Z");
    IdleResult r = new IdleResult(results.size() + 1, keepalive, rungMs, limitMs, "http", "ws://lb/ws",
      outcome == FAILED ? null : Welcome.parse(welcome("pod-" + (results.size() % 2))), opened, opened.plusMillis(100),
      closed ? opened.plusMillis(100 + (cutAfterMs == null ? limitMs : cutAfterMs)) : null, outcome, cutAfterMs,
      outcome == FAILED ? null : cutAfterMs != null ? cutAfterMs : limitMs, code, kind,
      kind == CLOSE_FRAME ? "going away" : null, 0, 0, 0, outcome == SURVIVED ? 1.5 : null,
      outcome == FAILED ? Failure.of(FailureKind.TIMEOUT, "options_ack", "no options_ack within 5000 ms") : null);
    results.add(r);
    return r;
  }

  private IdleResult cut(Keepalive keepalive, long limitMs, long afterMs) {
    return add(keepalive, null, limitMs, CUT, afterMs, 1006, NO_CLOSE_FRAME);
  }

  private IdleResult survived(Keepalive keepalive, long limitMs) {
    return add(keepalive, null, limitMs, SURVIVED, null, null, null);
  }

  private IdleTimeoutSummary summary(IdleTimeoutSettings settings) {
    return IdleTimeoutSummary.of(settings, results);
  }

  @Test
  void silentSocketsCutByTheLoadBalancerGiveMinMedianMaxAndPass() {
    IdleTimeoutSettings settings = IdleTimeoutArgumentsTest.settings("--max-idle", "8s");
    cut(Keepalive.NONE, 8000, 3010);
    cut(Keepalive.NONE, 8000, 2990);
    cut(Keepalive.NONE, 8000, 3004);
    IdleTimeoutSummary summary = summary(settings);
    IdleTimeoutSummary.ModeSummary none = summary.modes().get(0);
    assertEquals(new IdleTimeoutSummary.CutTimes(3, 2990, 3004, 3010), none.cutMs());
    assertEquals(3, none.cut());
    assertEquals(0, none.survived());
    assertEquals(3, none.closeCodes().get(1006));
    assertEquals(3, none.closeKinds().get("no_close_frame"));
    assertEquals("all 3 cut after min 2990 / median 3004 / max 3010 ms of silence; "
      + "closes: 1006, no close frame x3", none.finding());
    Verdict verdict = summary.verdict(settings);
    assertTrue(verdict.passed());
    assertEquals("silent sockets: " + none.finding(), verdict.headline());
    JsonObject json = summary.toJson().getJsonArray("modes").getJsonObject(0);
    assertEquals(new JsonObject().put("count", 3).put("min", 2990L).put("median", 3004.0).put("max", 3010L),
      json.getJsonObject("cut_ms"));
    assertEquals(3, json.getJsonObject("close_codes").getInteger("1006"));
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(new IdleTimeoutSummary.CutTimes(4, 1000, 2500, 9000),
      IdleTimeoutSummary.CutTimes.of(List.of(9000L, 2000L, 1000L, 3000L)));
    assertEquals(0, IdleTimeoutSummary.CutTimes.of(List.of()).count());
  }

  @Test
  void minIdleFailsWhenASilentSocketWasCutSooner() {
    IdleTimeoutSettings settings = IdleTimeoutArgumentsTest.settings("--max-idle", "8s", "--min-idle", "5s");
    cut(Keepalive.NONE, 8000, 4001);
    survived(Keepalive.NONE, 8000);
    Verdict verdict = summary(settings).verdict(settings);
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertEquals(List.of("[none] 1 of 2 silent sockets were cut sooner than --min-idle 5s: socket 1 on svc-pod-0: "
      + "cut after 4001 ms of silence (1006, no close frame)"), verdict.problems());
  }

  @Test
  void minIdleHoldsWhenSilentSocketsLastedLongEnough() {
    IdleTimeoutSettings settings = IdleTimeoutArgumentsTest.settings("--max-idle", "8s", "--min-idle", "3s");
    cut(Keepalive.NONE, 8000, 3000);
    survived(Keepalive.NONE, 8000);
    assertTrue(summary(settings).verdict(settings).passed());
  }

  @Test
  void minIdleIsNotShownBySocketsDroppedAtAnUnknownTime() {
    IdleTimeoutSettings settings = IdleTimeoutArgumentsTest.settings("--max-idle", "8s", "--min-idle", "3s");
    add(Keepalive.NONE, null, 8000, CUT_ON_PROBE, null, 1006, RESET);
    IdleTimeoutSummary summary = summary(settings);
    assertEquals("1 of 1 open after 8s but dropped: the probe then found no connection; closes: 1006, TCP reset x1",
      summary.modes().get(0).finding());
    Verdict verdict = summary.verdict(settings);
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertTrue(verdict.problems().get(0).startsWith("[none] no silent socket was shown to last --min-idle 3s"),
      verdict.problems().toString());
  }

  @Test
  void expectKeepaliveSurvivesFailsWhenAKeepaliveSocketWasCut() {
    IdleTimeoutSettings settings = IdleTimeoutArgumentsTest.settings("--max-idle", "6s", "--keepalive", "none,ping",
      "--keepalive-interval", "1s", "--expect-keepalive-survives");
    cut(Keepalive.NONE, 6000, 3000);
    survived(Keepalive.PING, 6000);
    add(Keepalive.PING, null, 6000, CUT, 420L, 1001, CLOSE_FRAME);
    IdleTimeoutSummary summary = summary(settings);
    assertEquals("1 of 2 cut after 420 ms since the last frame; 1 of 2 survived 6s; closes: 1001 going away x1",
      summary.modes().get(1).finding());
    Verdict verdict = summary.verdict(settings);
    assertEquals(List.of("[ping] 1 of 2 sockets did not survive with a WebSocket ping every 1s: socket 3 on "
      + "svc-pod-0: cut after 420 ms since the last frame (1001 going away)"), verdict.problems());
  }

  @Test
  void expectKeepaliveSurvivesHoldsWhenEveryKeepaliveSocketSurvived() {
    IdleTimeoutSettings settings = IdleTimeoutArgumentsTest.settings("--max-idle", "6s", "--keepalive", "none,data",
      "--keepalive-interval", "1s", "--expect-keepalive-survives");
    cut(Keepalive.NONE, 6000, 3000);
    survived(Keepalive.DATA, 6000);
    Verdict verdict = summary(settings).verdict(settings);
    assertTrue(verdict.passed());
    assertEquals("silent sockets: all 1 cut after 3000 ms of silence; closes: 1006, no close frame x1 | "
      + "with a ping message every 1s: all 1 survived 6s", verdict.headline());
  }

  @Test
  void ladderReportsTheRungsTheTimeoutLiesBetween() {
    IdleTimeoutSettings settings = IdleTimeoutArgumentsTest.settings("--ladder", "1s,5s,10s");
    add(Keepalive.NONE, 1000L, 1000, SURVIVED, null, null, null);
    add(Keepalive.NONE, 5000L, 5000, CUT, 3000L, 1006, NO_CLOSE_FRAME);
    add(Keepalive.NONE, 10_000L, 10_000, NO_ANSWER, null, null, null);
    IdleTimeoutSummary.ModeSummary none = summary(settings).modes().get(0);
    assertEquals(new IdleTimeoutSummary.Ladder(1000L, 5000L, true), none.ladder());
    assertEquals("1s survived, 5s failed: the idle timeout lies between 1s and 5s (cut seen after 3000 ms); "
      + "closes: 1006, no close frame x1", none.finding());
    assertEquals(1, none.dropped());
  }

  @Test
  void ladderSaysWhenItIsNotMonotonicOrNeverCut() {
    IdleTimeoutSettings settings = IdleTimeoutArgumentsTest.settings("--ladder", "1s,2s,4s");
    add(Keepalive.NONE, 1000L, 1000, SURVIVED, null, null, null);
    add(Keepalive.NONE, 2000L, 2000, CUT_ON_PROBE, null, 1006, RESET);
    add(Keepalive.NONE, 4000L, 4000, SURVIVED, null, null, null);
    IdleTimeoutSummary.Ladder ladder = summary(settings).modes().get(0).ladder();
    assertEquals(new IdleTimeoutSummary.Ladder(1000L, 2000L, false), ladder);
    assertTrue(summary(settings).modes().get(0).finding().contains("not monotonic"));

    results.clear();
    add(Keepalive.NONE, 1000L, 1000, SURVIVED, null, null, null);
    add(Keepalive.NONE, 4000L, 4000, SURVIVED, null, null, null);
    IdleTimeoutSummary.ModeSummary none = summary(settings).modes().get(0);
    assertEquals(new IdleTimeoutSummary.Ladder(4000L, null, true), none.ladder());
    assertEquals("every rung survived, up to 4s: the idle timeout is longer (or there is none)", none.finding());

    results.clear();
    add(Keepalive.NONE, 1000L, 1000, CUT, 700L, 1006, NO_CLOSE_FRAME);
    assertEquals(new IdleTimeoutSummary.Ladder(null, 1000L, true), summary(settings).modes().get(0).ladder());
  }

  @Test
  void socketsThatCouldNotBeSetUpFailTheTest() {
    IdleTimeoutSettings settings = IdleTimeoutArgumentsTest.settings("--max-idle", "8s");
    cut(Keepalive.NONE, 8000, 3000);
    add(Keepalive.NONE, null, 8000, FAILED, null, null, null);
    Verdict verdict = summary(settings).verdict(settings);
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertEquals(List.of("[none] 1 of 2 sockets could not be set up (timeout in options_ack: no options_ack within "
      + "5000 ms)"), verdict.problems());
  }

  @Test
  void everySocketUnreachableMeansNothingWasTested() {
    IdleTimeoutSettings settings = IdleTimeoutArgumentsTest.settings("--max-idle", "8s");
    results.add(new IdleResult(1, Keepalive.NONE, null, 8000, "http", "ws://lb/ws", null, null, null, null, FAILED,
      null, null, null, null, null, 0, 0, 0, null, Failure.of(FailureKind.REFUSED, "connect", "connection refused")));
    Verdict verdict = summary(settings).verdict(settings);
    assertEquals(Verdict.CANNOT_TEST, verdict.exitCode());
    assertEquals("Cannot reach the target: connection refused", verdict.headline());
  }

  @Test
  void aSocketsJsonSaysHowItEnded() {
    JsonObject json = add(Keepalive.PING, null, 6000, CUT, 840L, 1006, RESET).toJson();
    assertEquals("ping", json.getString("keepalive"));
    assertEquals("cut", json.getString("outcome"));
    assertEquals(840L, json.getLong("closed_after_ms"));
    assertEquals(1006, json.getInteger("close_code"));
    assertEquals("reset", json.getString("close_kind"));
    assertEquals("id-pod-0", json.getString("instance_id"));
    assertEquals("pod-0", json.getString("pod_name"));
    assertEquals("2026-01-01T00:00:00.100Z", json.getString("last_frame_at"));
    assertNull(json.getValue("rung_ms"));
    assertNull(json.getValue("failure"));
  }
}
