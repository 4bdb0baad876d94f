package io.wstest.client.spread;

import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.stats.SpreadStats;
import io.wstest.client.stats.Weights;

/** One endpoint's run and the statistics over it. */
public record EndpointReport(ConnectionRunner.Run run, SpreadStats stats) {

  public static EndpointReport of(ConnectionRunner.Run run, Weights weights) {
    return new EndpointReport(run, SpreadStats.of(run.results(), weights));
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("name", run.target().name())
      .put("url", run.target().url())
      .put("not_attempted", run.notAttempted())
      .put("peak_open_sockets", run.peakOpenSockets())
      .put("stats", stats.toJson());
  }
}
