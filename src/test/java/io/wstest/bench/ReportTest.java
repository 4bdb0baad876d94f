package io.wstest.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table: a column per server, then a ratio column service/other per other server, in the report's order. */
class ReportTest {

  private static JsonObject run(String server, double msgsPerS) {
    return new JsonObject().put("server", server).put("figures", new JsonObject().put("msgs_per_s", msgsPerS));
  }

  @Test
  void oneRatioColumnPerOtherServer() {
    JsonObject service = run("service", 100.0);
    JsonObject go = run("go", 200.0);
    JsonObject node = run("node", 400.0);
    JsonObject report = new JsonObject().put("scenario", "echo").put("settings", new JsonObject())
      .put("runs", new JsonArray(List.of(service, go, node)))
      .put("ratios", new JsonObject()
        .put("go", Report.ratios(service.getJsonObject("figures"), go.getJsonObject("figures")))
        .put("node", Report.ratios(service.getJsonObject("figures"), node.getJsonObject("figures"))));
    String[] lines = Report.table(report).split("\n");
    assertEquals(List.of("figure", "service", "go", "node", "service/go", "service/node"),
      List.of(lines[1].trim().split("\\s+")));
    assertEquals(List.of("msgs_per_s", "100", "200", "400", "0.500", "0.250"), List.of(lines[3].trim().split("\\s+")));
  }

  @Test
  void mediansPerServerKeepCountsWhole() {
    JsonObject median = Report.median(List.of(run("go", 3.0), run("go", 1.0), run("go", 2.0)));
    assertEquals(2L, median.getJsonObject("figures").getValue("msgs_per_s"));
    assertEquals(3, median.getInteger("median_of"));
    assertTrue(median.getString("server").equals("go"));
  }
}
