package io.wstest.client.run.soak;

import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.Failure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a soak counts while it runs: messages sent and answered (and how they were lost), the server's sequence
 * numbers, failed connection attempts, and welcomes from draining instances. Used on the soak's one context only.
 */
final class SoakTally {

  long sent;
  long acknowledged;
  long lostAtClose;
  long unansweredAtEnd;
  long notSent;
  long unexpectedAnswers;
  long answersOutOfOrder;
  long seqGaps;
  long seqOutOfOrder;
  int welcomesOnDraining;
  private final Map<String, Integer> connectFailures = new TreeMap<>();
  private String firstFailure;
  private boolean unreachableOnly = true;
  /** Failed attempts that reached nothing, while no socket has connected yet. */
  private int unreachableFailures;

  /**
   * Counts a failed connection attempt by kind (and HTTP status); true when, with no socket ever connected, the
   * last {@value ConnectionRunner#GIVE_UP_AFTER} attempts in a row reached nothing: the soak should give up.
   */
  boolean attemptFailed(Failure failure, boolean anyConnected) {
    String kind = failure.kind().label() + (failure.httpStatus() == null ? "" : " " + failure.httpStatus());
    connectFailures.merge(kind, 1, Integer::sum);
    if (firstFailure == null) {
      firstFailure = failure.detail();
    }
    unreachableOnly &= failure.unreachable();
    return !anyConnected && unreachableOnly && ++unreachableFailures >= ConnectionRunner.GIVE_UP_AFTER;
  }

  int unreachableFailures() {
    return unreachableFailures;
  }

  /** Checks a message's {@code seq} against the last one on its connection; returns the new last one. */
  long seq(long lastSeq, Object value) {
    if (!(value instanceof Number number)) {
      return lastSeq;
    }
    long seq = number.longValue();
    if (seq > lastSeq + 1) {
      seqGaps += seq - lastSeq - 1;
    } else if (seq <= lastSeq) {
      seqOutOfOrder++;
    }
    return Math.max(lastSeq, seq);
  }

  /** The soak's outcome; {@code before} and {@code after} hold nulls for sockets without a connection. */
  SoakOutcome outcome(int sockets, int socketsConnected, List<SoakDisconnect> disconnects, List<SoakInstance> before,
                      List<SoakInstance> after, List<SoakOutcome.TimelineSample> timeline) {
    // List.copyOf refuses the nulls of before and after
    return new SoakOutcome(sockets, socketsConnected, firstFailure, unreachableOnly && firstFailure != null,
      new SoakOutcome.MessageCounts(sent, acknowledged, lostAtClose, unansweredAtEnd, notSent, unexpectedAnswers,
        answersOutOfOrder),
      seqGaps, seqOutOfOrder, disconnects, new LinkedHashMap<>(connectFailures),
      Collections.unmodifiableList(new ArrayList<>(before)), Collections.unmodifiableList(new ArrayList<>(after)),
      List.copyOf(timeline), welcomesOnDraining);
  }
}
