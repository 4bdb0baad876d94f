package io.wstest.client.idle;

import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.Welcome;
import io.wstest.client.stats.LatencySummary;
import io.wstest.options.Durations;
import io.wstest.wire.Fields;

import java.time.Instant;
import java.util.Locale;

/**
 * What became of one idle-timeout socket: which instance served it, how long it stayed idle, and how it ended.
 *
 * @param rungMs         its ladder rung, or null in until-cut mode
 * @param idleLimitMs    how long it was to stay idle before the probe (--max-idle or its rung)
 * @param welcome        the welcome, or null when none arrived
 * @param openedAt       when the handshake completed, or null
 * @param lastFrameAt    the last frame in either direction before the socket closed or was probed, or null
 * @param closedAt       when the socket closed under the test (cut, or closed in answer to the probe), or null
 * @param closedAfterMs  for {@link Outcome#CUT}: the silence before the close, in ms since {@code lastFrameAt}
 * @param idleMs         how long it was idle: from the server's options_ack to the close or the probe
 * @param closeCode      the close frame's code, or 1006 when the connection ended without one; null if not closed
 * @param keepalivesSent ping frames or data messages sent while idle
 * @param serverPings    WebSocket pings received from the server (0 unless it ignored server_ping off)
 * @param probeMs        round trip of the final probe when it was answered
 * @param failure        why the socket could not be set up ({@link Outcome#FAILED})
 */
public record IdleResult(int index, Keepalive keepalive, Long rungMs, long idleLimitMs, String endpoint, String url,
                         Welcome welcome, Instant openedAt, Instant lastFrameAt, Instant closedAt, Outcome outcome,
                         Long closedAfterMs, Long idleMs, Integer closeCode, CloseKind closeKind, String closeReason,
                         int keepalivesSent, int keepalivesAnswered, int serverPings, Double probeMs,
                         Failure failure) {

  /** How the socket's idle time ended. */
  public enum Outcome {
    /** Stayed open through its idle time and answered the probe. */
    SURVIVED,
    /** Closed while idle: the load balancer cut it, and {@code closedAfterMs} says when. */
    CUT,
    /** Still open at the end of its idle time, but closed when the probe was sent: the load balancer had dropped it. */
    CUT_ON_PROBE,
    /** Still open at the end of its idle time, but the probe got no answer within --timeout. */
    NO_ANSWER,
    /** Could not be set up (no handshake, welcome or options_ack): measured nothing. */
    FAILED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the connection ended, as the client saw it. */
  public enum CloseKind {
    /** A WebSocket close frame with a code. */
    CLOSE_FRAME,
    /** The TCP connection closed without a close frame (1006). */
    NO_CLOSE_FRAME,
    /** A TCP reset (1006 too). */
    RESET;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public boolean measured() {
    return outcome != Outcome.FAILED;
  }

  /** Measured and did not live through its idle time. */
  public boolean lost() {
    return measured() && outcome != Outcome.SURVIVED;
  }

  public String instanceId() {
    return welcome == null ? null : welcome.instanceId();
  }

  public String displayName() {
    return welcome == null ? null : welcome.displayName();
  }

  /** "1006, no close frame", "1006, reset", "1001 going away". */
  public String closeDescription() {
    if (closeCode == null) {
      return "";
    }
    return switch (closeKind) {
      case NO_CLOSE_FRAME -> closeCode + ", no close frame";
      case RESET -> closeCode + ", TCP reset";
      default -> closeCode + (closeReason == null || closeReason.isEmpty() ? "" : " " + closeReason);
    };
  }

  /** "socket 3" in until-cut mode, "rung 5s" in ladder mode. */
  public String name() {
    return rungMs == null ? "socket " + index : "rung " + Durations.format(java.time.Duration.ofMillis(rungMs));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("index", index)
      .put("keepalive", keepalive.label())
      .put("rung_ms", rungMs)
      .put("idle_limit_ms", idleLimitMs)
      .put("endpoint", endpoint)
      .put("url", url)
      .put("outcome", outcome.label());
    if (welcome != null) {
      json.put(Fields.INSTANCE_ID, instanceId())
        .put(Fields.DISPLAY_NAME, displayName())
        .put(Fields.POD_NAME, welcome.podName())
        .put(Fields.CONNECTION_ID, welcome.connectionId());
    }
    json.put("opened_at", openedAt == null ? null : openedAt.toString())
      .put("last_frame_at", lastFrameAt == null ? null : lastFrameAt.toString())
      .put("closed_at", closedAt == null ? null : closedAt.toString())
      .put("closed_after_ms", closedAfterMs)
      .put("idle_ms", idleMs)
      .put("close_code", closeCode)
      .put("close_kind", closeKind == null ? null : closeKind.label())
      .put("close_reason", closeReason == null || closeReason.isEmpty() ? null : closeReason)
      .put("keepalives_sent", keepalivesSent)
      .put("keepalives_answered", keepalivesAnswered)
      .put("server_pings", serverPings)
      .put("probe_ms", probeMs == null ? null : LatencySummary.round(probeMs));
    if (failure != null) {
      json.put("failure", failure.toJson());
    }
    return json;
  }
}
