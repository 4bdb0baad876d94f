package io.wstest.client.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.handshake.HandshakeReport;
import io.wstest.client.idle.IdleTimeoutReport;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.ScenarioReport;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.HealthCheck;
import io.wstest.client.spread.SpreadReport;
import io.wstest.client.sticky.StickyReport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code test-lb audit} found: the report card, the load balancer it recognised, how the budget was spent,
 * and each part's own report (the same JSON and HTML sections the scenario writes when run alone).
 */
public record AuditReport(Instant startedAt, long durationMs, AuditSettings settings, Budget budget,
                          HealthCheck.Result health, LbRecognition lb, List<CardLine> card, Verdict verdict,
                          Parts parts) implements ScenarioReport {

  /** Each part's own report; null for a part that did not run. */
  public static final class Parts {
    HandshakeReport handshake;
    SpreadReport spread;
    SpreadReport spreadHold;
    StickyReport sticky;
    IdleTimeoutReport idle;
    DrainOutcome drain;
    BalancerProbe.Answers probe;
  }

  @Override
  public String scenario() {
    return "audit";
  }

  @Override
  public JsonObject settingsJson() {
    return settings.toJson();
  }

  @Override
  public JsonObject body() {
    JsonArray lines = new JsonArray();
    card.forEach(l -> lines.add(l.toJson()));
    JsonObject counts = new JsonObject();
    for (CheckStatus status : CheckStatus.values()) {
      counts.put(status.label(), card.stream().filter(l -> l.status() == status).count());
    }
    JsonObject partsJson = new JsonObject()
      .put("handshake", part(parts.handshake))
      .put("spread", part(parts.spread))
      .put("spread_hold", part(parts.spreadHold))
      .put("sticky", part(parts.sticky))
      .put("idle_timeout", part(parts.idle))
      .put("drain", parts.drain == null ? null : parts.drain.toJson());
    return new JsonObject()
      .put("health", health == null ? null : health.toJson())
      .put("load_balancer", lb.toJson().put("answers", parts.probe == null ? null : parts.probe.toJson()))
      .put("budget", budget.toJson())
      .put("card", lines)
      .put("counts", counts)
      .put("parts", partsJson);
  }

  /** A part's report without the envelope it shares with the audit (tool, version). */
  private static JsonObject part(ScenarioReport report) {
    if (report == null) {
      return null;
    }
    JsonObject json = report.toJson();
    json.remove("tool");
    json.remove("version");
    return json;
  }

  /** The card's line for a check ("handshake", "upgrade"), or null. */
  public CardLine line(String part, String check) {
    return card.stream().filter(l -> l.part().equals(part) && l.check().equals(check)).findFirst().orElse(null);
  }

  @Override
  public void html(HtmlReport page) {
    page.section("Report card");
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Load balancer", lb.shown() + " (" + lb.because() + ")");
    facts.put("Budget", budget.describe());
    page.facts(facts);
    List<List<String>> rows = new ArrayList<>();
    card.forEach(l -> rows.add(List.of(l.name(), l.status().label(), l.measured(), l.fix())));
    page.statusTable(List.of("check", "status", "measured", "fix"), rows, 1);
    if (parts.handshake != null) {
      parts.handshake.html(page);
    }
    if (parts.spread != null) {
      page.section("Spread, one connection after another");
      parts.spread.html(page);
    }
    if (parts.spreadHold != null) {
      page.section("Spread, all sockets held open (--hold)");
      parts.spreadHold.html(page);
    }
    if (parts.sticky != null) {
      parts.sticky.html(page);
    }
    if (parts.idle != null) {
      page.section("Idle timeout: ladder of silent and pinging sockets");
      parts.idle.html(page);
    }
    if (parts.drain != null && parts.drain.attempted()) {
      page.section("Drain rehearsal");
      Map<String, String> drain = new LinkedHashMap<>();
      drain.put("Drained replica", String.valueOf(parts.drain.drainedInstance()));
      drain.put("Closes", "1001: " + parts.drain.closes1001() + ", 1006: " + parts.drain.closes1006() + ", other: "
        + parts.drain.otherCloses());
      drain.put("Messages", parts.drain.sent() + " sent, " + parts.drain.lost() + " lost");
      drain.put("Reconnect", parts.drain.reconnectP50Ms() == null ? "none measured"
        : "p50 " + HtmlReport.number(parts.drain.reconnectP50Ms()) + " ms, p99 "
        + HtmlReport.number(parts.drain.reconnectP99Ms()) + " ms");
      drain.put("Reconnects avoided the draining replica", parts.drain.reconnectsAvoidedDrainingReplica() ? "yes"
        : "no");
      drain.put("Accepting again", parts.drain.accepted() ? "yes" : "no");
      page.facts(drain);
      List<HtmlReport.Bar> closes = List.of(
        new HtmlReport.Bar("1001 going away", parts.drain.closes1001(), Integer.toString(parts.drain.closes1001())),
        new HtmlReport.Bar("1006 no close frame", parts.drain.closes1006(), Integer.toString(parts.drain.closes1006())),
        new HtmlReport.Bar("other", parts.drain.otherCloses(), Integer.toString(parts.drain.otherCloses())));
      page.barChart("How the soak sockets were closed during the drain", closes);
    }
  }
}
