package io.wstest.lab;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Every process lab started, and the one way they end: the load balancer first (no new connections), then the
 * replicas together, each with SIGTERM (their graceful drain) and SIGKILL after a bound; whatever those processes
 * started themselves (nginx's workers) goes with them. Only these pids are ever signalled.
 */
final class Children {

  /** A started process; the front (the load balancer) stops before the others. */
  record Child(String name, Process process, boolean front) {
  }

  static final Duration FRONT_STOP_BOUND = Duration.ofSeconds(5);

  private final List<Child> children = new ArrayList<>();
  private boolean stopping;

  /**
   * Starts a process and keeps it; refused once {@link #stopAll} began, so nothing started during a Ctrl-C is
   * left behind.
   */
  synchronized Process start(String name, ProcessBuilder builder, boolean front) throws IOException {
    if (stopping) {
      throw new IllegalStateException("stopping: " + name + " not started");
    }
    Process process = builder.start();
    children.add(new Child(name, process, front));
    return process;
  }

  /** Every process started, as "name (pid N)", in start order. */
  synchronized List<String> started() {
    return children.stream().map(c -> c.name() + " (pid " + c.process().pid() + ")").toList();
  }

  synchronized boolean stopping() {
    return stopping;
  }

  /**
   * Stops everything (once: later calls return false at once). {@code report} receives a line per process that
   * had to be killed.
   */
  boolean stopAll(Duration bound, Consumer<String> report) {
    List<Child> all;
    synchronized (this) {
      if (stopping) {
        return false;
      }
      stopping = true;
      all = List.copyOf(children);
    }
    stop(all.stream().filter(Child::front).toList(), FRONT_STOP_BOUND, report);
    stop(all.stream().filter(c -> !c.front()).toList(), bound, report);
    return true;
  }

  private static void stop(List<Child> group, Duration bound, Consumer<String> report) {
    // Taken before SIGTERM: once a parent is gone its orphans are nobody's descendants any more.
    List<ProcessHandle> descendants = new ArrayList<>();
    for (Child child : group) {
      child.process().descendants().forEach(descendants::add);
    }
    group.forEach(child -> child.process().destroy());
    List<CompletableFuture<Process>> exits = group.stream().map(child -> child.process().onExit()).toList();
    try {
      CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // the stragglers are killed below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Child child : group) {
      if (child.process().isAlive()) {
        report.accept(child.name() + " (pid " + child.process().pid() + ") did not stop within "
          + bound.toSeconds() + " s of SIGTERM: killed");
        child.process().destroyForcibly();
      }
    }
    for (Child child : group) {
      awaitExit(child.process().toHandle());
    }
    for (ProcessHandle descendant : descendants) {
      if (descendant.isAlive()) {
        descendant.destroyForcibly();
        awaitExit(descendant);
      }
    }
  }

  private static void awaitExit(ProcessHandle handle) {
    try {
      handle.onExit().get(5, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // SIGKILL cannot be refused; a process still listed 5 s later is a zombie of someone else's
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
