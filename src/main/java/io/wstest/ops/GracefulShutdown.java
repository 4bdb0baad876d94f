package io.wstest.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wstest.protocol.CloseCodes;
import io.wstest.protocol.ConnectionHandler;
import io.wstest.protocol.ConnectionRegistry;
import io.wstest.runtime.ServiceLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What SIGTERM / SIGINT does, in order:
 * <ol>
 *   <li>at once: readiness fails, liveness stays up, /health says "draining"; sockets stay open and new
 *       upgrades are still accepted, because the load balancer needs a while to notice;</li>
 *   <li>after {@code drainDelay}: new upgrades are refused (503), and every socket of both servers gets a
 *       {@code shutdown} message and then a 1001 close, spread evenly over {@code drainPeriod}; each close
 *       waits until the replies already in flight are written, and for the peer's close frame;</li>
 *   <li>Vert.x stops, at the latest {@code shutdownTimeout} after the delay (sockets still open then are cut).</li>
 * </ol>
 */
public final class GracefulShutdown {

  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

  private final Vertx vertx;
  private final Duration drainDelay;
  private final Duration drainPeriod;
  private final Duration shutdownTimeout;

  public GracefulShutdown(Vertx vertx, Duration drainDelay, Duration drainPeriod, Duration shutdownTimeout) {
    this.vertx = vertx;
    this.drainDelay = drainDelay;
    this.drainPeriod = drainPeriod;
    this.shutdownTimeout = shutdownTimeout;
  }

  /**
   * Drains and stops Vert.x; blocks the calling thread (the JVM's shutdown hook) until done or timed out.
   *
   * @return true when the service had started and was drained, so the process should exit 0; false when it
   *     never became ready (start-up failed or is still running) and there was nothing to drain
   */
  public boolean run() {
    ServiceLifecycle lifecycle = ServiceLifecycle.of(vertx);
    ConnectionRegistry registry = ConnectionRegistry.of(vertx);
    if (lifecycle.state() == ServiceLifecycle.State.STARTING) {
      vertx.close();
      return false;
    }
    lifecycle.markDraining();
    LOG.info("Draining: readiness now fails; {} WebSockets open, closing them in {} ms", registry.active(),
      drainDelay.toMillis());
    long deadline = System.nanoTime() + drainDelay.plus(shutdownTimeout).toNanos();
    Future<Integer> drained = delay().compose(v -> {
      lifecycle.stopAcceptingUpgrades();
      LOG.info("Closing {} WebSockets with 1001 over {} ms", registry.active(), drainPeriod.toMillis());
      return ConnectionHandler.closeAll(vertx, "server shutting down", CloseCodes.GOING_AWAY, drainPeriod, true);
    });
    try {
      LOG.info("All {} WebSockets closed; stopping", await(drained, deadline));
    } catch (TimeoutException e) {
      LOG.warn("Shutdown timeout ({} ms after the drain delay) passed with {} WebSockets still open; stopping anyway",
        shutdownTimeout.toMillis(), registry.active());
    }
    try {
      // Vert.x is closed from this thread, not from an event loop it is about to stop.
      await(vertx.close(), deadline);
      LOG.info("Stopped");
    } catch (TimeoutException e) {
      LOG.warn("Vert.x did not stop within the shutdown timeout; exiting anyway");
    }
    return true;
  }

  private static <T> T await(Future<T> future, long deadlineNanos) throws TimeoutException {
    try {
      return future.toCompletionStage().toCompletableFuture()
        .get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      LOG.warn("Shutdown step failed: {}", e.getCause().toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted");
    }
  }

  private Future<Void> delay() {
    return drainDelay.toMillis() < 1 ? Future.succeededFuture()
      : vertx.timer(drainDelay.toMillis(), TimeUnit.MILLISECONDS).mapEmpty();
  }
}
