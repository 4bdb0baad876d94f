package io.wstest.client.report;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A single self-contained HTML report: inline CSS and inline SVG charts, no script and nothing fetched, so it
 * opens from a CI artefact with no network. Every text that came from a server or a user (instance names, close
 * reasons, URLs) is escaped: the report shows it, never runs it.
 */
public final class HtmlReport {

  /**
   * One bar: its label, its length, the text printed after it (for example "12 (40.0%)"), and the instance it
   * stands for (its colour, the same in every chart of the report), or null.
   */
  public record Bar(String label, double value, String note, String instance) {
    public Bar(String label, double value, String note) {
      this(label, value, note, null);
    }
  }

  /**
   * One share (0..1) drawn on a 0-100 % axis. {@code low}/{@code high}: an interval drawn around it (or null);
   * {@code expected}: a marker at the expected share (or null); {@code passed}: true draws it green, false red,
   * null in its instance's colour.
   */
  public record ShareBar(String label, String instance, double share, Double low, Double high, Double expected,
                         String note, Boolean passed) {
  }

  /** A named share (0..1) drawn across a share chart, for example --min-sticky. */
  public record Threshold(String label, double share) {
  }

  /** A vertical line on a line chart at {@code x}, in the colour of {@code instance}. */
  public record Marker(double x, String label, String instance) {
  }

  /**
   * A shared value axis for bar charts that must compare across charts: its largest value, and the unit its ticks
   * are labelled in, {@code perUnit} values to one unit (1000 to label milliseconds in seconds).
   */
  public record Axis(double max, String unit, double perUnit) {
  }

  public record Point(double x, double y) {
  }

  /** A named line of a line chart. */
  public record Series(String name, List<Point> points) {
  }

  /** Instance colours: no red or green, which mean fail and pass; assigned by sorted instance name. */
  private static final String[] COLOURS = {
    "#2f6fb0", "#e07b24", "#8a5fb8", "#2aa3b5", "#7f6146", "#d16aa8", "#b4a72b", "#1b3f73", "#6f7a85", "#a35c00"};
  /** Bars that stand for no instance (close codes, failure kinds). */
  private static final String NEUTRAL = "#5b6770";
  private static final String PASS = "#3a9a4d";
  private static final String FAIL = "#c4403a";
  /** Dash patterns that keep overlapping lines of a line chart apart. */
  private static final String[] DASHES = {"", "8 4", "2 3", "10 3 2 3", "4 4", "1 5"};
  private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'",
    Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final int WIDTH = 760;
  /** The most room kept for the notes after bars (longer notes are 40 characters and more). */
  private static final int MAX_NOTE_WIDTH = 300;
  private static final int MAX_LABEL_WIDTH = 250;
  /** Charts on a shared axis: fixed room for labels and notes, so their plots have one width. */
  private static final int AXIS_LABEL_WIDTH = 220;
  private static final int AXIS_NOTE_WIDTH = 230;
  /** Room above a plot for the labels of its tallest column and the y unit. */
  private static final int TOP = 24;

  private final StringBuilder body = new StringBuilder();
  private final String title;
  /** Instance name → colour index, by sorted name (see {@link #instances}). */
  private final Map<String, Integer> colourIndex = new TreeMap<>();

  public HtmlReport(String title, Instant startedAt, long durationMs, Verdict verdict) {
    this(title, startedAt, durationMs, verdict, null, List.of(), null);
  }

