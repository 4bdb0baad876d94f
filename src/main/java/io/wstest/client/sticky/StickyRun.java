package io.wstest.client.sticky;

import io.vertx.core.json.JsonArray;
import io.wstest.client.run.ConnectSettings;
import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.stats.LatencySummary;
import io.wstest.client.stats.SpreadStats;
import io.wstest.options.Fractions;

import java.util.List;

/**
 * One run of the sticky scenario (the replay run or the control run) and how sticky it was: the first connection
 * that succeeded sets the instance, and every later successful connection either returned to it or did not.
 *
 * @param first    the first successful connection, or null when none succeeded
 * @param returned later successful connections served by the first one's instance
 * @param compared later successful connections
 */
public record StickyRun(String name, ConnectionRunner.Run run, SpreadStats stats, ConnectionResult first,
                        int returned, int compared) {

  public static StickyRun of(String name, ConnectionRunner.Run run) {
    List<ConnectionResult> results = run.results();
    ConnectionResult first = results.stream().filter(ConnectionResult::ok).findFirst().orElse(null);
    int returned = 0;
    int compared = 0;
    for (ConnectionResult r : results) {
      if (first != null && r != first && r.ok()) {
        compared++;
        if (r.instanceId().equals(first.instanceId())) {
          returned++;
        }
      }
    }
    return new StickyRun(name, run, SpreadStats.of(results, null), first, returned, compared);
  }

  /** returned / compared, or null when fewer than two connections succeeded (nothing to compare). */
  public Double share() {
    return compared == 0 ? null : (double) returned / compared;
  }

  public boolean sticky(double minSticky) {
    return share() != null && share() >= minSticky;
  }

  /** True for a later successful connection on the first one's instance, false for one elsewhere, else null. */
  public Boolean returned(ConnectionResult r) {
    if (first == null || r == first || !r.ok()) {
      return null;
    }
    return r.instanceId().equals(first.instanceId());
  }

  /** The share as "19 of 19 (100%)", or why there is none. */
  public String shareText() {
    return share() == null ? "n/a (fewer than 2 connections succeeded)" : returned + " of " + compared + " ("
      + percentText() + ")";
  }

  /** The share as "28.6%" (one decimal at most). */
  public String percentText() {
    return share() == null ? "n/a" : Fractions.percent(Math.round(share() * 1000) / 1000.0);
  }

  public JsonObject toJson() {
    JsonArray connections = new JsonArray();
    run.results().forEach(r -> connections.add(connectionJson(r)));
    return new JsonObject()
      .put("attempted", run.results().size())
      .put("succeeded", stats.succeeded())
      .put("not_attempted", run.notAttempted())
      .put("first_instance", first == null ? null : StickyReport.instanceJson(first))
      .put("returned", returned)
      .put("compared", compared)
      .put("sticky_share", share() == null ? null : LatencySummary.round(share()))
      .put("stats", stats.toJson())
      .put("connections", connections);
  }

  /** A connection as spread reports it, plus what it sent and received for affinity, and whether it returned. */
  public JsonObject connectionJson(ConnectionResult r) {
    List<String> cookie = r.handshake().sent("Cookie");
    JsonArray otherHeaders = new JsonArray();
    r.handshake().sentHeaders().stream().filter(h -> !h.getKey().equalsIgnoreCase("Cookie"))
      .forEach(h -> otherHeaders.add(ConnectSettings.shownHeader(h.getKey(), h.getValue())));
    return r.toJson()
      .put("cookie_sent", cookie.isEmpty() ? null : String.join("; ", cookie))
      .put("headers_sent", otherHeaders)
      .put("set_cookie", new JsonArray(r.handshake().response("Set-Cookie")))
      .put("returned", returned(r));
  }
}
