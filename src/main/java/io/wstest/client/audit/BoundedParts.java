package io.wstest.client.audit;

import io.wstest.client.socket.Failure;
import io.wstest.options.Durations;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the audit's parts each on a thread of its own, so that one which would overrun its deadline can be stopped:
 * it is interrupted (a scenario waiting on a future then closes what it opened, bounded by its timeouts) and
 * reported as cut short by the budget, never waited for past its deadline and a short clean-up.
 */
final class BoundedParts implements AutoCloseable {

  /** How long a stopped part may take to close its sockets. */
  static final Duration CLEANUP = Duration.ofSeconds(2);
  /** A part with less time than this is not started. */
  static final Duration MIN_PART = Duration.ofSeconds(1);

  /** How a part ended: its result and how long it took, or (result null) why there is none. */
  record Ran<T>(T result, long ms, String notDone) {
  }

  /** A part running in the background. */
  final class Started<T> {
    private final String name;
    private final Future<T> task;
    private final CompletableFuture<Void> ended;
    /** Set when the part's thread begins it: a part stopped before that never runs at all. */
    private final AtomicBoolean entered = new AtomicBoolean();
    private final long startedNanos = System.nanoTime();

    private Started(String name, Callable<T> body) {
      this.name = name;
      this.ended = new CompletableFuture<>();
      this.task = threads.submit(() -> {
        entered.set(true);
        try {
          return body.call();
        } finally {
          ended.complete(null);
        }
      });
    }

    /** Waits until {@code deadlineNanos}; past it, stops the part and waits (briefly) for it to close up. */
    Ran<T> await(long deadlineNanos) throws InterruptedException {
      try {
        T result = task.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        return new Ran<>(result, elapsedMs(), null);
      } catch (TimeoutException e) {
        stop();
        return new Ran<>(null, elapsedMs(), String.format(Locale.ROOT, "budget (%s was cut short after %.1f s, its "
          + "share of --budget %s)", name, elapsedMs() / 1000.0, Durations.format(budget)));
      } catch (ExecutionException e) {
        return new Ran<>(null, elapsedMs(), name + " could not run: " + Failure.rootMessage(e));
      } catch (CancellationException e) {
        return new Ran<>(null, elapsedMs(), name + " was stopped");
      }
    }

    /** Interrupts the part and waits up to {@link #CLEANUP} for it to end. */
    void stop() throws InterruptedException {
      if (task.cancel(true) && !entered.get()) {
        ended.complete(null); // cancelled before its thread began it: it will not run
      }
      try {
        ended.get(CLEANUP.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // it keeps closing in the background; the run's Vert.x instance is closed at the end anyway
      }
    }

    /** True once the part's thread has left it, by finishing or by being stopped. */
    boolean ended() {
      return ended.isDone();
    }

    private long elapsedMs() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
  }

  private final Duration budget;
  private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "audit-part");
    thread.setDaemon(true);
    return thread;
  });

  /** @param budget the audit's --budget, named when a part is cut short */
  BoundedParts(Duration budget) {
    this.budget = budget;
  }

  <T> Started<T> start(String name, Callable<T> body) {
    return new Started<>(name, body);
  }

  /** Runs a part until {@code deadlineNanos}; one with less than {@link #MIN_PART} left is not started. */
  <T> Ran<T> run(String name, long deadlineNanos, Callable<T> body) throws InterruptedException {
    if (deadlineNanos - System.nanoTime() < MIN_PART.toNanos()) {
      return new Ran<>(null, 0, "budget (no time left for " + name + " of --budget " + Durations.format(budget)
        + ")");
    }
    return start(name, body).await(deadlineNanos);
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
