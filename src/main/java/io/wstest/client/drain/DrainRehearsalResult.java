package io.wstest.client.drain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.soak.SoakDisconnect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a drain rehearsal found: one replica drained through the load balancer while a small soak ran, then
 * accepted back. Closes and reconnects count every disconnect of the soak (normally only the drained replica's
 * sockets have one).
 *
 * @param attempted          a replica was asked to drain; false when the rehearsal could not or should not run
 * @param skippedReason      why it did not run, with what to do instead; null when it ran
 * @param closes1001         sockets closed with 1001 (going away): the clean drain
 * @param closes1006         sockets that ended without a close frame (1006)
 * @param otherCloses        sockets that ended any other way (another code, a TCP reset, no answer in time)
 * @param sent               messages the soak sent
 * @param lost               of those, never answered
 * @param reconnectP50Ms     median time from the shutdown message (else the close) to the new socket's welcome;
 *                           null without reconnects
 * @param reconnectP99Ms     99th percentile of the same
 * @param reconnectsAvoidedDrainingReplica at least one socket reconnected and none of them landed on the drained
 *                           replica
 * @param drainedInstance    the drained replica's instance id (from its answer, else from its sockets' shutdown
 *                           messages); null when unknown
 * @param accepted           the drained replica answered {@code POST /admin/accept}: it takes new sockets again
 * @param drainedDisplayName the drained replica's display name, null when unknown
 * @param drainClosed        sockets the drained replica said it closed (all its clients, not only the soak's)
 * @param socketsOnDrained   the soak's sockets that were on the drained replica when it drained
 * @param reconnects         disconnects that got a new socket
 * @param reconnectsOnDrained new sockets that landed on the drained replica
 * @param failedAttempts     failed connection attempts by kind, e.g. {@code handshake_status 503}: the drained
 *                           replica refuses upgrades until it is accepted back, so a reconnect that reaches it
 *                           fails and tries again
 * @param acceptTries        {@code POST /admin/accept} requests sent until the drained replica answered one
 * @param notes              what else the reader should know (a failed step, an inconclusive part)
 * @param disconnects        every disconnect of the soak, as the soak counted it
 */
public record DrainRehearsalResult(
  boolean attempted,
  String skippedReason,
  int closes1001,
  int closes1006,
  int otherCloses,
  long sent,
  long lost,
  Double reconnectP50Ms,
  Double reconnectP99Ms,
  boolean reconnectsAvoidedDrainingReplica,
  String drainedInstance,
  boolean accepted,
  String drainedDisplayName,
  int drainClosed,
  int socketsOnDrained,
  int reconnects,
  int reconnectsOnDrained,
  Map<String, Integer> failedAttempts,
  int acceptTries,
  List<String> notes,
  List<SoakDisconnect> disconnects) {

  /** Closed sockets of the soak that never got a new one before it ended. */
  public int stranded() {
    return disconnects.size() - reconnects;
  }

  /** A rehearsal that did not run, and why. */
  public static DrainRehearsalResult skipped(String reason) {
    return new DrainRehearsalResult(false, reason, 0, 0, 0, 0, 0, null, null, false, null, false, null, 0, 0, 0, 0,
      Map.of(), 0, List.of(), List.of());
  }

  /**
   * Pass (0): only 1001 closes, nothing lost, every reconnect elsewhere, and the replica accepted back. Fail (1):
   * any 1006 or other abnormal close, a lost message, a closed socket that got no new one before the soak ended, a
   * reconnect on the drained replica, no socket of the soak on it (nothing was rehearsed), or the replica not
   * accepted back. Cannot test (2): skipped.
   */
  public Verdict verdict() {
    if (!attempted) {
      return new Verdict(Verdict.CANNOT_TEST, "Drain rehearsal skipped: " + skippedReason, List.of(), false);
    }
    List<String> problems = new ArrayList<>();
    if (closes1006 > 0) {
      problems.add(closes1006 + " sockets ended without a close frame (1006): the load balancer or the replica cut"
        + " them instead of passing the drain's 1001 on");
    }
    if (otherCloses > 0) {
      problems.add(otherCloses + " sockets ended otherwise (another close code, a TCP reset, no answer in time)");
    }
    if (lost > 0) {
      problems.add(lost + " of " + sent + " messages lost (sent, never answered)");
    }
    int stranded = stranded();
    if (stranded > 0) {
      int failed = failedAttempts.values().stream().mapToInt(Integer::intValue).sum();
      problems.add(stranded + " of " + disconnects.size() + " closed sockets never got a new one before the soak ended"
        + (failed > 0 ? " (" + failed + " connection attempts failed)" : "") + ": no other replica took them (the "
        + "load balancer had only the drained one, or kept sending them to it); in a rollout, start the new replica"
        + " first (maxSurge) or run more than one");
    }
    if (reconnectsOnDrained > 0) {
      problems.add(reconnectsOnDrained + " reconnects landed on the draining replica " + name()
        + ": the load balancer kept sending new sockets there");
    }
    if (socketsOnDrained == 0) {
      problems.add("none of the soak's sockets was on the drained replica " + name() + ", so nothing was rehearsed"
        + " (more --sockets spread wider)");
    }
    if (!accepted) {
      problems.add("the drained replica " + name() + " was not accepted back: it still refuses new sockets; send it"
        + " POST /admin/accept");
    }
    if (!problems.isEmpty()) {
      return new Verdict(Verdict.FAIL, "The drain rehearsal found problems", List.copyOf(problems), false);
    }
    return new Verdict(Verdict.PASS, String.format(Locale.ROOT, "Clean drain of %s: %d sockets closed with 1001, "
        + "0 lost of %d messages, %d reconnects elsewhere (p50 %s, p99 %s), accepted back", name(), closes1001, sent,
      reconnects, ms(reconnectP50Ms), ms(reconnectP99Ms)), List.of(), false);
  }

  /** The drained replica as messages name it: its display name, else its instance id, else "unknown". */
  public String name() {
    return drainedDisplayName != null ? drainedDisplayName : drainedInstance != null ? drainedInstance : "(unknown)";
  }

  static String ms(Double millis) {
    return millis == null ? "n/a" : String.format(Locale.ROOT, "%.0f ms", millis);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("attempted", attempted);
    if (!attempted) {
      return json.put("skipped_reason", skippedReason);
    }
    JsonObject failed = new JsonObject();
    failedAttempts.forEach(failed::put);
    JsonArray list = new JsonArray();
    disconnects.forEach(d -> list.add(d.toJson()));
    return json
      .put("drained_instance", drainedInstance)
      .put("drained_display_name", drainedDisplayName)
      .put("drain_closed", drainClosed)
      .put("sockets_on_drained", socketsOnDrained)
      .put("closes", new JsonObject().put("1001", closes1001).put("1006", closes1006).put("other", otherCloses))
      .put("messages", new JsonObject().put("sent", sent).put("lost", lost))
      .put("reconnects", reconnects)
      .put("reconnect_p50_ms", reconnectP50Ms)
      .put("reconnect_p99_ms", reconnectP99Ms)
      .put("reconnects_on_drained", reconnectsOnDrained)
      .put("reconnects_avoided_draining_replica", reconnectsAvoidedDrainingReplica)
      .put("failed_attempts", failed)
      .put("accepted", accepted)
      .put("accept_tries", acceptTries)
      .put("notes", new JsonArray(new ArrayList<>(notes)))
      .put("disconnects", list);
  }
}
