package io.wstest.client.soak;

import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.soak.SoakDisconnect;
import io.wstest.client.run.soak.SoakInstance;
import io.wstest.client.run.soak.SoakOutcome;
import io.wstest.client.run.soak.SoakSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soak's statistics and verdict from counted outcomes: close kinds, reconnect times, lost messages, limits. */
class SoakSummaryTest {

  private static final SoakInstance A = new SoakInstance("aaaa", "svc-pod-a", "pod-a");
  private static final SoakInstance B = new SoakInstance("bbbb", "svc-pod-b", "pod-b");
  private static final SoakInstance C = new SoakInstance("cccc", "svc-pod-c", "pod-c");
  private static final Duration RECOVERY = Duration.ofSeconds(6);

  /** A disconnect announced by a shutdown message at {@code shutdownAt}, closed with {@code close}. */
  private static SoakDisconnect announced(long shutdownAt, String close, Long reconnectedAt, SoakInstance to,
                                          String... evidence) {
    return new SoakDisconnect(1, "http", A, "aaaa-1", shutdownAt, shutdownAt + 1000, close,
      close.matches("\\d+") ? Short.valueOf(close) : null, null, 0, reconnectedAt, to, List.of(evidence), 0);
  }

  /** A disconnect without a shutdown message: the close itself at {@code closedAt}. */
  private static SoakDisconnect unannounced(long closedAt, String close, int lost, Long reconnectedAt) {
    return new SoakDisconnect(2, "http", A, "aaaa-2", null, closedAt, close, null, null, lost, reconnectedAt,
      reconnectedAt == null ? null : B, List.of(), reconnectedAt == null ? 3 : 1);
  }

  private static SoakOutcome outcome(List<SoakDisconnect> disconnects, long lostAtClose, long unansweredAtEnd) {
    return new SoakOutcome(3, 3, null, false,
      new SoakOutcome.MessageCounts(1000, 1000 - lostAtClose - unansweredAtEnd, lostAtClose, unansweredAtEnd, 7, 0, 0),
      0, 0, disconnects, Map.of(), Arrays.asList(A, A, B), Arrays.asList(B, C, B), List.of(), 0);
  }

  private static SoakSettings settings(String... flags) {
    return SoakArgumentsTest.settings(flags);
  }

  @Test
  void closeKindsAreCountedAndOnlyGracefulOnesAreNormal() {
    List<SoakDisconnect> disconnects = new ArrayList<>();
    for (String normal : List.of("1000", "1001", "1001", "1012", "1013", SoakDisconnect.CLIENT_AFTER_SHUTDOWN,
      SoakDisconnect.END_OF_RUN)) {
      disconnects.add(announced(100, normal, 150L, B));
    }
    for (String abnormal : List.of("1006", "1006", SoakDisconnect.RESET, "1011", "1008", "4000",
      SoakDisconnect.ACK_TIMEOUT)) {
      disconnects.add(unannounced(100, abnormal, 0, 400L));
    }
    SoakSummary summary = SoakSummary.of(outcome(disconnects, 0, 0), 10_000, RECOVERY);
    assertEquals(7, summary.abnormalCloses());
    assertEquals(14, summary.disconnects());
    assertEquals(2, summary.closes().get("1001"));
    assertEquals(2, summary.closes().get("1006"));
    assertEquals(1, summary.closes().get("reset"));
    assertEquals(List.of("1001", "1006"), new ArrayList<>(summary.closes().keySet()).subList(0, 2),
      "most frequent first");
    assertEquals("1006: 2, 1008: 1, 1011: 1, 4000: 1, ack-timeout: 1, reset: 1", summary.abnormalByKind());
  }

  @Test
  void reconnectTimeRunsFromTheShutdownMessageOrElseTheClose() {
    // announced: shutdown at 1000, replacement's welcome at 1040 (before the old socket closed at 2000): 40 ms
    // unannounced: closed at 3000, welcome at 3250: 250 ms
    SoakSummary summary = SoakSummary.of(outcome(List.of(announced(1000, "1001", 1040L, B),
      unannounced(3000, "1006", 2, 3250L)), 2, 0), 10_000, RECOVERY);
    assertEquals(2, summary.reconnects());
    assertEquals(40, summary.reconnectMs().p50());
    assertEquals(250, summary.reconnectMs().p99());
    assertEquals(40L, summary.outcome().disconnects().get(0).reconnectMs());
  }

  @Test
  void reconnectsOnADrainingInstanceAndUnrecoveredSocketsAreCounted() {
    SoakSummary summary = SoakSummary.of(outcome(List.of(
      announced(1000, "1001", 1100L, C, "welcome"),
      announced(1000, "1001", 1100L, C, "welcome", "earlier_shutdown"),
      announced(1000, "1001", 1100L, B),
      // lost its connection 8 s before the end (more than the 6 s limit) and never got one back
      unannounced(2000, "1006", 0, null),
      // lost it only 1 s before the end: still within its backoff, not counted
      unannounced(9000, "1006", 0, null)), 0, 0), 10_000, RECOVERY);
    assertEquals(2, summary.reconnectsOnDraining());
    assertEquals(1, summary.unrecovered());
    assertEquals(3, summary.reconnects());
    assertNull(summary.outcome().disconnects().get(3).reconnectMs());
  }

