package io.wstest.protocol;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One broadcast on its way to every hub of this process over the event bus. The JSON is encoded once by the
 * sender; each receiver only appends its own {@code seq}. Hubs add up how many sockets they reached (and how
 * many they skipped as slow consumers) and the last one reports the totals back to the sender.
 */
final class Broadcast {

  static final String ADDRESS = "wstest.broadcast";
  static final String CODEC = "wstest.broadcast.local";

  /** The encoded message without its closing brace, ready for {@code ,"seq":N}}, as UTF-8 (shared, never written). */
  final byte[] jsonPrefix;
  private final AtomicInteger delivered = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();
  private final AtomicInteger hubsRemaining;
  private final Outcome onAllDelivered;

  /** What the sender learns once every hub is done. */
  interface Outcome {
    void done(int recipients, int dropped);
  }

  Broadcast(String jsonPrefix, int hubs, Outcome onAllDelivered) {
    this.jsonPrefix = jsonPrefix.getBytes(StandardCharsets.UTF_8);
    this.hubsRemaining = new AtomicInteger(hubs);
    this.onAllDelivered = onAllDelivered;
  }

  void hubDone(int deliveredByHub, int droppedByHub) {
    delivered.addAndGet(deliveredByHub);
    dropped.addAndGet(droppedByHub);
    // every hub adds before it counts itself done, so the last one sees all the sums
    if (hubsRemaining.decrementAndGet() == 0) {
      onAllDelivered.done(delivered.get(), dropped.get());
    }
  }
}
