package io.wstest.client.weights;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Charts;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.ScenarioReport;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.HealthCheck;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.SpreadStats;
import io.wstest.client.stats.Weights;
import io.wstest.options.Fractions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Everything one weights run found; its JSON fields are listed in docs/test-lb.md. */
public record WeightsReport(Instant startedAt, long durationMs, WeightsSettings settings, HealthCheck.Result health,
                            ConnectionRunner.Run run, SpreadStats stats, WeightSplit split, Verdict verdict)
  implements ScenarioReport {

  @Override
  public String scenario() {
    return "weights";
  }

  @Override
  public JsonObject settingsJson() {
    return settings.toJson();
  }

  @Override
  public JsonObject body() {
    JsonArray connections = new JsonArray();
    for (ConnectionResult r : run.results()) {
      JsonObject json = r.toJson();
      if (r.welcome() != null) {
        json.put("field_value", r.identity().getValue(settings.field()));
      }
      connections.add(json);
    }
    WsTarget target = settings.target();
    return new JsonObject()
      .put("health", health == null ? null : health.toJson())
      .put("endpoint", new JsonObject().put("name", target.name()).put("url", target.url())
        .put("not_attempted", run.notAttempted()))
      .put("split", split.toJson())
      .put("stats", stats.toJson())
      .put("connections", connections);
  }

  @Override
  public void html(HtmlReport page) {
    page.section("Split by " + split.field() + ": " + settings.target().url());
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("--weights", settings.weightsText());
    facts.put("Connected", stats.succeeded() + " of " + stats.attempted());
    facts.put("Intervals", Fractions.percent(split.confidence()) + " Wilson score, up to "
      + String.format(Locale.ROOT, "+/-%.1f", split.widestHalfWidthPoints()) + " points");
    if (split.total() > 0) {
      facts.put("Chi-square vs weights (for reference)", split.chiSquareText());
    }
    if (stats.failed() > 0) {
      facts.put("Failures", Verdict.failureSummary(stats));
    }
    page.facts(facts);
    page.instances(Charts.instanceNames(stats));
    List<HtmlReport.ShareBar> bars = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (WeightSplit.Group g : split.groups()) {
      bars.add(new HtmlReport.ShareBar(g.name(), null, g.share(),
        g.interval() == null ? null : g.interval().lower(), g.interval() == null ? null : g.interval().upper(),
        g.expectedShare(), String.format(Locale.ROOT, "%.1f%% (%d), expected %.1f%%: %s", g.share() * 100, g.count(),
          g.expectedShare() * 100, g.inside() == null ? "n/a" : g.inside() ? "inside" : "OUTSIDE"), g.inside()));
      rows.add(row(g));
    }
    for (WeightSplit.Group g : split.unmatched()) {
      bars.add(new HtmlReport.ShareBar(g.name() + " (no weight)", null, g.share(), null, null, 0.0,
        String.format(Locale.ROOT, "%.1f%% (%d), expected 0", g.share() * 100, g.count()), null));
      rows.add(row(g));
    }
    page.shareChart("Observed share per " + split.field() + " with its " + Fractions.percent(split.confidence())
      + " Wilson interval; ◇ the share --weights expects", bars, List.of());
    page.table(List.of(split.field(), "weight", "expected", "connections", "observed", "interval", "verdict",
      "instances"), rows);
    page.shareChart("Connections per instance", Charts.instanceShares(stats), List.of());
  }

  private static List<String> row(WeightSplit.Group g) {
    return List.of(g.name(), g.weight() == null ? "-" : Weights.weightText(g.weight()),
      g.expectedShare() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", g.expectedShare() * 100),
      Integer.toString(g.count()), String.format(Locale.ROOT, "%.1f%%", g.share() * 100),
      g.interval() == null ? "n/a" : g.interval().toString(),
      g.weight() == null ? "unmatched" : g.inside() ? "inside" : "outside",
      String.join(", ", g.instances().stream().map(i -> i.displayName() + " (" + i.count() + ")").toList()));
  }
}