  /**
   * The frame of the report: title, the run (command line as typed, with credential header values hidden; the
   * target; the tool version; when, to the millisecond; how long) and the verdict with its exit code.
   */
  public HtmlReport(String title, Instant startedAt, long durationMs, Verdict verdict, String commandLine,
                    List<String> targets, String version) {
    this.title = title;
    String state = verdict.passed() ? "pass" : verdict.exitCode() == Verdict.CANNOT_TEST ? "error" : "fail";
    body.append("<h1>").append(escape(title)).append("</h1>\n");
    Map<String, String> run = new LinkedHashMap<>();
    if (commandLine != null) {
      run.put("Command", commandLine);
    }
    if (!targets.isEmpty()) {
      run.put(targets.size() == 1 ? "Target" : "Targets", String.join("  ", targets));
    }
    if (version != null) {
      run.put("Version", version);
    }
    run.put("Started", timestamp(startedAt));
    run.put("Took", String.format(Locale.ROOT, "%.3f s", durationMs / 1000.0));
    body.append("<table class=\"facts run\">");
    run.forEach((name, value) -> body.append("<tr><th>").append(escape(name)).append("</th><td")
      .append(name.equals("Command") ? " class=\"command\"" : "").append('>').append(escape(value))
      .append("</td></tr>"));
    body.append("</table>\n")
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

  /** "2026-12-05 14:40:31.120 UTC": to the millisecond, always three digits. */
  public static String timestamp(Instant instant) {
    return MILLIS.format(instant);
  }

  /**
   * Names the report's instances, so each keeps one colour in every chart: colours go by sorted name. Names
   * first seen in a chart are added (and the colours of all reassigned by sorted name only before any chart).
   */
  public HtmlReport instances(Collection<String> names) {
    TreeSet<String> all = new TreeSet<>(colourIndex.keySet());
    names.stream().filter(n -> n != null).forEach(all::add);
    colourIndex.clear();
    for (String name : all) {
      colourIndex.put(name, colourIndex.size());
    }
    return this;
  }

  /** The colour of an instance in this report (assigned on first sight if it was not named up front). */
  public String colourOf(String instance) {
    if (instance == null) {
      return NEUTRAL;
    }
    Integer index = colourIndex.get(instance);
    if (index == null) {
      index = colourIndex.size();
      colourIndex.put(instance, index);
    }
    return COLOURS[index % COLOURS.length];
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

  /** A table whose cells stay on one line: a long value ends in an ellipsis, the whole of it in its tooltip. */
  public HtmlReport table(List<String> header, List<List<String>> rows) {
    body.append("<table class=\"data\"><tr>");
    header.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
    body.append("</tr>");
    for (List<String> row : rows) {
      body.append("<tr>");
      row.forEach(cell -> body.append("<td title=\"").append(escape(cell)).append("\"><div>").append(escape(cell))
        .append("</div></td>"));
      body.append("</tr>");
    }
    body.append("</table>\n");
    return this;
  }

  /**
   * A table like {@link #table} whose {@code statusColumn} holds pass, warn, fail or skipped, each cell coloured
   * for it (the audit's report card).
   */
  public HtmlReport statusTable(List<String> header, List<List<String>> rows, int statusColumn) {
    body.append("<table class=\"data status\"><tr>");
    header.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
    body.append("</tr>");
    for (List<String> row : rows) {
      body.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        body.append(i == statusColumn ? "<td class=\"status-" + escape(cell) + "\">" : "<td>").append(escape(cell))
          .append("</td>");
      }
      body.append("</tr>");
    }
    body.append("</table>\n");
    return this;
  }

  /** Horizontal bars, one per label, scaled to the largest value. */
  public HtmlReport barChart(String caption, List<Bar> bars) {
    return barChart(caption, bars, null);
  }

  /**
   * Horizontal bars, one per label, on {@code axis} (shared with other charts, drawn with ticks) or, when null,
   * scaled to the largest value. The notes after the bars always fit: room for the longest is kept.
   */
  public HtmlReport barChart(String caption, List<Bar> bars, Axis axis) {
    if (bars.isEmpty()) {
      return paragraph(caption + ": nothing to show");
    }
    int labelWidth = axis != null ? AXIS_LABEL_WIDTH : labelWidth(bars.stream().map(Bar::label).toList());
    int rowHeight = 26;
    int axisHeight = axis == null ? 0 : 22;
    int height = bars.size() * rowHeight + 10 + axisHeight;
    double max = axis != null ? axis.max() : bars.stream().mapToDouble(Bar::value).max().orElse(0);
    // charts on a shared axis keep the same plot width whatever their notes
    int noteWidth = axis != null ? AXIS_NOTE_WIDTH : noteWidth(bars.stream().map(Bar::note).toList());
    double plotWidth = WIDTH - labelWidth - noteWidth;
    double scale = max > 0 ? plotWidth / max : 0;
    StringBuilder svg = svgStart(caption, height);
    if (axis != null) {
      int bottom = 5 + bars.size() * rowHeight;
      for (int t = 0; t <= 4; t++) {
        double x = labelWidth + plotWidth * t / 4;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"5\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e3e3\"/>",
          x, x, bottom)).append(text(x, bottom + 15, "middle", number(max * t / 4 / axis.perUnit()) + " " + axis.unit()));
      }
    }
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      int y = 5 + i * rowHeight;
      double length = Math.max(bar.value() > 0 ? 1 : 0, Math.min(bar.value(), max) * scale);
      // labels on a time axis are mostly digits ("rung 3500ms …-7d8f9c6b5d-abc34"), wider than 7 px each: 28 of
      // them fit the widest label column
      svg.append(label(labelWidth - 8, y + 17, bar.label(), axis != null ? 28 : 34))
        .append(String.format(Locale.ROOT, "<rect class=\"bar%s\" data-instance=\"%s\" data-value=\"%s\" x=\"%d\" "
          + "y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>",
          axis == null ? "" : " on-axis", escape(bar.instance() == null ? "" : bar.instance()), bar.value(),
          labelWidth, y + 3, length,
          rowHeight - 8, colourOf(bar.instance()), escape(bar.label() + ": " + bar.note())))
        .append(text(labelWidth + length + 6, y + 17, "start", bar.note()));
    }
    return svgEnd(svg, caption);
  }

  /**
   * Shares on a 0-100 % axis (never scaled to the largest), with thresholds drawn across and, per bar, an
   * optional interval and expected-share marker.
   */
  public HtmlReport shareChart(String caption, List<ShareBar> bars, List<Threshold> thresholds) {
    if (bars.isEmpty()) {
      return paragraph(caption + ": nothing to show");
    }
    int labelWidth = labelWidth(bars.stream().map(ShareBar::label).toList());
    int rowHeight = 30;
    int top = thresholds.isEmpty() ? 8 : 22;
    int bottom = top + bars.size() * rowHeight;
    int height = bottom + 24;
    int noteWidth = noteWidth(bars.stream().map(ShareBar::note).toList());
    double plotWidth = WIDTH - labelWidth - noteWidth;
    StringBuilder svg = svgStart(caption, height);
    for (int t = 0; t <= 100; t += 25) {
      double x = labelWidth + plotWidth * t / 100;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e3e3\"/>",
        x, top, x, bottom)).append(text(x, bottom + 15, "middle", t + " %"));
    }
    svg.append(String.format(Locale.ROOT, "<rect class=\"axis\" data-from=\"0\" data-to=\"1\" x=\"%d\" y=\"%d\" "
      + "width=\"%.1f\" height=\"%d\" fill=\"none\" stroke=\"#bbb\"/>", labelWidth, top, plotWidth, bottom - top));
    for (int i = 0; i < bars.size(); i++) {
      ShareBar bar = bars.get(i);
      int y = top + i * rowHeight;
      double share = Math.max(0, Math.min(1, bar.share()));
      String fill = bar.passed() == null ? colourOf(bar.instance()) : bar.passed() ? PASS : FAIL;
      svg.append(label(labelWidth - 8, y + 19, bar.label(), 34))
        .append(String.format(Locale.ROOT, "<rect class=\"share\" data-label=\"%s\" data-instance=\"%s\" "
            + "data-share=\"%.6f\" x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>",
          escape(bar.label()), escape(bar.instance() == null ? "" : bar.instance()), share, labelWidth, y + 6,
          share * plotWidth, rowHeight - 12, fill, escape(bar.label() + ": " + bar.note())));
      if (bar.low() != null && bar.high() != null) {
        double x1 = labelWidth + Math.max(0, bar.low()) * plotWidth;
        double x2 = labelWidth + Math.min(1, bar.high()) * plotWidth;
        int mid = y + rowHeight / 2;
        svg.append(String.format(Locale.ROOT, "<g class=\"interval\" data-low=\"%.6f\" data-high=\"%.6f\" "
            + "stroke=\"#222\" stroke-width=\"1.5\"><line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"/>"
            + "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"/><line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"/>"
            + "<title>%s</title></g>",
          bar.low(), bar.high(), x1, mid, x2, mid, x1, mid - 6, x1, mid + 6, x2, mid - 6, x2, mid + 6,
          escape(String.format(Locale.ROOT, "interval %.1f%% to %.1f%%", bar.low() * 100, bar.high() * 100))));
      }
      if (bar.expected() != null) {
        double x = labelWidth + Math.max(0, Math.min(1, bar.expected())) * plotWidth;
        svg.append(String.format(Locale.ROOT, "<path class=\"expected\" data-share=\"%.6f\" d=\"M%.2f %d l5 -6 l-5 -6 "
            + "l-5 6 z\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"1.5\"><title>%s</title></path>",
          bar.expected(), x, y + rowHeight / 2 + 6,
          escape(String.format(Locale.ROOT, "expected %.1f%%", bar.expected() * 100))));
      }
      svg.append(text(labelWidth + plotWidth + 8, y + 19, "start", bar.note()));
    }
    for (Threshold t : thresholds) {
      double x = labelWidth + Math.max(0, Math.min(1, t.share())) * plotWidth;
      svg.append(String.format(Locale.ROOT, "<g class=\"threshold\" data-share=\"%.6f\"><line x1=\"%.2f\" y1=\"%d\" "
            + "x2=\"%.2f\" y2=\"%d\" stroke=\"#222\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>%s</g>",
          t.share(), x, top - 4, x, bottom, text(x, top - 8, "middle", t.label())));
    }
    return svgEnd(svg, caption);
  }

  /** Room for the longest note after a bar (about 7 px a character at 12 px), so no note runs off the chart. */
  private static int noteWidth(List<String> notes) {
    int longest = notes.stream().mapToInt(n -> n == null ? 0 : n.length()).max().orElse(0);
    return Math.min(MAX_NOTE_WIDTH, Math.max(60, longest * 7 + 12));
  }

  /** Room for the longest label before the bars (clipped labels take the most). */
  private static int labelWidth(List<String> labels) {
    int longest = labels.stream().mapToInt(n -> n == null ? 0 : Math.min(34, n.length())).max().orElse(0);
    return Math.min(MAX_LABEL_WIDTH, Math.max(40, longest * 7 + 12));
  }

  /** A right-aligned label, clipped with an ellipsis, its whole text in a tooltip. */
  private static String label(double x, double y, String content, int maxChars) {
    String full = content == null ? "" : content;
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\"><title>%s</title>%s</text>",
      x, y, escape(full), escape(clipMiddle(full, maxChars)));
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
        x + 1, TOP + plotHeight - h, Math.max(1, columnWidth - 2), h, NEUTRAL,
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
    return lineChart(caption, xUnit, yUnit, series, List.of());
  }

  /**
   * Lines over a shared x axis, each series in its instance's colour (series are named by instance) with its own
   * dash pattern so overlapping lines stay visible, and vertical markers (for example when a replica sent its
   * shutdown).
   */
  public HtmlReport lineChart(String caption, String xUnit, String yUnit, List<Series> series, List<Marker> markers) {
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
      String colour = colourOf(series.get(i).name());
      String dash = DASHES[i % DASHES.length];
      svg.append("<polyline class=\"series\" data-instance=\"").append(escape(series.get(i).name()))
        .append("\" fill=\"none\" stroke-width=\"").append(i == 0 ? "3" : "2").append("\" stroke-opacity=\"0.85\"")
        .append(dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"").append(" stroke=\"").append(colour)
        .append("\" points=\"").append(path).append("\"><title>").append(escape(series.get(i).name()))
        .append("</title></polyline>");
      int lx = left + (i % 3) * 230;
      int ly = TOP + plotHeight + 38 + (i / 3) * 20;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke-width=\"3\" "
          + "stroke=\"%s\"%s/>", lx, ly - 4, lx + 22, ly - 4, colour,
        dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\""))
        .append(text(lx + 26, ly, "start", clipMiddle(series.get(i).name(), 30)));
    }
    for (Marker m : markers) {
      double x = left + (Math.max(minX, Math.min(maxX, m.x())) - minX) / spanX * plotWidth;
      String colour = colourOf(m.instance());
      svg.append(String.format(Locale.ROOT, "<g class=\"marker\" data-instance=\"%s\" data-x=\"%.3f\"><line x1=\"%.1f\" "
          + "y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>"
          + "<path d=\"M%.1f %d l-5 -8 l10 0 z\" fill=\"%s\"/><title>%s</title></g>",
        escape(m.instance() == null ? "" : m.instance()), m.x(), x, TOP, x, TOP + plotHeight, colour, x, TOP, colour,
        escape(m.label())));
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

  /**
   * Replicas' names differ at their end (pod name suffixes): a long one keeps its start and end around an
   * ellipsis.
   */
  static String clipMiddle(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int tail = (max - 1) * 3 / 5;
    return text.substring(0, max - 1 - tail) + "…" + text.substring(text.length() - tail);
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
    "table.facts td.command { font-family: ui-monospace, monospace; word-break: break-all; }",
    "table.data td > div { max-width: 15em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }",
    "table.status td { max-width: 28em; } table.status td:nth-child(-n+2) { white-space: nowrap; }",
    "td.status-pass { background: #e3f4e6; } td.status-warn { background: #fff4e0; }",
    "td.status-fail { background: #fdecea; } td.status-skipped { background: #f0f0f0; color: #555; }",
    "figure { margin: 1em 0; } figcaption { color: #555; font-size: 0.9em; }",
    "svg text { font-size: 12px; fill: #333; }",
    "pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.8em; }",
    "");
}
