package io.wstest.client.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.identity.IdentityResolver;
import io.wstest.identity.Version;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one test-lb scenario found. Every scenario's JSON report has the same envelope ({@link #toJson()}: tool,
 * version, scenario, started_at, duration_ms, settings, then the scenario's own {@link #body()} fields, then the
 * verdict) and its HTML report the same frame ({@link HtmlReport}), so CI tooling reads them alike.
 */
public interface ScenarioReport {

  /** The scenario's name as typed after test-lb: spread, sticky, idle-timeout, soak, weights. */
  String scenario();

  Instant startedAt();

  long durationMs();

  JsonObject settingsJson();

  /** The scenario's own report fields, between the envelope's settings and verdict. */
  JsonObject body();

  Verdict verdict();

  /** Adds the scenario's sections (summary, charts, tables) to the HTML report. */
  void html(HtmlReport page);

  default JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("tool", "websocket-test-service test-lb")
      .put("version", IdentityResolver.buildVersion())
      .put("scenario", scenario())
      .put("started_at", startedAt().toString())
      .put("duration_ms", durationMs())
      .put("settings", settingsJson());
    body().forEach(field -> json.put(field.getKey(), field.getValue()));
    return json.put("verdict", verdict().toJson());
  }

  /** The whole HTML report: the common frame, the scenario's sections, and the JSON report for reference. */
  default String toHtml() {
    return toHtml(null);
  }

  /**
   * @param commandLine the run's command line as it should be shown (credential header values hidden), or null
   */
  default String toHtml(String commandLine) {
    List<String> targets = new ArrayList<>();
    JsonArray endpoints = settingsJson().getJsonArray("endpoints");
    if (endpoints != null) {
      endpoints.forEach(e -> targets.add(e instanceof JsonObject o ? o.getString("url") : String.valueOf(e)));
    }
    HtmlReport page = new HtmlReport("test-lb " + scenario(), startedAt(), durationMs(), verdict(), commandLine,
      targets, new Version().getVersion()[0]);
    html(page);
    page.json("Full JSON report", toJson());
    return page.render();
  }
}
