package io.wstest.client.report;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {

  private static HtmlReport page(Verdict verdict) {
    return new HtmlReport("test-lb demo", Instant.parse("2026-12-01T10:00:00Z"), 1500, verdict);
  }

  @Test
  void serverAndUserTextIsEscapedEverywhere() {
    String hostile = "<script>alert('x')</script> & \"q\"";
    String html = page(new Verdict(1, hostile, List.of(hostile), false))
      .section(hostile)
      .paragraph(hostile)
      .facts(Map.of(hostile, hostile))
      .table(List.of(hostile), List.of(List.of(hostile)))
      .barChart(hostile, List.of(new HtmlReport.Bar(hostile, 3, hostile)))
      .histogram(hostile, hostile, List.of(1.0, 2.0), 4)
      .lineChart(hostile, hostile, hostile, List.of(new HtmlReport.Series(hostile, List.of(new HtmlReport.Point(0, 1)))),
        List.of(new HtmlReport.Marker(0, hostile, hostile)))
      .shareChart(hostile, List.of(new HtmlReport.ShareBar(hostile, hostile, 0.5, 0.4, 0.6, 0.5, hostile, null)),
        List.of(new HtmlReport.Threshold(hostile, 0.5)))
      .render();
    assertFalse(html.contains("<script"), html);
    assertFalse(html.contains("'x'"), "quotes escaped");
    assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
  }

  @Test
  void verdictIsShownWithItsExitCode() {
    assertTrue(page(new Verdict(0, "all good", List.of(), false)).render().contains("PASS (exit 0)"));
    String failed = page(new Verdict(1, "too sticky", List.of("only 50% returned"), false)).render();
    assertTrue(failed.contains("FAIL (exit 1)") && failed.contains("only 50% returned"));
    assertTrue(failed.contains("class=\"verdict fail\""));
  }

  @Test
  void histogramCountsEveryValueOnce() {
    String html = page(new Verdict(0, "ok", List.of(), false))
      .histogram("reconnect time", "ms", List.of(1.0, 1.5, 2.0, 9.0, 10.0), 2).render();
    // 1.0, 1.5, 2.0 fall in [1, 5.5), 9.0 and 10.0 in [5.5, 10]
    assertTrue(html.contains("<title>3 between 1 and 5.50 ms</title>"), html);
    assertTrue(html.contains("<title>2 between 5.50 and 10 ms</title>"), html);
  }

  @Test
  void numbersAreShort() {
    assertEquals("3", HtmlReport.number(3.0));
    assertEquals("2.50", HtmlReport.number(2.5));
    assertEquals("12.3", HtmlReport.number(12.34));
    assertEquals("1235", HtmlReport.number(1234.6));
  }

  @Test
  void theHeaderShowsTheCommandTargetVersionAndTheStartToTheMillisecond() {
    String html = new HtmlReport("test-lb spread", Instant.parse("2026-12-01T10:00:00.120Z"), 1500,
      new Verdict(0, "ok", List.of(), false), "websocket-test-service test-lb -n 3", List.of("ws://lb:8080/ws"),
      "websocket-test-service 1.2.3").render();
    assertTrue(html.contains("<th>Command</th><td class=\"command\">websocket-test-service test-lb -n 3</td>"), html);
    assertTrue(html.contains("<th>Target</th><td>ws://lb:8080/ws</td>"), html);
    assertTrue(html.contains("<th>Version</th><td>websocket-test-service 1.2.3</td>"), html);
    assertTrue(html.contains("<th>Started</th><td>2026-12-01 10:00:00.120 UTC</td>"), html);
  }

  @Test
  void sharesAreDrawnOnTheWholeAxisNotScaledToTheLargest() {
    String html = page(new Verdict(0, "ok", List.of(), false)).shareChart("returned", List.of(
      new HtmlReport.ShareBar("replay", null, 0.316, null, null, null, "31.6%", true),
      new HtmlReport.ShareBar("control", null, 0.316, null, null, null, "31.6%", null)),
      List.of(new HtmlReport.Threshold("--min-sticky 30%", 0.3))).render();
    java.util.regex.Matcher axis = java.util.regex.Pattern.compile("class=\"axis\"[^>]* width=\"([0-9.]+)\"").matcher(html);
    assertTrue(axis.find(), html);
    double full = Double.parseDouble(axis.group(1));
    java.util.regex.Matcher bar = java.util.regex.Pattern.compile("class=\"share\"[^>]* width=\"([0-9.]+)\" [^>]*fill=\"([^\"]+)\"")
      .matcher(html);
    assertTrue(bar.find());
    assertEquals(0.316, Double.parseDouble(bar.group(1)) / full, 0.001);
    assertEquals("#3a9a4d", bar.group(2), "a pass is green");
    assertTrue(bar.find());
    assertFalse(bar.group(2).equals("#c4403a"), "a neutral bar is not red");
    assertTrue(html.contains("class=\"threshold\" data-share=\"0.300000\""), html);
  }

  @Test
  void anInstanceKeepsItsColourInEveryChartWhateverItsRank() {
    HtmlReport page = page(new Verdict(0, "ok", List.of(), false)).instances(List.of("pod-b", "pod-a"));
    String first = page.colourOf("pod-a");
    page.barChart("one", List.of(new HtmlReport.Bar("pod-b", 9, "9", "pod-b"), new HtmlReport.Bar("pod-a", 1, "1", "pod-a")));
    page.barChart("two", List.of(new HtmlReport.Bar("pod-a", 9, "9", "pod-a")));
    String html = page.render();
    assertEquals(first, page.colourOf("pod-a"));
    assertFalse(first.equals(page.colourOf("pod-b")));
    assertEquals(2, html.split("data-instance=\"pod-a\"[^>]*fill=\"" + first + "\"", -1).length - 1, html);
  }
}
