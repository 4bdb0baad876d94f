package io.wstest.client.audit;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wstest.client.run.ScenarioRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A part waits the way the scenarios do (ScenarioRun.await on a Vert.x future, here a real timer): one that would
 * overrun its deadline is interrupted, closes up, and is reported as cut short by the budget.
 */
@Timeout(30)
class BoundedPartsTest {

  private final Vertx vertx = Vertx.vertx();
  private final BoundedParts parts = new BoundedParts(Duration.ofSeconds(40));

  @AfterEach
  void close() throws Exception {
    parts.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A part that waits {@code ms} for a Vert.x timer, and notes whether it got to close up after. */
  private String waitFor(long ms, AtomicBoolean closedUp) throws InterruptedException {
    Promise<String> fired = Promise.promise();
    vertx.setTimer(ms, id -> fired.complete("done after " + ms + " ms"));
    try {
      return ScenarioRun.await(fired.future());
    } finally {
      closedUp.set(true);
    }
  }

  private static long in(long ms) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
  }

  @Test
  void aPartThatEndsInTimeGivesItsResult() throws Exception {
    AtomicBoolean closedUp = new AtomicBoolean();
    BoundedParts.Ran<String> ran = parts.run("quick", in(5_000), () -> waitFor(50, closedUp));
    assertEquals("done after 50 ms", ran.result());
    assertNull(ran.notDone());
    assertTrue(closedUp.get());
  }

  @Test
  void aPartThatWouldOverrunIsCutShortAndClosesUp() throws Exception {
    AtomicBoolean closedUp = new AtomicBoolean();
    long start = System.nanoTime();
    BoundedParts.Ran<String> ran = parts.run("slow part", in(1_200), () -> waitFor(20_000, closedUp));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertNull(ran.result());
    assertTrue(ran.notDone().startsWith("budget (slow part was cut short after 1."), ran.notDone());
    assertTrue(ran.notDone().endsWith("its share of --budget 40s)"), ran.notDone());
    assertTrue(closedUp.get(), "the part was interrupted and left its wait");
    assertTrue(tookMs < 1_200 + BoundedParts.CLEANUP.toMillis(), "waited " + tookMs + " ms");
  }

  @Test
  void aBackgroundPartCanBeStoppedWhileItRunsOrBeforeItBegins() throws Exception {
    AtomicBoolean closedUp = new AtomicBoolean();
    CountDownLatch begun = new CountDownLatch(1);
    BoundedParts.Started<String> ladder = parts.start("the ladder", () -> {
      begun.countDown();
      return waitFor(20_000, closedUp);
    });
    assertTrue(begun.await(10, TimeUnit.SECONDS));
    ladder.stop();
    assertTrue(ladder.ended());
    assertTrue(closedUp.get(), "interrupted, it left its wait");

    // stopped at once, possibly before its thread began it: either way it has ended, without waiting out CLEANUP
    long start = System.nanoTime();
    BoundedParts.Started<String> early = parts.start("early", () -> waitFor(20_000, new AtomicBoolean()));
    early.stop();
    assertTrue(early.ended());
    assertTrue(System.nanoTime() - start < BoundedParts.CLEANUP.toNanos(), "stopping waited out the clean-up");
  }

  @Test
  void aPartThatFailsSaysWhyAndOneWithoutTimeIsNotStarted() throws Exception {
    BoundedParts.Ran<String> failed = parts.run("broken", in(5_000), () -> {
      throw new IllegalStateException("no answer from 127.0.0.1:9");
    });
    assertEquals("broken could not run: no answer from 127.0.0.1:9", failed.notDone());
    AtomicBoolean started = new AtomicBoolean();
    BoundedParts.Ran<String> late = parts.run("sticky", in(500), () -> {
      started.set(true);
      return "ran";
    });
    assertNull(late.result());
    assertEquals("budget (no time left for sticky of --budget 40s)", late.notDone());
    assertTrue(!started.get());
  }
}
