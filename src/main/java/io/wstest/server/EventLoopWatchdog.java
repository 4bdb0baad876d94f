package io.wstest.server;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.wstest.protocol.VertxInternals;
import io.wstest.runtime.FatalErrors;

/**
 * Ends the process when one of Vert.x's event loops ends while the service runs: its sockets and timers would
 * never be served again while the rest of the process (and its liveness answer, if on another loop) carries on.
 * Netty ends an event loop thread when an error escapes its loop, which Vert.x does not report anywhere.
 * The loops come from {@link VertxInternals}: no public API tells when an event loop thread ends.
 */
final class EventLoopWatchdog {

  private volatile boolean armed = true;

  private EventLoopWatchdog() {
  }

  /** Watches every event loop (and acceptor loop) of {@code vertx} until {@link #disarm()}. */
  static EventLoopWatchdog arm(Vertx vertx) {
    EventLoopWatchdog watchdog = new EventLoopWatchdog();
    VertxInternals.eventLoopGroups(vertx).forEach(watchdog::watch);
    return watchdog;
  }

  private void watch(EventLoopGroup group) {
    for (EventExecutor loop : group) {
      // completed on Netty's global executor thread once the loop's thread has ended
      loop.terminationFuture().addListener(ended -> {
        if (armed) {
          FatalErrors.halt("a Vert.x event loop ended while the service was running", ended.cause());
        }
      });
    }
  }

  /** Call before closing Vert.x on purpose: its event loops then end normally. */
  void disarm() {
    armed = false;
  }
}
