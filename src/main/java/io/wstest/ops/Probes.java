package io.wstest.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

import java.util.Locale;

/**
 * Liveness and readiness as Kubernetes expects them: liveness says the event loops still answer; readiness
 * says this replica should get new connections (listening, and not draining).
 */
public final class Probes {

  private Probes() {
  }

  public static HealthCheckHandler liveness(Vertx vertx) {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("event-loop", promise -> promise.complete(Status.OK()));
    return HealthCheckHandler.createWithHealthChecks(checks);
  }

  public static HealthCheckHandler readiness(Vertx vertx) {
    ServiceLifecycle lifecycle = ServiceLifecycle.of(vertx);
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("accepting-connections", promise -> {
      JsonObject data = new JsonObject().put("state", lifecycle.state().name().toLowerCase(Locale.ROOT));
      promise.complete(lifecycle.isReady() ? Status.OK(data) : Status.KO(data));
    });
    return HealthCheckHandler.createWithHealthChecks(checks);
  }
}
