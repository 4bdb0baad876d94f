package io.wstest.client.run.soak;

import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;
import io.wstest.wire.Scopes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The soak's cluster broadcasts ({@code --cluster-broadcast-every}): every so often one of its sockets sends a
 * broadcast with scope {@code cluster}, and every socket of the soak that is open should receive it, whichever
 * replica it is on. Counts, per broadcast, the sockets open when it was sent (expected) and those that got it
 * (received), and the sender's ack. Delivery is at most once (Redis pub/sub; a socket that closes meanwhile
 * misses it), so losses are judged only against broadcasts whose ack says {@code complete}: every replica the
 * sender's replica knew of reported its delivery. Used on the soak's one context only.
 */
public final class ClusterBroadcasts {

  /** One broadcast: sent at {@code sentAtMs} with {@code expected} sockets of the soak open. */
  static final class Sent {
    final long sentAtMs;
    final int expected;
    int received;
    /** Null until the ack arrived. */
    Boolean complete;
    String cluster;

    Sent(long sentAtMs, int expected) {
      this.sentAtMs = sentAtMs;
      this.expected = expected;
    }
  }

  /** Marks the soak's own broadcasts: other clients of the same service may broadcast too. */
  private final String token = UUID.randomUUID().toString();
  private final Map<Long, Sent> sent = new LinkedHashMap<>();
  private long next;
  private long notSent;
  private long foreign;

  /** The broadcast message for number {@code n}. */
  String message(long n) {
    return new JsonObject().put(Fields.TYPE, MessageTypes.BROADCAST).put(Fields.SCOPE, Scopes.CLUSTER)
      .put(Fields.MESSAGE, new JsonObject().put("client", "test-lb soak").put("run", token).put("n", n)).encode();
  }

  /** The next number, recorded as sent with {@code expected} sockets open. */
  long sending(long nowMs, int expected) {
    long n = ++next;
    sent.put(n, new Sent(nowMs, expected));
    return n;
  }

  void notSent() {
    notSent++;
  }

  /** A broadcast arrived on one of the soak's sockets. */
  void arrived(JsonObject broadcast) {
    if (!(broadcast.getValue(Fields.MESSAGE) instanceof JsonObject body) || !token.equals(body.getString("run"))) {
      foreign++;
      return;
    }
    Sent s = body.getValue("n") instanceof Number n ? sent.get(n.longValue()) : null;
    if (s != null) {
      s.received++;
    }
  }

  /** The sender's ack for broadcast {@code n}. */
  void acked(long n, JsonObject ack) {
    Sent s = sent.get(n);
    if (s != null) {
      s.complete = Boolean.TRUE.equals(ack.getValue(Fields.COMPLETE));
      s.cluster = ack.getString(Fields.CLUSTER);
    }
  }

  /** The counts, as the report shows them (docs/test-lb.md). */
  Counts counts() {
    long acked = 0;
    long complete = 0;
    long expected = 0;
    long received = 0;
    long expectedComplete = 0;
    long receivedComplete = 0;
    long missingComplete = 0;
    long notUp = 0;
    for (Sent s : sent.values()) {
      expected += s.expected;
      received += s.received;
      if (s.complete != null) {
        acked++;
        if (!"up".equals(s.cluster)) {
          notUp++;
        }
      }
      if (Boolean.TRUE.equals(s.complete)) {
        complete++;
        expectedComplete += s.expected;
        receivedComplete += s.received;
        missingComplete += Math.max(0, s.expected - s.received);
      }
    }
    return new Counts(sent.size(), notSent, acked, complete, notUp, expected, received, expectedComplete,
      receivedComplete, missingComplete, foreign);
  }

  /**
   * @param notUp            acks that said the cluster was not up ({@code unavailable}: delivered on one replica only)
   * @param missingOnComplete over broadcasts with a complete ack, the sockets open at send time that did not get it
   * @param foreign          broadcasts that were not the soak's own (other clients of the service)
   */
  public record Counts(long sent, long notSent, long acked, long completeAcks, long notUp, long expected, long received,
                long expectedOnComplete, long receivedOnComplete, long missingOnComplete, long foreign) {

    public JsonObject toJson() {
      return new JsonObject()
        .put("sent", sent)
        .put("not_sent", notSent)
        .put("acked", acked)
        .put("complete_acks", completeAcks)
        .put("acks_cluster_not_up", notUp)
        .put("expected", expected)
        .put("received", received)
        .put("expected_on_complete", expectedOnComplete)
        .put("received_on_complete", receivedOnComplete)
        .put("missing_on_complete", missingOnComplete)
        .put("other_broadcasts", foreign);
    }

    public String line() {
      return "Cluster broadcasts: " + sent + " sent (" + notSent + " not sent: no socket connected), " + acked
        + " acked, " + completeAcks + " complete; received " + received + " of " + expected + " expected; on "
        + "complete acks " + receivedOnComplete + " of " + expectedOnComplete + " (" + missingOnComplete + " missing)"
        + (notUp > 0 ? "; " + notUp + " acks said the cluster was not up" : "");
    }
  }
}
