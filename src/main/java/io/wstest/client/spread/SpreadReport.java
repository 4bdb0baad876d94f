package io.wstest.client.spread;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Charts;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.ScenarioReport;
import io.wstest.client.report.ServerSideCounts;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.HealthCheck;
import io.wstest.client.stats.SpreadStats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one spread run found; its JSON fields are listed in docs/test-lb.md. {@code serverSide} is null
 * unless the service's cluster view answered at the end of the run.
 */
public record SpreadReport(Instant startedAt, long durationMs, TestLbSettings settings, HealthCheck.Result health,
                           List<EndpointReport> endpoints, SpreadStats overall, Verdict verdict,
                           ServerSideCounts serverSide)
  implements ScenarioReport {

  @Override
  public String scenario() {
    return "spread";
  }

  @Override
  public JsonObject settingsJson() {
    return settings.toJson();
  }

  @Override
  public JsonObject body() {
    JsonArray endpointList = new JsonArray();
    JsonArray connections = new JsonArray();
    for (EndpointReport endpoint : endpoints) {
      endpointList.add(endpoint.toJson());
      endpoint.run().results().forEach(r -> connections.add(r.toJson()));
    }
    JsonObject body = new JsonObject()
      .put("health", health == null ? null : health.toJson())
      .put("endpoints", endpointList)
      .put("overall", overall.toJson());
    if (serverSide != null) {
      body.put("server_side", serverSide.toJson());
    }
    return body.put("connections", connections);
  }

  @Override
  public void html(HtmlReport page) {
    endpoints.forEach(e -> page.instances(Charts.instanceNames(e.stats())));
    for (EndpointReport endpoint : endpoints) {
      SpreadStats s = endpoint.stats();
      page.section("[" + endpoint.run().target().name() + "] " + endpoint.run().target().url());
      List<HtmlReport.Threshold> thresholds = new ArrayList<>();
      if (settings.maxSkew() != null && !s.instances().isEmpty()) {
        double least = s.instances().stream().mapToDouble(SpreadStats.InstanceCount::share).min().orElse(0);
        thresholds.add(new HtmlReport.Threshold("--max-skew " + HtmlReport.number(settings.maxSkew())
          + " × least busy", Math.min(1, least * settings.maxSkew())));
      }
      page.shareChart("Share of connections per instance", Charts.instanceShares(s), thresholds);
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("Summary", SpreadConsole.statsLine(s));
      facts.put("Connect", s.connectMs().toString());
      facts.put("Ping round trip", s.pingMs().toString());
      facts.put("Peak open sockets", Integer.toString(endpoint.run().peakOpenSockets()));
      if (s.failed() > 0) {
        facts.put("Failures", Verdict.failureSummary(s));
      }
      page.facts(facts);
      if (!s.closeCodes().isEmpty()) {
        page.barChart("Close codes of failed connections", Charts.countBars(s.closeCodes()));
      }
      List<Double> connect = new ArrayList<>();
      endpoint.run().results().forEach(r -> {
        if (r.connectMs() != null) {
          connect.add(r.connectMs());
        }
      });
      page.histogram("Connect time", "ms", connect, 20);
    }
    if (serverSide != null) {
      page.section("Replicas, client and server side");
      serverSide.html(page, "Our connections");
    }
  }
}
