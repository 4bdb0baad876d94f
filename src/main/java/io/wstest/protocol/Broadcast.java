package io.wstest.protocol;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * One broadcast on its way to every hub of this process over the event bus. The JSON is encoded once by the
 * sender; each receiver only appends its own {@code seq}. Hubs add up how many sockets they reached and the
 * last one reports the total back to the sender.
 */
final class Broadcast {

  static final String ADDRESS = "wstest.broadcast";
  static final String CODEC = "wstest.broadcast.local";

  /** The encoded message without its closing brace, ready for {@code ,"seq":N}}. */
  final String jsonPrefix;
  private final AtomicInteger delivered = new AtomicInteger();
  private final AtomicInteger hubsRemaining;
  private final IntConsumer onAllDelivered;

  Broadcast(String jsonPrefix, int hubs, IntConsumer onAllDelivered) {
    this.jsonPrefix = jsonPrefix;
    this.hubsRemaining = new AtomicInteger(hubs);
    this.onAllDelivered = onAllDelivered;
  }

  void hubDone(int deliveredByHub) {
    int total = delivered.addAndGet(deliveredByHub);
    if (hubsRemaining.decrementAndGet() == 0) {
      onAllDelivered.accept(total);
    }
  }
}
