package io.wstest.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The human table: one row per figure, one column per server, then one column per ratio service/other server. */
final class Report {

  private Report() {
  }

  /** One run whose every numeric figure is the median over {@code runs} (the single run itself if only one). */
  static JsonObject median(List<JsonObject> runs) {
    if (runs.size() == 1) {
      return runs.get(0);
    }
    JsonObject first = runs.get(0);
    JsonObject figures = new JsonObject();
    for (String key : first.getJsonObject("figures").fieldNames()) {
      List<Double> values = new ArrayList<>();
      for (JsonObject run : runs) {
        Object value = run.getJsonObject("figures").getValue(key);
        if (value instanceof Number n) {
          values.add(n.doubleValue());
        }
      }
      if (!values.isEmpty()) {
        values.sort(null);
        int n = values.size();
        double median = n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
        // counts stay integers in the report and the table
        figures.put(key, median == Math.rint(median) ? (Object) (long) median : (Object) round(median, 3));
      }
    }
    return first.copy().put("figures", figures).put("median_of", runs.size());
  }

  static JsonObject ratios(JsonObject service, JsonObject baseline) {
    JsonObject ratios = new JsonObject();
    for (String key : service.fieldNames()) {
      Object a = service.getValue(key);
      Object b = baseline.getValue(key);
      if (a instanceof Number x && b instanceof Number y && y.doubleValue() != 0) {
        ratios.put(key, round(x.doubleValue() / y.doubleValue(), 3));
      }
    }
    return ratios;
  }

  static String table(JsonObject report) {
    JsonArray runs = report.getJsonArray("runs");
    JsonObject ratios = report.getJsonObject("ratios", new JsonObject());
    Set<String> keys = new LinkedHashSet<>();
    List<String> headers = new ArrayList<>();
    headers.add("figure");
    for (int i = 0; i < runs.size(); i++) {
      keys.addAll(runs.getJsonObject(i).getJsonObject("figures").fieldNames());
      headers.add(runs.getJsonObject(i).getString("server"));
    }
    String first = runs.isEmpty() ? "" : runs.getJsonObject(0).getString("server");
    for (String other : ratios.fieldNames()) {
      headers.add(first + "/" + other);
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(headers);
    for (String key : keys) {
      List<String> row = new ArrayList<>();
      row.add(key);
      for (int i = 0; i < runs.size(); i++) {
        row.add(format(runs.getJsonObject(i).getJsonObject("figures").getValue(key)));
      }
      for (String other : ratios.fieldNames()) {
        row.add(format(ratios.getJsonObject(other).getValue(key)));
      }
      rows.add(row);
    }
    int[] widths = new int[headers.size()];
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("bench ").append(report.getString("scenario")).append(' ').append(report.getJsonObject("settings").encode())
      .append('\n');
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      for (int c = 0; c < row.size(); c++) {
        String cell = row.get(c);
        out.append(c == 0 ? String.format("%-" + widths[c] + "s", cell) : String.format("  %" + widths[c] + "s", cell));
      }
      out.append('\n');
      if (r == 0) {
        out.append("-".repeat(java.util.Arrays.stream(widths).sum() + 2 * (widths.length - 1))).append('\n');
      }
    }
    return out.toString();
  }

  private static String format(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.0f" : Math.abs(d) >= 10 ? "%.1f" : "%.3f", d);
    }
    return value.toString();
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
