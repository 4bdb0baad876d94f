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
      .lineChart(hostile, hostile, hostile, List.of(new HtmlReport.Series(hostile, List.of(new HtmlReport.Point(0, 1)))))
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
}
