package io.wstest.client.soak;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Charts;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.ScenarioReport;
import io.wstest.client.report.ServerSideCounts;
import io.wstest.client.report.Tallies;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.soak.ClusterBroadcasts;
import io.wstest.client.run.soak.SoakDisconnect;
import io.wstest.client.run.soak.SoakOutcome;
import io.wstest.client.run.soak.SoakSettings;
import io.wstest.client.socket.HealthCheck;
import io.wstest.client.socket.WsTarget;
import io.wstest.options.Durations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Everything one soak found; its JSON fields are listed in docs/test-lb.md. {@code serverSideStart} and
 * {@code serverSideEnd} are null unless the service's cluster view answered; {@code clusterBroadcasts} is null
 * unless the soak sent cluster broadcasts.
 */
public record SoakReport(Instant startedAt, long durationMs, SoakSettings settings, HealthCheck.Result health,
                         SoakSummary summary, Verdict verdict, ServerSideCounts serverSideStart,
                         ServerSideCounts serverSideEnd, ClusterBroadcasts.Counts clusterBroadcasts)
  implements ScenarioReport {

  /** Disconnects listed one by one in the HTML report (all of them are in the JSON report). */
  public static final int HTML_DISCONNECT_ROWS = 300;

  @Override
  public String scenario() {
    return "soak";
  }

  @Override
  public JsonObject settingsJson() {
    return settings.toJson();
  }

  @Override
  public JsonObject body() {
    JsonArray disconnects = new JsonArray();
    summary.outcome().disconnects().forEach(d -> disconnects.add(d.toJson()));
    JsonArray timeline = new JsonArray();
    summary.outcome().timeline().forEach(t -> timeline.add(t.toJson()));
    JsonObject body = new JsonObject().put("health", health.toJson()).put("summary", summary.toJson());
    if (clusterBroadcasts != null) {
      body.put("cluster_broadcasts", clusterBroadcasts.toJson());
    }
    if (serverSideStart != null || serverSideEnd != null) {
      body.put("server_side", new JsonObject()
        .put("start", serverSideStart == null ? null : serverSideStart.toJson())
        .put("end", serverSideEnd == null ? null : serverSideEnd.toJson()));
    }
    return body.put("disconnects", disconnects).put("timeline", timeline);
  }

  @Override
  public void html(HtmlReport page) {
    page.instances(timelineSeries(summary.outcome()).stream().map(HtmlReport.Series::name).toList());
    page.instances(summary.before().stream().map(b -> b.instance().displayName()).toList());
    page.instances(summary.after().stream().map(b -> b.instance().displayName()).toList());
    page.section("Soak: " + settings.sockets() + " sockets, " + HtmlReport.number(settings.rate())
      + " messages/s each, " + Durations.format(settings.duration()));
    SoakOutcome o = summary.outcome();
    SoakOutcome.MessageCounts m = o.messages();
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Endpoints", String.join(", ", settings.connect().targets().stream().map(WsTarget::url).toList()));
    facts.put("Messages", m.sent() + " sent, " + m.acknowledged() + " answered, " + m.lost() + " lost ("
      + m.lostAtClose() + " on sockets that closed, " + m.unansweredAtEnd() + " unanswered at the end)");
    facts.put("Not sent (socket not connected)", Long.toString(m.notSent()));
    facts.put("Server seq", o.seqGaps() + " skipped, " + o.seqOutOfOrder() + " out of order");
    facts.put("Disconnects", summary.disconnects() + (summary.closes().isEmpty() ? "" : " (" + summary.closesText()
      + ")"));
    facts.put("Abnormal closes", Integer.toString(summary.abnormalCloses()));
    facts.put("Time to reconnect", summary.reconnectMs().toString());
    facts.put("Reconnects on a draining instance", Integer.toString(summary.reconnectsOnDraining()));
    facts.put("Unrecovered sockets", Integer.toString(summary.unrecovered()));
    if (!o.connectFailures().isEmpty()) {
      facts.put("Failed connection attempts", Tallies.failures(o.connectFailures()));
    }
    if (clusterBroadcasts != null) {
      facts.put("Cluster broadcasts", clusterBroadcasts.line().substring("Cluster broadcasts: ".length()));
    }
    page.facts(facts);
    if (serverSideStart != null) {
      serverSideStart.html(page, "Our sockets");
    }
    if (serverSideEnd != null) {
      serverSideEnd.html(page, "Our sockets at the end");
    }
    page.barChart("Disconnects by close code", Charts.countBars(summary.closes()));
    List<Double> reconnect = new ArrayList<>();
    o.disconnects().forEach(d -> {
      if (d.reconnectMs() != null) {
        reconnect.add(d.reconnectMs().doubleValue());
      }
    });
    page.histogram("Time to reconnect (shutdown message or close → the replacement's welcome)", "ms", reconnect, 20);
    page.lineChart("Open sockets per instance, sampled every second; ▼ when a replica sent its shutdown", "s",
      "sockets", timelineSeries(o), shutdownMarkers(o));
    page.shareChart("Instances before (each socket's first connection)", shareBars(summary.before(), o.sockets()),
      List.of());
    page.shareChart("Instances after (when the soak ended)", shareBars(summary.after(), o.sockets()), List.of());
    disconnectTable(page, o.disconnects());
  }

  public static List<HtmlReport.Series> timelineSeries(SoakOutcome outcome) {
    TreeSet<String> instances = new TreeSet<>();
    outcome.timeline().forEach(t -> instances.addAll(t.openByInstance().keySet()));
    List<HtmlReport.Series> series = new ArrayList<>();
    for (String instance : instances) {
      List<HtmlReport.Point> points = outcome.timeline().stream()
        .map(t -> new HtmlReport.Point(t.seconds(), t.openByInstance().getOrDefault(instance, 0))).toList();
      series.add(new HtmlReport.Series(instance, points));
    }
    return series;
  }

  /** The first shutdown message from each replica, at the time the client got it. */
  public static List<HtmlReport.Marker> shutdownMarkers(SoakOutcome outcome) {
    Map<String, Long> first = new LinkedHashMap<>();
    outcome.disconnects().forEach(d -> {
      if (d.shutdownAtMs() != null) {
        first.merge(d.instance().displayName(), d.shutdownAtMs(), Math::min);
      }
    });
    return first.entrySet().stream().map(e -> new HtmlReport.Marker(e.getValue() / 1000.0,
      e.getKey() + " sent shutdown at " + ms(e.getValue()), e.getKey())).toList();
  }

  private static List<HtmlReport.ShareBar> shareBars(List<SoakSummary.InstanceShare> shares, int sockets) {
    return shares.stream().map(s -> new HtmlReport.ShareBar(s.instance().displayName(), s.instance().displayName(),
      sockets == 0 ? 0 : (double) s.sockets() / sockets, null, null, null,
      s.sockets() + String.format(Locale.ROOT, " (%.1f%%)", sockets == 0 ? 0 : 100.0 * s.sockets() / sockets), null))
      .toList();
  }

  private static void disconnectTable(HtmlReport page, List<SoakDisconnect> disconnects) {
    if (disconnects.isEmpty()) {
      return;
    }
    page.section("Disconnects" + (disconnects.size() > HTML_DISCONNECT_ROWS
      ? " (the first " + HTML_DISCONNECT_ROWS + " of " + disconnects.size() + "; all are in the JSON report)" : ""));
    List<List<String>> rows = new ArrayList<>();
    for (SoakDisconnect d : disconnects.subList(0, Math.min(HTML_DISCONNECT_ROWS, disconnects.size()))) {
      rows.add(List.of(Integer.toString(d.socket()), d.instance().displayName(), ms(d.shutdownAtMs()),
        ms(d.closedAtMs()), d.close() == null ? "" : d.close(), d.abnormal() ? "yes" : "", Integer.toString(d.lost()),
        d.reconnectMs() == null ? "none" : d.reconnectMs() + " ms",
        d.reconnectInstance() == null ? "" : d.reconnectInstance().displayName(),
        String.join(", ", d.drainingEvidence())));
    }
    page.table(List.of("socket", "instance", "shutdown at", "closed at", "close", "abnormal", "lost", "reconnect",
      "new instance", "new one draining"), rows);
  }

  private static String ms(Long millis) {
    return millis == null ? "" : String.format(Locale.ROOT, "%.3f s", millis / 1000.0);
  }
}
