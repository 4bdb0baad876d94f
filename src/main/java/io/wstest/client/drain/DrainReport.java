package io.wstest.client.drain;

import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Charts;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.ScenarioReport;
import io.wstest.client.report.Tallies;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.soak.SoakDisconnect;
import io.wstest.client.socket.HealthCheck;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one drain rehearsal found; its JSON fields are listed in docs/test-lb.md. */
public record DrainReport(Instant startedAt, long durationMs, DrainSettings settings, HealthCheck.Result health,
                          DrainRehearsalResult result, Verdict verdict) implements ScenarioReport {

  @Override
  public String scenario() {
    return "drain";
  }

  @Override
  public JsonObject settingsJson() {
    JsonObject json = settings.connect().toJson();
    settings.rehearsal().toJson().forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }

  @Override
  public JsonObject body() {
    return new JsonObject().put("health", health.toJson()).put("drain", result.toJson());
  }

  @Override
  public void html(HtmlReport page) {
    page.section("Drain rehearsal: " + settings.rehearsal().sockets() + " sockets, "
      + HtmlReport.number(settings.rehearsal().rate()) + " messages/s each");
    if (!result.attempted()) {
      page.paragraph("Skipped: " + result.skippedReason());
      return;
    }
    if (result.drainedDisplayName() != null) {
      page.instances(List.of(result.drainedDisplayName()));
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Drained replica", result.name() + (result.drainedInstance() == null ? ""
      : " (instance " + result.drainedInstance() + ")"));
    facts.put("Sockets it closed", result.drainClosed() + " (" + result.socketsOnDrained() + " of the soak's)");
    facts.put("Closes", result.closes1001() + " with 1001, " + result.closes1006() + " with 1006, "
      + result.otherCloses() + " otherwise");
    facts.put("Messages", result.sent() + " sent, " + result.lost() + " lost");
    facts.put("Time to reconnect", "p50 " + DrainRehearsalResult.ms(result.reconnectP50Ms()) + ", p99 "
      + DrainRehearsalResult.ms(result.reconnectP99Ms()) + " over " + result.reconnects() + " reconnects");
    facts.put("Reconnects on the draining replica", Integer.toString(result.reconnectsOnDrained()));
    if (!result.failedAttempts().isEmpty()) {
      facts.put("Failed connection attempts", Tallies.failures(result.failedAttempts()));
    }
    facts.put("Accepted back", (result.accepted() ? "yes" : "no") + " (" + result.acceptTries() + " tries)");
    if (!result.notes().isEmpty()) {
      facts.put("Notes", String.join("; ", result.notes()));
    }
    page.facts(facts);
    Map<String, Integer> closes = new LinkedHashMap<>();
    closes.put("1001", result.closes1001());
    closes.put("1006", result.closes1006());
    closes.put("other", result.otherCloses());
    page.barChart("Disconnects by close code", Charts.countBars(closes));
    List<Double> reconnect = new ArrayList<>();
    result.disconnects().forEach(d -> {
      if (d.reconnectMs() != null) {
        reconnect.add(d.reconnectMs().doubleValue());
      }
    });
    page.histogram("Time to reconnect (shutdown message or close → the replacement's welcome)", "ms", reconnect, 20);
    disconnectTable(page, result.disconnects());
  }

  private static void disconnectTable(HtmlReport page, List<SoakDisconnect> disconnects) {
    if (disconnects.isEmpty()) {
      return;
    }
    page.section("Disconnects");
    List<List<String>> rows = new ArrayList<>();
    for (SoakDisconnect d : disconnects) {
      rows.add(List.of(Integer.toString(d.socket()), d.instance().displayName(), d.close() == null ? "" : d.close(),
        Integer.toString(d.lost()), d.reconnectMs() == null ? "none" : d.reconnectMs() + " ms",
        d.reconnectInstance() == null ? "" : d.reconnectInstance().displayName(),
        Integer.toString(d.failedAttempts())));
    }
    page.table(List.of("socket", "instance", "close", "lost", "reconnect", "new instance", "failed attempts"), rows);
  }
}
