package io.wstest.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors after which the process ends, so that its orchestrator restarts it: a JVM out of memory, or with an event
 * loop gone, stays alive answering nothing (even liveness fails) and is never restarted. Out of memory is fatal
 * wherever it is caught: Vert.x and Netty catch errors in handlers and pipelines, so without this an
 * OutOfMemoryError only closed one socket or was logged while the heap stayed exhausted.
 * {@code -XX:+ExitOnOutOfMemoryError} (docker/jvm.options) does the same for out of memory; this also covers
 * {@code java -jar} without flags.
 */
public final class FatalErrors {

  /** The exit status of a process ended here: the one {@code -XX:+ExitOnOutOfMemoryError} uses. */
  public static final int EXIT_STATUS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);
  /** Causes looked through for a fatal one: Netty wraps errors of decoders in a DecoderException. */
  private static final int MAX_CAUSES = 8;

  private FatalErrors() {
  }

  /**
   * Out of memory and the JVM's internal errors: nothing in the process can be trusted after them. Not a
   * StackOverflowError: one deep call overflowed, the stack has unwound and only that handler failed.
   */
  public static boolean isFatal(Throwable t) {
    Throwable cause = t;
    for (int i = 0; cause != null && i < MAX_CAUSES; i++, cause = cause.getCause()) {
      if (cause instanceof VirtualMachineError && !(cause instanceof StackOverflowError)) {
        return true;
      }
    }
    return false;
  }

  /** Ends the process if {@code t} is fatal; returns otherwise. */
  public static void haltIfFatal(Throwable t) {
    if (isFatal(t)) {
      halt(t.toString(), t);
    }
  }

  /**
   * Logs why and ends the process with {@link #EXIT_STATUS} at once: no shutdown hooks, which need threads and
   * memory that may be gone, and whose graceful drain would only stretch out an outage.
   */
  public static void halt(String why, Throwable cause) {
    try {
      LOG.error("Fatal: {}; ending the process (exit {}) so that it is restarted", why, EXIT_STATUS, cause);
      System.out.flush();
      System.err.flush();
    } catch (Throwable logFailed) {
      // out of memory may fail the log line too: the exit matters more
    } finally {
      Runtime.getRuntime().halt(EXIT_STATUS);
    }
  }

  /** A fatal error that escapes any thread of the process ends it; anything else is reported as before. */
  public static void installUncaughtExceptionHandler() {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
      haltIfFatal(e);
      if (previous != null) {
        previous.uncaughtException(thread, e);
      } else {
        LOG.error("Uncaught exception in thread {}", thread.getName(), e);
      }
    });
  }
}
