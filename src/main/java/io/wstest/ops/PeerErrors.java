package io.wstest.ops;

import io.wstest.runtime.FatalErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Errors that peers cause, counted instead of logged one line each: connections reset or broken by their peer,
 * failed TLS handshakes, garbage instead of HTTP, and accepts that fail because the process is out of file
 * descriptors. Under connection churn or at the open-files limit these came by the thousand (one ERROR or WARN
 * line each), drowning everything else. Now each is a DEBUG line and a count, and at most one summary line per
 * {@link #SUMMARY_PERIOD} says how many there were: INFO for peers' errors, WARN when accepts failed (the
 * operator has something to do). Only a process that serves writes that line ({@link #showSummaries}); in the
 * client commands the connections that fail are their own, which each command reports itself ({@code bench}:
 * "Note: N of M connections failed"), so there the summary is a DEBUG line.
 */
public final class PeerErrors {

  /** At most one summary line this often. */
  public static final Duration SUMMARY_PERIOD = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(PeerErrors.class);
  private static final PeerErrors PROCESS = new PeerErrors(SUMMARY_PERIOD);

  private final Duration period;
  private final LongAdder connectionErrors = new LongAdder();
  private final LongAdder acceptFailures = new LongAdder();
  private volatile String latestConnectionError;
  private volatile String latestAcceptFailure;
  private final AtomicBoolean summaryScheduled = new AtomicBoolean();
  private volatile boolean summariesShown;

  PeerErrors(Duration period) {
    this.period = period;
  }

  /** This process serves: from now on its summaries are INFO and WARN lines. */
  public static void showSummaries() {
    PROCESS.summariesShown = true;
  }

  void summariesShown(boolean shown) {
    summariesShown = shown;
  }

  /**
   * An error on one connection, reported by Vert.x or Netty: counted for the next summary (a fatal error ends the
   * process instead, see {@link FatalErrors}).
   */
  public static void connectionError(Throwable error) {
    FatalErrors.haltIfFatal(error);
    PROCESS.countConnectionError(String.valueOf(error));
  }

  /** A connection the process could not accept (no file descriptor left, typically). */
  static void acceptFailed(Throwable error) {
    PROCESS.countAcceptFailure(String.valueOf(error));
  }

  /** A connection error that Vert.x logged as a bare message, without the exception. */
  static void connectionErrorMessage(String message) {
    PROCESS.countConnectionError(message);
  }

  void countConnectionError(String error) {
    LOG.debug("Connection error caused by the peer: {}", error);
    latestConnectionError = error;
    connectionErrors.increment();
    scheduleSummary();
  }

  void countAcceptFailure(String error) {
    LOG.debug("Could not accept a connection: {}", error);
    latestAcceptFailure = error;
    acceptFailures.increment();
    scheduleSummary();
  }

  private void scheduleSummary() {
    if (summaryScheduled.compareAndSet(false, true)) {
      Scheduler.INSTANCE.schedule(this::logSummary, period.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  void logSummary() {
    // cleared first: an error counted from here on is in this summary or schedules the next one
    summaryScheduled.set(false);
    long accepts = acceptFailures.sum();
    String summary = takeSummary();
    if (summary == null) {
      return;
    }
    if (!summariesShown) {
      LOG.debug(summary);
    } else if (accepts > 0) {
      LOG.warn(summary);
    } else {
      LOG.info(summary);
    }
  }

  /** What was counted since the last summary, as one line, and counting starts anew; null when nothing was. */
  String takeSummary() {
    long errors = connectionErrors.sumThenReset();
    long accepts = acceptFailures.sumThenReset();
    if (errors == 0 && accepts == 0) {
      return null;
    }
    StringBuilder line = new StringBuilder("In the last ").append(period.toSeconds()).append(" s: ");
    if (errors > 0) {
      line.append(errors).append(errors == 1 ? " connection" : " connections")
        .append(" failed on the peer's side (reset, broken pipe, bad TLS or HTTP; latest: ")
        .append(latestConnectionError).append(')');
    }
    if (accepts > 0) {
      line.append(errors > 0 ? "; " : "").append(accepts).append(accepts == 1 ? " connection" : " connections")
        .append(" not accepted (latest: ").append(latestAcceptFailure)
        .append("): raise the open-files limit or lower MAX_CONNECTIONS");
    }
    return line.toString();
  }

  /** One daemon thread for the summaries, started with the first error. */
  private static final class Scheduler {
    static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "peer-error-summary");
      thread.setDaemon(true);
      return thread;
    });
  }
}
