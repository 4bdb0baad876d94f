package io.wstest.client.run.soak;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One socket that stopped being usable during a soak, and how its socket got a replacement. It starts when the
 * server's {@code shutdown} message arrives (the client then stops sending on it and reconnects at once, while the
 * old socket collects its answers and its close) or, without one, when the socket closes. Times are milliseconds
 * since the soak started.
 *
 * @param close            how the socket ended: the close code the client received ({@code "1001"}), {@code "1006"}
 *                         (the connection ended without a close frame), {@code "reset"} (TCP reset, no close frame),
 *                         {@code "ack-timeout"} (the client closed it: a message went unanswered for --timeout),
 *                         {@code "client-after-shutdown"} (the client closed it: the server sent shutdown but no close
 *                         within --timeout), {@code "end-of-run"} (after a shutdown, still open when the soak ended);
 *                         see {@link #ABNORMAL}
 * @param closeCode        the close frame's code, null when none arrived
 * @param lost             messages sent on this socket and never answered: outstanding when it closed
 * @param reconnectedAtMs  when the replacement's welcome arrived; null when none did before the end
 * @param drainingEvidence why the replacement counts as landed on a draining instance: {@code "welcome"} (its
 *                         welcome said {@code "draining":true}) and/or {@code "earlier_shutdown"} (that instance had
 *                         already sent some socket of this soak a shutdown); empty when it did not
 * @param failedAttempts   connection attempts that failed before the replacement's welcome
 */
public record SoakDisconnect(int socket, String endpoint, SoakInstance instance, String connectionId,
                             Long shutdownAtMs, Long closedAtMs, String close, Short closeCode, String closeReason,
                             int lost, Long reconnectedAtMs, SoakInstance reconnectInstance,
                             List<String> drainingEvidence, int failedAttempts) {

  public static final String NO_CLOSE_FRAME = "1006";
  public static final String RESET = "reset";
  public static final String ACK_TIMEOUT = "ack-timeout";
  public static final String CLIENT_AFTER_SHUTDOWN = "client-after-shutdown";
  public static final String END_OF_RUN = "end-of-run";

  /**
   * The ends that are not abnormal: a close frame with a code a server sends on purpose when it goes away or
   * restarts (1000 normal, 1001 going away, 1012 service restart, 1013 try again later), and the two where the
   * server had announced its shutdown. Everything else is abnormal: 1006, TCP reset, 1011, 1002/1007/1008/1009,
   * other codes, and no answer within --timeout.
   */
  public static final Set<String> NORMAL = Set.of("1000", "1001", "1012", "1013", CLIENT_AFTER_SHUTDOWN, END_OF_RUN);

  public boolean abnormal() {
    return !NORMAL.contains(close);
  }

  /** Milliseconds from the moment the socket stopped being usable to the replacement's welcome; null without one. */
  public Long reconnectMs() {
    if (reconnectedAtMs == null) {
      return null;
    }
    return reconnectedAtMs - startedAtMs();
  }

  /** The shutdown message, or the close when none came first. */
  public long startedAtMs() {
    return shutdownAtMs != null ? shutdownAtMs : closedAtMs;
  }

  public boolean reconnectedOnDraining() {
    return reconnectInstance != null && !drainingEvidence.isEmpty();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("socket", socket)
      .put("endpoint", endpoint)
      .put(Fields.INSTANCE_ID, instance.instanceId())
      .put(Fields.DISPLAY_NAME, instance.displayName())
      .put(Fields.POD_NAME, instance.podName())
      .put(Fields.CONNECTION_ID, connectionId)
      .put("shutdown_at_ms", shutdownAtMs)
      .put("closed_at_ms", closedAtMs)
      .put("close", close)
      .put("close_code", closeCode)
      .put("close_reason", closeReason)
      .put("abnormal", abnormal())
      .put("lost", lost)
      .put("reconnected_at_ms", reconnectedAtMs)
      .put("reconnect_ms", reconnectMs())
      .put("failed_attempts", failedAttempts);
    if (reconnectInstance != null) {
      json.put("reconnect_instance_id", reconnectInstance.instanceId())
        .put("reconnect_display_name", reconnectInstance.displayName())
        .put("reconnect_pod_name", reconnectInstance.podName())
        .put("reconnect_draining", !drainingEvidence.isEmpty())
        .put("draining_evidence", new JsonArray(List.copyOf(drainingEvidence)));
    }
    return json;
  }

  /** A disconnect while the soak runs: opened at the shutdown or close, completed by the close and the replacement. */
  public static final class Builder {
    private final int socket;
    private final String endpoint;
    private final SoakInstance instance;
    private final String connectionId;
    private final Long shutdownAtMs;
    Long closedAtMs;
    String close;
    private Short closeCode;
    private String closeReason;
    private int lost;
    Long reconnectedAtMs;
    private SoakInstance reconnectInstance;
    private List<String> drainingEvidence = List.of();
    int failedAttempts;

    Builder(int socket, String endpoint, SoakInstance instance, String connectionId, Long shutdownAtMs) {
      this.socket = socket;
      this.endpoint = endpoint;
      this.instance = instance;
      this.connectionId = connectionId;
      this.shutdownAtMs = shutdownAtMs;
    }

    void closed(long atMs, String how, Short code, String reason, int lostHere) {
      closedAtMs = atMs;
      close = how;
      closeCode = code;
      closeReason = reason == null || reason.isEmpty() ? null : reason;
      lost = lostHere;
    }

    void replaced(long atMs, SoakInstance replacement, List<String> evidence) {
      reconnectedAtMs = atMs;
      reconnectInstance = replacement;
      drainingEvidence = List.copyOf(new ArrayList<>(evidence));
    }

    SoakDisconnect build() {
      return new SoakDisconnect(socket, endpoint, instance, connectionId, shutdownAtMs, closedAtMs, close, closeCode,
        closeReason, lost, reconnectedAtMs, reconnectInstance, drainingEvidence, failedAttempts);
    }
  }
}
