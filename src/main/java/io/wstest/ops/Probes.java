package io.wstest.ops;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.wstest.runtime.ServiceLifecycle;

import java.util.Locale;

/**
 * Liveness and readiness as Kubernetes expects them: liveness says the event loops still answer; readiness
 * says this replica should get new connections (listening, not draining, not switched off by an operator).
 */
public final class Probes {

  private Probes() {
  }

  public static HealthCheckHandler liveness(Vertx vertx) {
    ServiceLifecycle lifecycle = ServiceLifecycle.of(vertx);
    HealthChecks checks = HealthChecks.create(vertx);
    // Answering at all proves the event loop runs; POST /healthz/disable makes it fail on purpose.
    checks.register("event-loop", promise -> promise.complete(lifecycle.isLive() ? Status.OK()
      : Status.KO(new JsonObject().put("disabled_by", "POST /healthz/disable"))));
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
