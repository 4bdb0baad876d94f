package io.wstest.server;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.wstest.runtime.FatalErrors;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link FatalErrorExitTest}: Vert.x built and watched as {@code serve} builds and watches it,
 * then one event, named by the first argument. Exits 0 when the event did not end it (after 30 s for the fatal ones).
 */
public final class FatalErrorProcess {

  private FatalErrorProcess() {
  }

  public static void main(String[] args) throws Exception {
    FatalErrors.installUncaughtExceptionHandler();
    Vertx vertx = ServiceVertx.create(ServerConfig.fromEnv(Map.of("BIND_HOST", "127.0.0.1")));
    EventLoopWatchdog watchdog = EventLoopWatchdog.arm(vertx);
    switch (args[0]) {
      // what a handler on an event loop throws when the heap is exhausted
      case "out-of-memory-in-handler" -> vertx.runOnContext(v -> {
        throw new OutOfMemoryError("Java heap space (thrown by the test)");
      });
      // one of the event loops ends while the service runs
      case "event-loop-ends" -> ((VertxInternal) vertx).nettyEventLoopGroup().next()
        .shutdownGracefully(0, 0, TimeUnit.SECONDS);
      // a handler fails with an ordinary error: reported, and the same event loop runs the next task
      case "stack-overflow-in-handler" -> {
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
          throw new StackOverflowError("thrown by the test");
        });
        context.runOnContext(v -> {
          System.out.println("still running");
          System.exit(0);
        });
      }
      // Vert.x closed on purpose, as the graceful shutdown does: its event loops end normally
      case "closed-on-purpose" -> {
        watchdog.disarm();
        vertx.close().await();
        System.out.println("closed");
        System.exit(0);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
    Thread.sleep(30_000);
    System.out.println("still running");
    System.exit(0);
  }
}
