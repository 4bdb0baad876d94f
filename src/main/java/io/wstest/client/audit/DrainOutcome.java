package io.wstest.client.audit;

import io.vertx.core.json.JsonObject;

/**
 * What the drain rehearsal found, as the audit judges it: one replica asked (through the load balancer) to drain
 * while a small soak ran, then to accept again.
 *
 * @param attempted       false when it did not run ({@code skippedReason} says why)
 * @param closes1001      soak sockets closed with 1001 (going away): the drain as it should be
 * @param closes1006      closed without a close frame (1006): cut by the balancer or the network
 * @param otherCloses     any other close
 * @param sent            soak messages sent
 * @param lost            soak messages never answered
 * @param stranded        closed sockets that never got a new one before the rehearsal ended
 * @param reconnectP50Ms  time to reconnect after a close, p50 (null when none reconnected)
 * @param reconnectP99Ms  and p99
 * @param reconnectsAvoidedDrainingReplica no reconnect landed on the draining replica
 * @param drainedInstance the replica that drained (its display name), or null
 * @param accepted        {@code POST /admin/accept} succeeded afterwards
 * @param details         the rehearsal's own report, for the JSON report
 */
public record DrainOutcome(boolean attempted, String skippedReason, int closes1001, int closes1006, int otherCloses,
                           long sent, long lost, int stranded, Double reconnectP50Ms, Double reconnectP99Ms,
                           boolean reconnectsAvoidedDrainingReplica, String drainedInstance, boolean accepted,
                           JsonObject details) {

  public static DrainOutcome skipped(String reason) {
    return new DrainOutcome(false, reason, 0, 0, 0, 0, 0, 0, null, null, false, null, false, null);
  }

  public int closes() {
    return closes1001 + closes1006 + otherCloses;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("attempted", attempted).put("skipped_reason", skippedReason);
    if (attempted) {
      json.put("closes_1001", closes1001).put("closes_1006", closes1006).put("other_closes", otherCloses)
        .put("sent", sent).put("lost", lost).put("stranded", stranded).put("reconnect_p50_ms", reconnectP50Ms)
        .put("reconnect_p99_ms", reconnectP99Ms)
        .put("reconnects_avoided_draining_replica", reconnectsAvoidedDrainingReplica)
        .put("drained_instance", drainedInstance).put("accepted", accepted);
    }
    return json.put("details", details);
  }
}
