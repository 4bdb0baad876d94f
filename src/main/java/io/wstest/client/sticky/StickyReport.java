package io.wstest.client.sticky;

import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Charts;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.ScenarioReport;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.HealthCheck;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.LatencySummary;
import io.wstest.options.Fractions;
import io.wstest.wire.Fields;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one sticky run found; its JSON fields are listed in docs/test-lb.md. */
public record StickyReport(Instant startedAt, long durationMs, StickySettings settings, HealthCheck.Result health,
                           StickyRun replay, StickyRun control, Affinity affinity, Verdict verdict)
  implements ScenarioReport {

  /** Connections listed one by one in the HTML report; all of them are in its JSON. */
  public static final int HTML_CONNECTION_ROWS = 200;

  @Override
  public String scenario() {
    return "sticky";
  }

  @Override
  public JsonObject settingsJson() {
    return settings.toJson();
  }

  @Override
  public JsonObject body() {
    WsTarget target = settings.target();
    return new JsonObject()
      .put("health", health == null ? null : health.toJson())
      .put("endpoint", new JsonObject().put("name", target.name()).put("url", target.url()))
      .put("sticky_share", replay.share() == null ? null : LatencySummary.round(replay.share()))
      .put("min_sticky", settings.minSticky())
      .put("first_instance", replay.first() == null ? null : instanceJson(replay.first()))
      .put("affinity", affinity.toJson())
      .put("replay", replay.toJson())
      .put("control", control == null ? null : control.toJson());
  }

  public static JsonObject instanceJson(ConnectionResult r) {
    return new JsonObject().put(Fields.INSTANCE_ID, r.instanceId()).put(Fields.DISPLAY_NAME, r.displayName())
      .put(Fields.POD_NAME, r.identity().getString(Fields.POD_NAME));
  }

  @Override
  public void html(HtmlReport page) {
    page.section("Stickiness: " + settings.target().url());
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Returned to the first instance (replay run)", replay.shareText());
    facts.put("First instance", replay.first() == null ? "none" : replay.first().displayName());
    facts.put("--min-sticky", Fractions.percent(settings.minSticky()));
    facts.put("Control run (no cookies, no --header values)", control == null ? "not run (--no-control)"
      : control.shareText());
    facts.put("Affinity", affinity.summary());
    facts.put("Why", affinity.explanation());
    facts.put("Cookies set by the load balancer", affinity.cookiesSet().isEmpty() ? "none"
      : String.join(" | ", affinity.cookiesSet().stream().map(c -> "connection " + c.setBy() + ": Set-Cookie: "
        + c.setCookie()).toList()));
    facts.put("Cookies sent back", affinity.cookiesReplayed().isEmpty() ? "none"
      : String.join(", ", affinity.cookiesReplayed()));
    facts.put("Other --header values sent", affinity.headersReplayed().isEmpty() ? "none"
      : String.join(", ", affinity.headersReplayed()));
    page.facts(facts);
    page.instances(Charts.instanceNames(replay.stats()));
    if (control != null) {
      page.instances(Charts.instanceNames(control.stats()));
    }
    List<HtmlReport.ShareBar> shares = new ArrayList<>();
    shares.add(shareBar("Replay run", replay, replay.share() == null ? Boolean.FALSE
      : replay.share() >= settings.minSticky()));
    if (control != null) {
      shares.add(shareBar("Control run", control, null));
    }
    page.shareChart("Share of connections that returned to the first instance", shares,
      List.of(new HtmlReport.Threshold("--min-sticky " + Fractions.percent(settings.minSticky()),
        settings.minSticky())));
    page.shareChart("Replay run: connections per instance", Charts.instanceShares(replay.stats()), List.of());
    if (control != null) {
      page.shareChart("Control run (no cookies, no --header values): connections per instance",
        Charts.instanceShares(control.stats()), List.of());
    }
    page.section("Replay run, connection by connection");
    List<List<String>> rows = new ArrayList<>();
    for (ConnectionResult r : replay.run().results()) {
      if (rows.size() == HTML_CONNECTION_ROWS) {
        break;
      }
      Boolean returned = replay.returned(r);
      rows.add(List.of(Integer.toString(r.index()),
        r.ok() ? r.displayName() : "failed: " + r.failure().detail(),
        String.join("; ", r.handshake().sent("Cookie")),
        String.join(" | ", r.handshake().response("Set-Cookie")),
        r == replay.first() ? "first" : returned == null ? "" : returned ? "yes" : "no"));
    }
    page.table(List.of("#", "instance", "Cookie sent", "Set-Cookie received", "returned"), rows);
    if (replay.run().results().size() > HTML_CONNECTION_ROWS) {
      page.paragraph("The first " + HTML_CONNECTION_ROWS + " connections; all of them are in the JSON report.");
    }
  }

  /** @param passed green or red against --min-sticky; null (the control run) for a neutral bar */
  private static HtmlReport.ShareBar shareBar(String name, StickyRun run, Boolean passed) {
    return new HtmlReport.ShareBar(name, null, run.share() == null ? 0 : run.share(), null, null, null,
      run.shareText(), passed);
  }
}
