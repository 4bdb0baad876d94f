package io.wstest.client.idle;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Charts;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.ScenarioReport;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.HealthCheck;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one idle-timeout run found; its JSON fields are listed in docs/test-lb.md. */
public record IdleTimeoutReport(Instant startedAt, long durationMs, IdleTimeoutSettings settings,
                                HealthCheck.Result health, List<IdleResult> sockets, IdleTimeoutSummary summary,
                                Verdict verdict) implements ScenarioReport {

  @Override
  public String scenario() {
    return "idle-timeout";
  }

  @Override
  public JsonObject settingsJson() {
    return settings.toJson();
  }

  @Override
  public JsonObject body() {
    JsonArray list = new JsonArray();
    sockets.forEach(s -> list.add(s.toJson()));
    return new JsonObject()
      .put("health", health == null ? null : health.toJson())
      .put("summary", summary.toJson())
      .put("sockets", list);
  }

  @Override
  public void html(HtmlReport page) {
    page.section(settings.target().url());
    page.instances(sockets.stream().filter(r -> r.welcome() != null).map(IdleResult::displayName).toList());
    // one time axis for every chart of the report, so bars compare across keepalive modes
    double longest = sockets.stream().mapToDouble(r -> Math.max(r.idleLimitMs(), Math.max(
      r.closedAfterMs() == null ? 0 : r.closedAfterMs(), r.idleMs() == null ? 0 : r.idleMs()))).max().orElse(0);
    HtmlReport.Axis time = new HtmlReport.Axis(Math.max(1, longest), "s", 1000);
    List<HtmlReport.Bar> perMode = new ArrayList<>();
    Map<String, Integer> closes = new LinkedHashMap<>();
    for (IdleTimeoutSummary.ModeSummary m : summary.modes()) {
      perMode.add(modeBar(m));
      m.results().stream().filter(r -> r.closeCode() != null).forEach(r -> closes.merge(r.closeDescription(), 1,
        Integer::sum));
    }
    page.barChart("Per keepalive mode: median cut time, or how long the sockets survived", perMode, time);
    page.barChart("How the cut sockets were closed", Charts.countBars(closes));
    for (IdleTimeoutSummary.ModeSummary m : summary.modes()) {
      page.section("Keepalive " + m.keepalive().label() + ": " + m.description());
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("Finding", m.finding());
      facts.put("Sockets", m.results().size() + " (" + m.survived() + " survived, " + m.cut() + " cut, "
        + m.dropped() + " dropped, " + m.failed() + " failed)");
      if (m.cutMs().count() > 0) {
        facts.put("Cut after", m.cutMs().toString());
      }
      page.facts(facts);
      page.barChart(settings.ladderMode() ? "Each rung: how long it stayed idle"
        : "Each socket: when it was cut, or how long it survived", m.results().stream()
        .map(IdleTimeoutReport::socketBar).toList(), time);
    }
  }

  private static HtmlReport.Bar modeBar(IdleTimeoutSummary.ModeSummary m) {
    if (m.cutMs().count() > 0) {
      return new HtmlReport.Bar(m.keepalive().label(), m.cutMs().medianMs(),
        "median cut " + HtmlReport.number(m.cutMs().medianMs()) + " ms");
    }
    long longest = m.results().stream().filter(r -> r.outcome() == IdleResult.Outcome.SURVIVED)
      .mapToLong(IdleResult::idleLimitMs).max().orElse(0);
    return new HtmlReport.Bar(m.keepalive().label(), longest, longest > 0 ? "survived " + longest + " ms"
      : m.finding());
  }

  /** One socket's bar, in the colour of the instance it reached. */
  private static HtmlReport.Bar socketBar(IdleResult r) {
    String label = r.name() + (r.welcome() == null ? "" : " " + r.displayName());
    String instance = r.welcome() == null ? null : r.displayName();
    return switch (r.outcome()) {
      case CUT -> new HtmlReport.Bar(label, r.closedAfterMs(), "cut after " + r.closedAfterMs() + " ms ("
        + r.closeCode() + (r.closeKind() == IdleResult.CloseKind.RESET ? " reset" : "") + ")", instance);
      case SURVIVED -> new HtmlReport.Bar(label, r.idleMs(), "survived " + r.idleMs() + " ms", instance);
      case FAILED -> new HtmlReport.Bar(label, 0, "failed: " + r.failure().kind().label(), instance);
      default -> new HtmlReport.Bar(label, r.idleMs() == null ? 0 : r.idleMs(), IdleTimeoutSummary.whatHappened(r),
        instance);
    };
  }
}
