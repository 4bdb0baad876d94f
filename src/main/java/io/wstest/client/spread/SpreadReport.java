package io.wstest.client.spread;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.ScenarioReport;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.HealthCheck;
import io.wstest.client.stats.SpreadStats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Everything one spread run found; its JSON fields are listed in docs/test-lb.md. */
public record SpreadReport(Instant startedAt, long durationMs, TestLbSettings settings, HealthCheck.Result health,
                           List<EndpointReport> endpoints, SpreadStats overall, Verdict verdict)
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
    return new JsonObject()
      .put("health", health == null ? null : health.toJson())
      .put("endpoints", endpointList)
      .put("overall", overall.toJson())
      .put("connections", connections);
  }

  @Override
  public void html(HtmlReport page) {
    for (EndpointReport endpoint : endpoints) {
      SpreadStats s = endpoint.stats();
      page.section("[" + endpoint.run().target().name() + "] " + endpoint.run().target().url());
      page.barChart("Connections per instance", instanceBars(s));
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("Summary", ConsoleReport.statsLine(s));
      facts.put("Connect", s.connectMs().toString());
      facts.put("Ping round trip", s.pingMs().toString());
      facts.put("Peak open sockets", Integer.toString(endpoint.run().peakOpenSockets()));
      if (s.failed() > 0) {
        facts.put("Failures", Verdict.failureSummary(s));
      }
      page.facts(facts);
      if (!s.closeCodes().isEmpty()) {
        page.barChart("Close codes of failed connections", countBars(s.closeCodes()));
      }
      List<Double> connect = new ArrayList<>();
      endpoint.run().results().forEach(r -> {
        if (r.connectMs() != null) {
          connect.add(r.connectMs());
        }
      });
      page.histogram("Connect time", "ms", connect, 20);
    }
  }

  public static List<HtmlReport.Bar> instanceBars(SpreadStats stats) {
    return stats.instances().stream().map(i -> new HtmlReport.Bar(i.displayName(), i.count(),
      i.count() + String.format(Locale.ROOT, " (%.1f%%)", i.share() * 100)
        + (i.expectedShare() == null ? "" : String.format(Locale.ROOT, " expected %.1f%%", i.expectedShare() * 100))))
      .toList();
  }

  /** One bar per key of a tally (close codes, failure kinds), labelled with the key. */
  public static <K> List<HtmlReport.Bar> countBars(Map<K, Integer> counts) {
    return counts.entrySet().stream()
      .map(e -> new HtmlReport.Bar(String.valueOf(e.getKey()), e.getValue(), Integer.toString(e.getValue()))).toList();
  }
}
