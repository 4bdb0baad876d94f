package io.wstest.client.audit;

import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.Verdict;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report card in the HTML report: one row per line, its status cell coloured, server text escaped. */
class CardHtmlTest {

  @Test
  void statusCellsAreColouredAndEveryCellEscaped() {
    HtmlReport page = new HtmlReport("test-lb audit", Instant.parse("2026-12-05T16:00:00Z"), 1000,
      new Verdict(Verdict.FAIL, "Audit failed", List.of("handshake: upgrade"), false));
    page.statusTable(List.of("check", "status", "measured", "fix"), List.of(
      List.of("handshake: upgrade", "fail", "HTTP 502 instead of 101, body: <script>alert(1)</script>",
        "nginx: proxy_http_version 1.1;"),
      List.of("idle-timeout: idle timeout", "warn", "≈3.0 s", "nginx: proxy_read_timeout 3600s;"),
      List.of("drain", "skipped", "turned off with --no-drain", "")), 1);
    String html = page.render();
    assertTrue(html.contains("<td class=\"status-fail\">fail</td>"), html);
    assertTrue(html.contains("<td class=\"status-warn\">warn</td>"), html);
    assertTrue(html.contains("<td class=\"status-skipped\">skipped</td>"), html);
    assertTrue(html.contains("td.status-fail {"), "its colour is in the page's own style");
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
    assertFalse(html.contains("<script>"), html);
  }
}
