package io.wstest.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.identity.IdentityResolver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Everything one test-lb run found; {@link #toJson()} is the {@code --json} file (fields in docs/test-lb.md). */
public record TestLbReport(String scenario, Instant startedAt, long durationMs, TestLbSettings settings,
                           HealthCheck.Result health, List<EndpointReport> endpoints, SpreadStats overall,
                           Verdict verdict) {

  public JsonObject toJson() {
    JsonArray endpointList = new JsonArray();
    JsonArray connections = new JsonArray();
    for (EndpointReport endpoint : endpoints) {
      endpointList.add(endpoint.toJson());
      endpoint.run().results().forEach(r -> connections.add(r.toJson()));
    }
    return new JsonObject()
      .put("tool", "websocket-test-service test-lb")
      .put("version", IdentityResolver.buildVersion())
      .put("scenario", scenario)
      .put("started_at", startedAt.toString())
      .put("duration_ms", durationMs)
      .put("settings", settings.toJson())
      .put("health", health == null ? null : health.toJson())
      .put("endpoints", endpointList)
      .put("overall", overall.toJson())
      .put("connections", connections)
      .put("verdict", verdict.toJson());
  }

  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson().encodePrettily() + "\n", StandardCharsets.UTF_8);
  }
}
