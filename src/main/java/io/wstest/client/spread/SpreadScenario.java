package io.wstest.client.spread;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wstest.client.Scenario;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.HealthCheck;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.SpreadStats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The default test-lb scenario: health check, then N connections to each endpoint, then statistics and a
 * verdict. Runs on the caller's (non-Vert.x) thread and waits for each step; every step is bounded by the
 * timeout, so the test always ends.
 */
public final class SpreadScenario implements Scenario {

  private final TestLbSettings settings;

  SpreadScenario(TestLbSettings settings) {
    this.settings = settings;
  }

  @Override
  public SpreadReport run(Vertx vertx, ConsoleReport console) throws InterruptedException {
    Instant started = Instant.now();
    long startNanos = System.nanoTime();
    HealthCheck healthCheck = new HealthCheck(vertx, settings.headers(), settings.timeout(), settings.insecure());
    ConnectionRunner runner = new ConnectionRunner(vertx, settings.headers(), settings.timeout(), settings.insecure(),
      settings.connections() + settings.concurrency());
    try {
      console.start(settings.healthTarget().healthUrl());
      HealthCheck.Result health = await(healthCheck.check(settings.healthTarget()));
      console.health(health);
      List<EndpointReport> endpoints = new ArrayList<>();
      List<ConnectionResult> all = new ArrayList<>();
      for (WsTarget target : settings.targets()) {
        console.endpointStart(target, settings);
        ConnectionRunner.Run run = await(runner.run(target, settings.connections(), settings.concurrency(),
          settings.hold(), console::connection));
        endpoints.add(EndpointReport.of(run, settings.weights()));
        all.addAll(run.results());
      }
      console.results(endpoints);
      Verdict verdict = Verdict.evaluate(settings, endpoints);
      console.verdict(verdict);
      return new SpreadReport(started, Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), settings,
        health, endpoints, SpreadStats.of(all, settings.weights()), verdict);
    } finally {
      await(Future.join(runner.close(), healthCheck.close()).otherwiseEmpty());
    }
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
