package io.wstest.client.run;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.socket.ClusterView;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.HealthCheck;
import io.wstest.client.socket.WsTarget;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every scenario does around its own work: the banner, {@code GET /health} and its line, the clock for the
 * report, and at the end closing whatever the scenario opened (its clients, the health check's). Runs on the
 * caller's (non-Vert.x) thread and waits for each step; every step is bounded by the timeout.
 *
 * <pre>
 * try (ScenarioRun run = ScenarioRun.begin(vertx, console, TITLE, settings.connect())) {
 *   ConnectionRunner runner = run.closeAtEnd(new ConnectionRunner(...), ConnectionRunner::close);
 *   ... run.health() ... run.await(runner.run(...)) ... run.elapsedMs()
 * }
 * </pre>
 */
public final class ScenarioRun implements AutoCloseable {

  private final Instant started = Instant.now();
  private final long startNanos = System.nanoTime();
  private final List<Supplier<Future<?>>> closers = new ArrayList<>();
  private HealthCheck.Result health;
  private HealthCheck healthCheck;
  private WsTarget healthTarget;

  private ScenarioRun() {
  }

  /** Prints the banner, checks {@code /health} on the connect settings' health target and prints the outcome. */
  public static ScenarioRun begin(Vertx vertx, ConsoleReport console, String title, ConnectSettings connect)
    throws InterruptedException {
    ScenarioRun run = new ScenarioRun();
    HealthCheck healthCheck = run.closeAtEnd(new HealthCheck(vertx, connect.headers(), connect.timeout(),
      connect.insecure()), HealthCheck::close);
    run.healthCheck = healthCheck;
    run.healthTarget = connect.healthTarget();
    try {
      console.start(title, connect.healthTarget().healthUrl());
      run.health = await(healthCheck.check(connect.healthTarget()));
      console.health(run.health);
      return run;
    } catch (InterruptedException | RuntimeException e) {
      run.close();
      throw e;
    }
  }

  public HealthCheck.Result health() {
    return health;
  }

  /**
   * {@code GET /cluster} on the health target (through the load balancer): the service's own view of its
   * replicas, or why there is none. Bounded by the timeout; never throws for an answer the service gave.
   */
  public ClusterView clusterView() throws InterruptedException {
    return await(healthCheck.cluster(healthTarget));
  }

  public Instant started() {
    return started;
  }

  public long startNanos() {
    return startNanos;
  }

  /** Milliseconds since the run began, for the report's duration. */
  public long elapsedMs() {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }

  /** Registers something the scenario opened, to be closed (and waited for) when the run ends; returns it. */
  public <T> T closeAtEnd(T resource, Function<T, Future<?>> close) {
    closers.add(() -> close.apply(resource));
    return resource;
  }

  /** Closes everything registered, newest first, and waits for it (each close is bounded by its client). */
  @Override
  public void close() throws InterruptedException {
    List<Future<?>> closing = new ArrayList<>();
    for (int i = closers.size() - 1; i >= 0; i--) {
      closing.add(closers.get(i).get());
    }
    await(Future.join(closing).otherwiseEmpty());
  }

  /** Blocks this (non-event-loop) thread until the future completes; every future here is time-bounded. */
  public static <T> T await(Future<T> future) throws InterruptedException {
    try {
      return future.toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(Failure.rootMessage(e), e);
    }
  }
}
