package io.wstest.client.report;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A single self-contained HTML report: inline CSS and inline SVG charts, no script and nothing fetched, so it
 * opens from a CI artefact with no network. Every text that came from a server or a user (instance names, close
 * reasons, URLs) is escaped: the report shows it, never runs it.
 */
public final class HtmlReport {

  /** One bar: its label, its length, and the text printed after it (for example "12 (40.0%)"). */
  public record Bar(String label, double value, String note) {
  }

  public record Point(double x, double y) {
  }

  /** A named line of a line chart. */
  public record Series(String name, List<Point> points) {
  }

  private static final String[] COLOURS = {
    "#2f6fb0", "#e07b24", "#3a9a4d", "#c4403a", "#8a5fb8", "#7f6146", "#d16aa8", "#6f7a85", "#b4a72b", "#2aa3b5"};
  private static final int WIDTH = 760;
  /** Room above a plot for the labels of its tallest column and the y unit. */
  private static final int TOP = 24;

  private final StringBuilder body = new StringBuilder();
  private final String title;

  public HtmlReport(String title, Instant startedAt, long durationMs, Verdict verdict) {
    this.title = title;
    String state = verdict.passed() ? "pass" : verdict.exitCode() == Verdict.CANNOT_TEST ? "error" : "fail";
    body.append("<h1>").append(escape(title)).append("</h1>\n")
      .append("<p class=\"meta\">started ").append(escape(startedAt.toString())).append(", took ")
      .append(String.format(Locale.ROOT, "%.1f s", durationMs / 1000.0)).append("</p>\n")
      .append("<div class=\"verdict ").append(state).append("\"><strong>")
      .append(verdict.passed() ? "PASS" : "FAIL").append(" (exit ").append(verdict.exitCode()).append(")</strong> ")
      .append(escape(verdict.headline()));
    if (!verdict.problems().isEmpty()) {
      body.append("<ul>");
      verdict.problems().forEach(p -> body.append("<li>").append(escape(p)).append("</li>"));
      body.append("</ul>");
    }
    body.append("</div>\n");
  }

  public HtmlReport section(String heading) {
    body.append("<h2>").append(escape(heading)).append("</h2>\n");
    return this;
  }

