package io.wstest.client.drain;

import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.soak.SoakDisconnect;
import io.wstest.client.run.soak.SoakInstance;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drain rehearsal's verdict, report fields and access check, from results built by hand. */
class DrainRehearsalResultTest {

  private static final SoakInstance B = new SoakInstance("bbbb", "svc-pod-b", "pod-b");
  private static final SoakInstance C = new SoakInstance("cccc", "svc-pod-c", "pod-c");

  /** A socket on B that got the shutdown, then 1001, and reconnected to C 40 ms later. */
  private static SoakDisconnect drained(int socket) {
    return new SoakDisconnect(socket, "http", B, "bbbb-" + socket, 2000L, 2010L, "1001", (short) 1001, "admin drain", 0,
      2040L, C, List.of(), 0);
  }

  private static DrainRehearsalResult clean() {
    return new DrainRehearsalResult(true, null, 2, 0, 0, 120, 0, 40.0, 41.0, true, "bbbb", true, "svc-pod-b", 2, 2, 2,
      0, Map.of(), 1, List.of(), List.of(drained(1), drained(2)));
  }

  private static DrainRehearsalResult with(int closes1006, int other, long lost, int onDrained, int socketsOnDrained,
                                           boolean accepted) {
    return new DrainRehearsalResult(true, null, 2, closes1006, other, 120, lost, 40.0, 41.0, onDrained == 0, "bbbb",
      accepted, "svc-pod-b", 2, socketsOnDrained, 2, onDrained, Map.of("handshake_status 503", 1), 3, List.of(),
      List.of(drained(1)));
  }

  @Test
  void aCleanDrainPasses() {
    Verdict verdict = clean().verdict();
    assertEquals(Verdict.PASS, verdict.exitCode(), verdict.toJson().encode());
    assertEquals("Clean drain of svc-pod-b: 2 sockets closed with 1001, 0 lost of 120 messages, 2 reconnects "
      + "elsewhere (p50 40 ms, p99 41 ms), accepted back", verdict.headline());
  }

  @Test
  void eachProblemFailsTheRunOnItsOwn() {
    assertProblem(with(1, 0, 0, 0, 2, true), "1 sockets ended without a close frame (1006)");
    assertProblem(with(0, 1, 0, 0, 2, true), "1 sockets ended otherwise");
    assertProblem(with(0, 0, 3, 0, 2, true), "3 of 120 messages lost");
    assertProblem(with(0, 0, 0, 1, 2, true), "1 reconnects landed on the draining replica svc-pod-b");
    assertProblem(with(0, 0, 0, 0, 0, true), "none of the soak's sockets was on the drained replica svc-pod-b");
    assertProblem(with(0, 0, 0, 0, 2, false), "svc-pod-b was not accepted back");
    SoakDisconnect neverReconnected = new SoakDisconnect(2, "http", B, "bbbb-2", 2000L, 2010L, "1001", (short) 1001,
      "admin drain", 0, null, null, List.of(), 0);
    DrainRehearsalResult stranded = new DrainRehearsalResult(true, null, 2, 0, 0, 120, 0, 40.0, 40.0, true, "bbbb",
      true, "svc-pod-b", 2, 2, 1, 0, Map.of("handshake_status 503", 5, "connect_refused", 2), 1, List.of(),
      List.of(drained(1), neverReconnected));
    assertProblem(stranded, "1 of 2 closed sockets never got a new one before the soak ended (7 connection "
      + "attempts failed)");
  }

  private static void assertProblem(DrainRehearsalResult result, String problem) {
    Verdict verdict = result.verdict();
    assertEquals(Verdict.FAIL, verdict.exitCode());
    assertEquals(1, verdict.problems().size(), verdict.problems().toString());
    assertTrue(verdict.problems().get(0).contains(problem), verdict.problems().get(0));
  }

  @Test
  void skippedCannotTestAndSaysWhy() {
    DrainRehearsalResult skipped = DrainRehearsalResult.skipped("no access; " + DrainRehearsal.SOAK_HINT);
    assertEquals(Verdict.CANNOT_TEST, skipped.verdict().exitCode());
    assertTrue(skipped.verdict().headline().contains("test-lb soak"), skipped.verdict().headline());
    assertEquals(new JsonObject().put("attempted", false).put("skipped_reason", skipped.skippedReason()),
      skipped.toJson());
    assertNull(skipped.reconnectP50Ms());
  }

  @Test
  void theJsonHasEveryFigure() {
    JsonObject json = clean().toJson();
    assertEquals(true, json.getBoolean("attempted"));
    assertEquals("bbbb", json.getString("drained_instance"));
    assertEquals("svc-pod-b", json.getString("drained_display_name"));
    assertEquals(new JsonObject().put("1001", 2).put("1006", 0).put("other", 0), json.getJsonObject("closes"));
    assertEquals(new JsonObject().put("sent", 120L).put("lost", 0L), json.getJsonObject("messages"));
    assertEquals(40.0, json.getDouble("reconnect_p50_ms"));
    assertEquals(41.0, json.getDouble("reconnect_p99_ms"));
    assertEquals(true, json.getBoolean("reconnects_avoided_draining_replica"));
    assertEquals(true, json.getBoolean("accepted"));
    assertEquals(1, json.getInteger("accept_tries"));
    assertEquals(2, json.getJsonArray("disconnects").size());
    assertEquals("pod-c", json.getJsonArray("disconnects").getJsonObject(0).getString("reconnect_pod_name"));
  }

  @Test
  void theProbeTellsAccessFromNoAccess() {
    AdminClient.Answer ok = new AdminClient.Answer("POST /admin/reject?status=probe", 400,
      new JsonObject().put("error", "invalid_status"), null);
    assertNull(DrainRehearsal.noAccess(ok, false), "the bad value got as far as the toggle: access");
    String needsToken = DrainRehearsal.noAccess(answer(401, "unauthorized"), false);
    assertTrue(needsToken.contains("need a token") && needsToken.contains("test-lb soak"), needsToken);
    String refused = DrainRehearsal.noAccess(answer(401, "unauthorized"), true);
    assertTrue(refused.contains("token was refused"), refused);
    String off = DrainRehearsal.noAccess(answer(404, "not_found"), false);
    assertTrue(off.contains("ADMIN_ENABLED=false") && off.contains("test-lb soak"), off);
    String site = DrainRehearsal.noAccess(answer(403, "origin_not_allowed"), false);
    assertTrue(site.contains("HTTP 403 (origin_not_allowed)"), site);
    String lbPage = DrainRehearsal.noAccess(new AdminClient.Answer("POST", 400, null, null), false);
    assertTrue(lbPage.contains("HTTP 400"), "a 400 that is not the service's own is no access: " + lbPage);
    String nobody = DrainRehearsal.noAccess(new AdminClient.Answer("POST", null, null, "connection refused"), true);
    assertEquals("cannot reach the admin toggles: connection refused", nobody);
  }

  private static AdminClient.Answer answer(int status, String error) {
    return new AdminClient.Answer("POST /admin/reject?status=probe", status, new JsonObject().put("error", error),
      null);
  }
}