  @Test
  void instancesBeforeAndAfterAreCountedBusiestFirst() {
    SoakOutcome outcome = new SoakOutcome(4, 4, null, false, new SoakOutcome.MessageCounts(0, 0, 0, 0, 0, 0, 0), 0, 0,
      List.of(), Map.of(), Arrays.asList(A, B, A, A), Arrays.asList(B, null, C, B), List.of(), 0);
    SoakSummary summary = SoakSummary.of(outcome, 1000, RECOVERY);
    assertEquals(List.of(new SoakSummary.InstanceShare(A, 3), new SoakSummary.InstanceShare(B, 1)), summary.before());
    assertEquals(List.of(new SoakSummary.InstanceShare(B, 2), new SoakSummary.InstanceShare(C, 1)), summary.after());
    assertEquals(1, summary.notConnectedAtEnd());
    JsonObject json = summary.toJson();
    assertEquals(3, json.getInteger("sockets_connected_at_end"));
    assertEquals("pod-b", json.getJsonArray("instances_after").getJsonObject(0).getString("pod_name"));
    assertEquals(2, json.getJsonArray("instances_after").getJsonObject(0).getInteger("sockets"));
  }

  @Test
  void lostIsSentAndNeverAnsweredAndFailsAboveMaxLost() {
    SoakOutcome outcome = outcome(List.of(unannounced(3000, "1001", 3, 3100L)), 3, 2);
    assertEquals(5, outcome.messages().lost());
    assertEquals(5, outcome.messages().toJson().getLong("lost"));
    assertEquals(995, outcome.messages().acknowledged());
    SoakSummary summary = SoakSummary.of(outcome, 10_000, RECOVERY);

    Verdict strict = summary.verdict(settings("--max-lost", "0"));
    assertEquals(Verdict.FAIL, strict.exitCode());
    assertEquals(1, strict.problems().size(), strict.problems().toString());
    assertTrue(strict.problems().get(0).startsWith("5 messages lost") && strict.problems().get(0).contains("--max-lost 0"),
      strict.problems().get(0));
    assertEquals(Verdict.PASS, summary.verdict(settings("--max-lost", "5")).exitCode(), "at the limit passes");
  }

  @Test
  void abnormalClosesFailAboveTheirLimitNamingTheKinds() {
    SoakSummary summary = SoakSummary.of(outcome(List.of(unannounced(3000, "1006", 0, 3100L),
      unannounced(3000, SoakDisconnect.RESET, 0, 3100L), announced(1000, "1001", 1050L, B)), 0, 0), 10_000, RECOVERY);
    Verdict verdict = summary.verdict(settings("--max-abnormal-closes", "1"));
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertEquals(List.of("2 abnormal closes (1006: 1, reset: 1), more than --max-abnormal-closes 1"), verdict.problems());
    assertEquals(Verdict.PASS, summary.verdict(settings("--max-abnormal-closes", "2")).exitCode());
  }

  @Test
  void passingRunsSayWhatHappened() {
    Verdict quiet = SoakSummary.of(outcome(List.of(), 0, 0), 10_000, RECOVERY).verdict(settings());
    assertTrue(quiet.passed());
    assertEquals("No disconnect, no lost message: 1000 messages answered on 3 sockets", quiet.headline());
    Verdict rollout = SoakSummary.of(outcome(List.of(announced(1000, "1001", 1010L, B),
      announced(1000, "1001", 1010L, C)), 0, 0), 10_000, RECOVERY).verdict(settings());
    assertTrue(rollout.passed());
    assertEquals("No lost message, no abnormal close: 2 disconnects (1001: 2), 2 reconnected, 1000 messages answered",
      rollout.headline());
  }

  @Test
  void serverMessagesMissingOnASocketFailTheRun() {
    SoakOutcome outcome = new SoakOutcome(3, 3, null, false, new SoakOutcome.MessageCounts(10, 10, 0, 0, 0, 0, 0), 2, 1,
      List.of(), Map.of(), Arrays.asList(A, B, C), Arrays.asList(A, B, C), List.of(), 0);
    Verdict verdict = SoakSummary.of(outcome, 1000, RECOVERY).verdict(settings());
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertTrue(verdict.problems().get(0).contains("2 seq numbers skipped, 1 out of order"), verdict.problems().toString());
  }

  @Test
  void nothingConnectedIsExitTwoWhenUnreachableAndOneOtherwise() {
    SoakOutcome.MessageCounts none = new SoakOutcome.MessageCounts(0, 0, 0, 0, 0, 0, 0);
    List<SoakInstance> nobody = Arrays.asList(null, null);
    SoakOutcome refused = new SoakOutcome(2, 0, "connection refused by lb:80 (nothing listening?)", true, none, 0, 0,
      List.of(), Map.of("refused", 6), nobody, nobody, List.of(), 0);
    Verdict cannot = SoakSummary.of(refused, 1000, RECOVERY).verdict(settings());
    assertEquals(Verdict.CANNOT_TEST, cannot.exitCode());
    assertEquals("Cannot reach the target: connection refused by lb:80 (nothing listening?)", cannot.headline());

    SoakOutcome rejected = new SoakOutcome(2, 0, "upgrade rejected with HTTP 404", false, none, 0, 0, List.of(),
      Map.of("handshake_status 404", 6), nobody, nobody, List.of(), 0);
    assertEquals(Verdict.FAIL, SoakSummary.of(rejected, 1000, RECOVERY).verdict(settings()).exitCode());

    SoakOutcome half = new SoakOutcome(2, 1, "upgrade rejected with HTTP 503", false,
      new SoakOutcome.MessageCounts(5, 5, 0, 0, 0, 0, 0), 0, 0, List.of(), Map.of("handshake_status 503", 4),
      Arrays.asList(A, null), Arrays.asList(A, null), List.of(), 0);
    Verdict partly = SoakSummary.of(half, 1000, RECOVERY).verdict(settings());
    assertEquals(Verdict.FAIL, partly.exitCode());
    assertEquals(List.of("1 of 2 sockets never connected; failed attempts: HTTP 503 on upgrade: 4"), partly.problems());
    assertFalse(partly.passed());
  }
}
