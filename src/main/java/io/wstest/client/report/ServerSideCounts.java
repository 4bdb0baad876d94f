package io.wstest.client.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.ClusterView;
import io.wstest.wire.Fields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each replica says about itself ({@code GET /cluster}: its own open WebSockets) beside what the client
 * observed of it, so a replica that got none of the client's connections is listed too, not silently missing:
 * {@code replica-3: 0 of ours, 12 open server-side}. Built only when the cluster view answered; without
 * clustering the reports carry nothing of it.
 *
 * @param when   {@code end}, or for soak {@code start} and {@code end}: when the view was read
 * @param rows   every replica of the view, then every instance the client reached that the view did not list
 */
public record ServerSideCounts(String when, String url, List<Row> rows) {

  /**
   * @param serverOpen the replica's own count of open WebSockets as of its last heartbeat (everyone's, not only
   *                   ours); null for an instance the cluster view did not list
   * @param ours       the client's tally for that instance (what "ours" means is the scenario's: connections made)
   */
  public record Row(String instanceId, String displayName, String state, Integer serverOpen, int ours) {
    public JsonObject toJson() {
      return new JsonObject()
        .put(Fields.INSTANCE_ID, instanceId)
        .put(Fields.DISPLAY_NAME, displayName)
        .put(Fields.STATE, state)
        .put("server_open_sockets", serverOpen)
        .put("ours", ours)
        .put("in_cluster_view", serverOpen != null);
    }

    /** {@code replica-3: 0 of ours, 12 open server-side (ready)}. */
    public String line(String oursNoun) {
      return displayName + ": " + ours + " " + oursNoun + ", "
        + (serverOpen == null ? "not in the cluster view" : serverOpen + " open server-side"
        + (state == null || state.equals("ready") ? "" : " (" + state + ")"));
    }
  }

  /**
   * @param ours per instance id the client's tally, with the display name the client saw (id → name, count)
   * @return null when the view did not answer 200 (clustering off, Redis unreachable, no answer)
   */
  public static ServerSideCounts of(String when, ClusterView view, Map<String, Map.Entry<String, Integer>> ours) {
    if (view == null || !view.up()) {
      return null;
    }
    Map<String, Map.Entry<String, Integer>> left = new LinkedHashMap<>(ours);
    List<Row> rows = new ArrayList<>();
    for (ClusterView.Replica replica : view.replicas()) {
      Map.Entry<String, Integer> tally = left.remove(replica.instanceId());
      rows.add(new Row(replica.instanceId(), replica.displayName(), replica.state(), replica.openSockets(),
        tally == null ? 0 : tally.getValue()));
    }
    left.forEach((id, tally) -> rows.add(new Row(id, tally.getKey(), null, null, tally.getValue())));
    return new ServerSideCounts(when, view.url(), List.copyOf(rows));
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    rows.forEach(r -> list.add(r.toJson()));
    return new JsonObject().put("read_at", when).put("url", url).put("replicas", list);
  }

  /** Console lines under a heading, one per replica. */
  public void print(ConsoleReport console, String oursNoun) {
    console.detail("Server-side (GET /cluster at the " + when + "; counts as of each replica's last heartbeat):");
    rows.forEach(r -> console.detail("  " + r.line(oursNoun)));
  }

  /** An HTML table: replica, state, ours, open server-side. */
  public void html(HtmlReport page, String oursHeading) {
    List<List<String>> table = new ArrayList<>();
    for (Row r : rows) {
      table.add(List.of(r.displayName(), r.state() == null ? "-" : r.state(), Integer.toString(r.ours()),
        r.serverOpen() == null ? "not in the cluster view" : Integer.toString(r.serverOpen())));
    }
    page.paragraph("Server-side view (GET /cluster at the " + when + "); open sockets are each replica's own "
      + "count as of its last heartbeat, everyone's connections, not only this run's.");
    page.table(List.of("Replica", "State", oursHeading, "Open server-side"), table);
  }
}