  public HtmlReport paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
    return this;
  }

  /** A two-column table of names and values, in the given order. */
  public HtmlReport facts(Map<String, String> facts) {
    body.append("<table class=\"facts\">");
    facts.forEach((name, value) -> body.append("<tr><th>").append(escape(name)).append("</th><td>")
      .append(escape(value)).append("</td></tr>"));
    body.append("</table>\n");
    return this;
  }

  public HtmlReport table(List<String> header, List<List<String>> rows) {
    body.append("<table><tr>");
    header.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
    body.append("</tr>");
    for (List<String> row : rows) {
      body.append("<tr>");
      row.forEach(cell -> body.append("<td>").append(escape(cell)).append("</td>"));
      body.append("</tr>");
    }
    body.append("</table>\n");
    return this;
  }

  /** Horizontal bars, one per label, scaled to the largest value. */
  public HtmlReport barChart(String caption, List<Bar> bars) {
    if (bars.isEmpty()) {
      return paragraph(caption + ": nothing to show");
    }
    int labelWidth = 250;
    int rowHeight = 26;
    int height = bars.size() * rowHeight + 10;
    double max = bars.stream().mapToDouble(Bar::value).max().orElse(0);
    double scale = max > 0 ? (WIDTH - labelWidth - 150) / max : 0;
    StringBuilder svg = svgStart(caption, height);
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      int y = 5 + i * rowHeight;
      double length = Math.max(bar.value() > 0 ? 1 : 0, bar.value() * scale);
      svg.append(text(labelWidth - 8, y + 17, "end", clip(bar.label(), 38)))
        .append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
          labelWidth, y + 3, length, rowHeight - 8, colour(i)))
        .append(text(labelWidth + length + 6, y + 17, "start", bar.note()));
    }
    return svgEnd(svg, caption);
  }

  /**
   * Vertical columns counting how many values fall into each of {@code bins} equal ranges between the smallest
   * and largest value.
   */
  public HtmlReport histogram(String caption, String unit, List<Double> values, int bins) {
    if (values.isEmpty()) {
      return paragraph(caption + ": no values");
    }
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    int n = max > min ? bins : 1;
    double width = max > min ? (max - min) / n : 1;
    int[] counts = new int[n];
    for (double v : values) {
      counts[Math.min(n - 1, (int) ((v - min) / width))]++;
    }
    int top = 0;
    for (int c : counts) {
      top = Math.max(top, c);
    }
    int left = 50;
    int plotHeight = 200;
    int height = TOP + plotHeight + 40;
    double columnWidth = (WIDTH - left - 20) / (double) n;
    StringBuilder svg = svgStart(caption, height);
    axes(svg, left, plotHeight, top, "count");
    for (int i = 0; i < n; i++) {
      double h = top == 0 ? 0 : counts[i] * (double) plotHeight / top;
      double x = left + i * columnWidth;
      svg.append(String.format(Locale.ROOT,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>",
        x + 1, TOP + plotHeight - h, Math.max(1, columnWidth - 2), h, colour(0),
        escape(counts[i] + " between " + number(min + i * width) + " and " + number(min + (i + 1) * width) + " " + unit)));
      if (counts[i] > 0) {
        svg.append(text(x + columnWidth / 2, TOP + plotHeight - h - 3, "middle", Integer.toString(counts[i])));
      }
    }
    svg.append(text(left, TOP + plotHeight + 18, "start", number(min) + " " + unit))
      .append(text(WIDTH - 20, TOP + plotHeight + 18, "end", number(max) + " " + unit));
    return svgEnd(svg, caption);
  }

  /** Lines over a shared x axis (for example instances' open connections over seconds), with a legend. */
  public HtmlReport lineChart(String caption, String xUnit, String yUnit, List<Series> series) {
    List<Point> all = new ArrayList<>();
    series.forEach(s -> all.addAll(s.points()));
    if (all.isEmpty()) {
      return paragraph(caption + ": no data");
    }
    double maxX = all.stream().mapToDouble(Point::x).max().orElseThrow();
    double minX = all.stream().mapToDouble(Point::x).min().orElseThrow();
    double maxY = Math.max(1, all.stream().mapToDouble(Point::y).max().orElseThrow());
    int left = 50;
    int plotHeight = 220;
    int legendRows = (series.size() + 2) / 3;
    int height = TOP + plotHeight + 40 + legendRows * 20;
    double spanX = maxX > minX ? maxX - minX : 1;
    double plotWidth = WIDTH - left - 20;
    StringBuilder svg = svgStart(caption, height);
    axes(svg, left, plotHeight, maxY, yUnit);
    for (int i = 0; i < series.size(); i++) {
      StringBuilder path = new StringBuilder();
      for (Point p : series.get(i).points()) {
        path.append(path.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f",
          left + (p.x() - minX) / spanX * plotWidth, TOP + plotHeight - p.y() / maxY * plotHeight));
      }
      svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour(i)).append("\" points=\"")
        .append(path).append("\"/>");
      int lx = left + (i % 3) * 230;
      int ly = TOP + plotHeight + 38 + (i / 3) * 20;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>",
        lx, ly - 10, colour(i))).append(text(lx + 16, ly, "start", clip(series.get(i).name(), 32)));
    }
    svg.append(text(left, TOP + plotHeight + 18, "start", number(minX) + " " + xUnit))
      .append(text(WIDTH - 20, TOP + plotHeight + 18, "end", number(maxX) + " " + xUnit));
    return svgEnd(svg, caption);
  }

  /** The JSON report, folded away at the end of the page. */
  public void json(String heading, JsonObject json) {
    body.append("<details><summary>").append(escape(heading)).append("</summary><pre>")
      .append(escape(json.encodePrettily())).append("</pre></details>\n");
  }

  public String render() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      + "<title>" + escape(title) + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n" + body
      + "<p class=\"meta\">websocket-test-service test-lb</p>\n</body>\n</html>\n";
  }

  private static StringBuilder svgStart(String caption, int height) {
    return new StringBuilder("<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"")
      .append(WIDTH).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
      .append(height).append("\"><title>").append(escape(caption)).append("</title>");
  }

  private HtmlReport svgEnd(StringBuilder svg, String caption) {
    body.append(svg).append("</svg><figcaption>").append(escape(caption)).append("</figcaption></figure>\n");
    return this;
  }

  /** The y axis with its top value, and the x axis line. */
  private static void axes(StringBuilder svg, int left, int plotHeight, double top, String yUnit) {
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>",
        left, TOP, left, TOP + plotHeight, left, TOP + plotHeight, WIDTH - 20, TOP + plotHeight))
      .append(text(left - 4, TOP + 8, "end", number(top)))
      .append(text(left - 4, TOP + plotHeight, "end", "0"))
      .append(text(left - 4, TOP - 10, "end", yUnit));
  }

  private static String text(double x, double y, String anchor, String content) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
      escape(content));
  }

  private static String colour(int i) {
    return COLOURS[i % COLOURS.length];
  }

  private static String clip(String text, int max) {
    String value = text == null ? "" : text;
    return value.length() <= max ? value : value.substring(0, max - 1) + "…";
  }

  public static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.0f" : Math.abs(value) >= 10 ? "%.1f" : "%.2f", value);
  }

  /** HTML-escapes text for element content and attribute values. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final String CSS = String.join("\n",
    "body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 900px; color: #222; }",
    "h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }",
    ".meta { color: #666; font-size: 0.9em; }",
    ".verdict { padding: 0.8em 1em; border-radius: 6px; margin: 1em 0; }",
    ".verdict.pass { background: #e3f4e6; border: 1px solid #3a9a4d; }",
    ".verdict.fail { background: #fdecea; border: 1px solid #c4403a; }",
    ".verdict.error { background: #fff4e0; border: 1px solid #e07b24; }",
    "table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }",
    "th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }",
    "table.facts th { background: #f6f6f6; font-weight: 600; }",
    "figure { margin: 1em 0; } figcaption { color: #555; font-size: 0.9em; }",
    "svg text { font-size: 12px; fill: #333; }",
    "pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.8em; }",
    "");
}
