package io.wstest.client.run.soak;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * What a soak measured, as counted while it ran (the soak scenario derives the statistics and its verdict from it).
 *
 * @param socketsConnected  sockets that got at least one welcome
 * @param firstFailure      the first failed connection attempt, for the verdict when nothing connected; null if none
 * @param unreachableOnly   every failed attempt failed to reach anything (DNS, refused, connect timeout)
 * @param seqGaps           server {@code seq} numbers skipped on some connection: server messages that never arrived
 * @param seqOutOfOrder     server messages that arrived with a {@code seq} not above the previous one
 * @param connectFailures   failed connection attempts by kind ({@code refused}, {@code handshake_status 503} ...)
 * @param before            the instance of each socket's first connection (null: it never connected)
 * @param after             the instance each socket was connected to when the soak ended (null: none)
 * @param welcomesOnDraining welcomes, first connections included, from an instance that was draining
 */
public record SoakOutcome(int sockets, int socketsConnected, String firstFailure, boolean unreachableOnly,
                          MessageCounts messages, long seqGaps, long seqOutOfOrder, List<SoakDisconnect> disconnects,
                          Map<String, Integer> connectFailures, List<SoakInstance> before, List<SoakInstance> after,
                          List<TimelineSample> timeline, int welcomesOnDraining) {

  /**
   * The sequence-numbered messages. Every message the client sends is answered by the server's echo on the same
   * socket; one that never is counts as lost.
   *
   * @param lostAtClose      sent on a socket that closed before the answer arrived
   * @param unansweredAtEnd  still unanswered when the soak stopped, after waiting up to --timeout for answers
   * @param notSent          sends skipped because the socket had no usable connection at that moment (reconnecting)
   *                         or its write queue was full; not lost, never sent
   * @param unexpectedAnswers answers to no message outstanding on that socket (duplicates)
   * @param answersOutOfOrder answers that came before the answer to an earlier message of the same socket
   */
  public record MessageCounts(long sent, long acknowledged, long lostAtClose, long unansweredAtEnd, long notSent,
                              long unexpectedAnswers, long answersOutOfOrder) {

    /** Sent and never acknowledged. */
    public long lost() {
      return lostAtClose + unansweredAtEnd;
    }

    public JsonObject toJson() {
      return new JsonObject()
        .put("sent", sent)
        .put("acknowledged", acknowledged)
        .put("lost", lost())
        .put("lost_at_close", lostAtClose)
        .put("unanswered_at_end", unansweredAtEnd)
        .put("not_sent", notSent)
        .put("unexpected_answers", unexpectedAnswers)
        .put("answers_out_of_order", answersOutOfOrder);
    }
  }

  /** Open sockets per instance (display name) at one moment, seconds after the soak started. */
  public record TimelineSample(double seconds, Map<String, Integer> openByInstance) {

    public int open() {
      return openByInstance.values().stream().mapToInt(Integer::intValue).sum();
    }

    public JsonObject toJson() {
      JsonObject byInstance = new JsonObject();
      openByInstance.forEach(byInstance::put);
      return new JsonObject().put("t_s", Math.round(seconds * 10) / 10.0).put("open", open())
        .put("by_instance", byInstance);
    }
  }
}
