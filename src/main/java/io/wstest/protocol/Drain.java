package io.wstest.protocol;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * An order to close every socket of this process, on its way to every hub over the event bus (so each hub
 * closes its own sockets on its own event loop). Hubs report how many sockets they closed once all of them
 * are really closed; the last one reports the total back.
 */
final class Drain {

  static final String ADDRESS = "wstest.drain";
  static final String CODEC = "wstest.drain.local";

  /** The {@code reason} of the shutdown message. */
  final String reason;
  final short code;
  /** Closes are spread evenly over this many milliseconds (0: all at once). */
  final long spreadMillis;
  /** The process is stopping: sockets that still arrive at a hub are closed at once too. */
  final boolean stopping;
  private final AtomicInteger closed = new AtomicInteger();
  private final AtomicInteger hubsRemaining;
  private final IntConsumer onAllClosed;

  Drain(String reason, short code, long spreadMillis, boolean stopping, int hubs, IntConsumer onAllClosed) {
    this.reason = reason;
    this.code = code;
    this.spreadMillis = spreadMillis;
    this.stopping = stopping;
    this.hubsRemaining = new AtomicInteger(hubs);
    this.onAllClosed = onAllClosed;
  }

  void hubDone(int closedByHub) {
    int total = closed.addAndGet(closedByHub);
    if (hubsRemaining.decrementAndGet() == 0) {
      onAllClosed.accept(total);
    }
  }
}
