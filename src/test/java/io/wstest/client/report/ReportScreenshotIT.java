package io.wstest.client.report;

import io.vertx.core.json.JsonObject;
import io.wstest.Main;
import io.wstest.testsupport.Backend;
import io.wstest.testsupport.HeadlessChromium;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.NginxProcess;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every scenario's HTML report from a real run (three service processes from the fat jar behind real nginx, round
 * robin, proxy_read_timeout 3s), opened in real headless Chromium: what the page shows is read back from the DOM
 * (bar widths against the 0-100 % axis, thresholds, Wilson intervals, one colour per instance in every chart,
 * table rows on one line, notes inside the charts) and a screenshot of each is saved as
 * target/screenshots/report-SCENARIO.png (the docs/ images are copied from there).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReportScreenshotIT {

  /** One long pod name, as Kubernetes Deployments make them, to show that table rows stay on one line. */
  private static final List<String> PODS = List.of("websocket-test-service-deployment-7d8f9c6b5d-xyz12",
    "websocket-test-service-deployment-7d8f9c6b5d-abc34", "ws-canary-0");
  private static final List<String> VERSIONS = List.of("v1", "v1", "v2");
  private static final String FAIL_RED = "#c4403a";

  private static final List<ServiceProcess> services = new ArrayList<>();
  private static LoadBalancerProcess nginx;
  private static HeadlessChromium chromium;

  @TempDir
  static Path reports;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(HeadlessChromium.available(), HeadlessChromium.INSTALL_HINT);
    Assumptions.assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    List<ServiceProcess.Builder> replicas = new ArrayList<>();
    for (int i = 0; i < PODS.size(); i++) {
      replicas.add(ServiceProcess.builder().podName(PODS.get(i)).env("SERVICE_VERSION", VERSIONS.get(i))
        .env("PING_INTERVAL", "1s").env("DRAIN_DELAY", "1500ms").env("SHUTDOWN_GRACE", "1s"));
    }
    services.addAll(ServiceProcess.startAll(replicas));
    nginx = NginxProcess.start(Backend.numbered(services), NginxProcess.ROUND_ROBIN, "3s");
    chromium = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (nginx != null) {
      nginx.close();
    }
    services.forEach(ServiceProcess::close);
  }

  /** Runs test-lb in this JVM with --json and --html, opens the HTML report in Chromium; returns the JSON. */
  private static JsonObject runAndOpen(String scenario, String... more) throws Exception {
    Path json = reports.resolve(scenario + ".json");
    Path html = reports.resolve(scenario + ".html");
    List<String> args = new ArrayList<>(List.of("test-lb", scenario));
    args.addAll(TestLbRuns.through(nginx, more));
    args.addAll(List.of("--header", "Authorization: Bearer s3cr3t-t0ken", "--json", json.toString(), "--html",
      html.toString()));
    int exit = Main.run(args.toArray(String[]::new));
    JsonObject report = new JsonObject(Files.readString(json, StandardCharsets.UTF_8));
    assertEquals(exit, report.getJsonObject("verdict").getInteger("exit_code"));
    TestLbRuns.assertSelfContainedHtml(html, report);
    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertFalse(page.contains("s3cr3t-t0ken"), "credential header values stay out of the report");
    chromium.driver().get(html.toUri().toString());
    assertCommonFrame(report, exit);
    return report;
  }

  private static void assertCommonFrame(JsonObject report, int exit) {
    String header = (String) chromium.script("return document.querySelector('table.run').innerText;");
    assertTrue(header.contains("websocket-test-service test-lb " + report.getString("scenario")), header);
    assertTrue(header.contains("Authorization: <a value of"), header);
    assertTrue(header.matches("(?s).*Started\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} UTC.*"), header);
    assertTrue(header.contains("Version\twebsocket-test-service "), header);
    assertTrue(header.contains("ws://127.0.0.1:"), header);
    String verdict = (String) chromium.script("return document.querySelector('.verdict').innerText;");
    assertTrue(verdict.contains("(exit " + exit + ")"), verdict);
    // one colour per instance across every chart of the page
    @SuppressWarnings("unchecked")
    Map<String, List<String>> colours = (Map<String, List<String>>) chromium.script(
      "const m = {};"
        + "document.querySelectorAll('[data-instance]').forEach(e => { const n = e.getAttribute('data-instance');"
        + "  if (!n) return; const c = e.tagName === 'polyline' ? e.getAttribute('stroke')"
        + "    : e.tagName === 'g' ? e.querySelector('line').getAttribute('stroke') : e.getAttribute('fill');"
        + "  (m[n] = m[n] || []).includes(c) || m[n].push(c); });"
        + "return m;");
    colours.forEach((instance, used) -> assertEquals(1, used.size(), instance + " drawn in " + used));
    assertEquals(colours.size(), colours.values().stream().map(l -> l.get(0)).distinct().count(),
      "instances share a colour: " + colours);
    // every note and label inside its chart
    @SuppressWarnings("unchecked")
    List<Object> overflow = (List<Object>) chromium.script("let worst = [0, '']; document.querySelectorAll('svg')"
      + ".forEach(s => { const w = s.viewBox.baseVal.width; s.querySelectorAll('text').forEach(t => {"
      + "  const b = t.getBBox(); const out = Math.max(b.x + b.width - w, -b.x);"
      + "  if (out > worst[0]) worst = [out, t.textContent]; }); }); return worst;");
    assertTrue(((Number) overflow.get(0)).doubleValue() <= 1, "a text runs " + overflow.get(0)
      + " px out of its chart: " + overflow.get(1));
    // table rows stay on one line, long names end in an ellipsis with the whole name in a tooltip (the audit's
    // card is read in full: its figures and fixes wrap)
    Number tallest = (Number) chromium.script("let h = 0; document.querySelectorAll('table.data:not(.status) td')"
      + ".forEach(td => h = Math.max(h, td.getBoundingClientRect().height)); return h;");
    assertTrue(tallest.doubleValue() < 32, "a table row wraps: " + tallest + " px");
  }

  /** Each share bar's width is its share of the 0-100 % axis; returns the shares drawn. */
  private static List<Number> assertSharesOnTheFullAxis() {
    @SuppressWarnings("unchecked")
    List<List<Number>> bars = (List<List<Number>>) chromium.script("const out = [];"
      + "document.querySelectorAll('svg').forEach(s => { const axis = s.querySelector('rect.axis'); if (!axis) return;"
      + " s.querySelectorAll('rect.share').forEach(r => out.push([+r.getAttribute('data-share'),"
      + "  r.width.baseVal.value / axis.width.baseVal.value])); });"
      + "return out;");
    assertFalse(bars.isEmpty());
    for (List<Number> bar : bars) {
      assertEquals(bar.get(0).doubleValue(), bar.get(1).doubleValue(), 0.005, "bar not drawn to scale: " + bar);
    }
    return bars.stream().map(b -> b.get(0)).toList();
  }

  @Test
  @Order(1)
  void spread() throws Exception {
    JsonObject report = runAndOpen("spread", "--endpoint", "http", "-n", "12", "--max-skew", "1.5",
      "--expect-instances", "3");
    assertEquals(0, report.getJsonObject("verdict").getInteger("exit_code"), report.getJsonObject("verdict").encode());
    List<Number> shares = assertSharesOnTheFullAxis();
    assertEquals(3, shares.size());
    shares.forEach(s -> assertEquals(1.0 / 3, s.doubleValue(), 0.01, "round robin over three"));
    assertEquals(1L, chromium.script("return document.querySelectorAll('g.threshold').length;"), "--max-skew drawn");
    chromium.screenshot("report-spread");
  }

  @Test
  @Order(2)
  void sticky() throws Exception {
    JsonObject report = runAndOpen("sticky", "-n", "10", "--min-sticky", "0.25");
    assertEquals(0, report.getJsonObject("verdict").getInteger("exit_code"), report.getJsonObject("verdict").encode());
    assertSharesOnTheFullAxis();
    @SuppressWarnings("unchecked")
    List<Object> replay = (List<Object>) chromium.script("const r = document.querySelector('rect.share');"
      + "const t = r.ownerSVGElement.querySelector('g.threshold');"
      + "return [+r.getAttribute('data-share'), r.getAttribute('fill'), +t.getAttribute('data-share')];");
    assertEquals(1.0 / 3, ((Number) replay.get(0)).doubleValue(), 0.05, "a third came back, not a full bar");
    assertFalse(FAIL_RED.equals(replay.get(1)), "a share above --min-sticky is not red");
    assertEquals(0.25, ((Number) replay.get(2)).doubleValue(), 1e-9);
    chromium.screenshot("report-sticky");
  }

  @Test
  @Order(3)
  void weights() throws Exception {
    JsonObject report = runAndOpen("weights", "--weights", "v1=2,v2=1", "-n", "30");
    assertEquals(0, report.getJsonObject("verdict").getInteger("exit_code"), report.getJsonObject("verdict").encode());
    assertSharesOnTheFullAxis();
    @SuppressWarnings("unchecked")
    List<List<Object>> groups = (List<List<Object>>) chromium.script("const out = [];"
      + "document.querySelectorAll('rect.share').forEach(r => { const row = r.nextElementSibling;"
      + " if (!row || !row.classList.contains('interval')) return;"
      + " const e = row.nextElementSibling;"
      + " out.push([+r.getAttribute('data-share'), +row.getAttribute('data-low'), +row.getAttribute('data-high'),"
      + "  e && e.classList.contains('expected') ? +e.getAttribute('data-share') : null, r.getAttribute('fill')]); });"
      + "return out;");
    assertEquals(2, groups.size(), "v1 and v2 each with an interval: " + groups);
    for (List<Object> g : groups) {
      double share = ((Number) g.get(0)).doubleValue();
      double low = ((Number) g.get(1)).doubleValue();
      double high = ((Number) g.get(2)).doubleValue();
      double expected = ((Number) g.get(3)).doubleValue();
      assertTrue(low <= share && share <= high, g.toString());
      assertTrue(low <= expected && expected <= high, "inside: " + g);
      assertFalse(FAIL_RED.equals(g.get(4)), "a group inside its interval is not red");
    }
    chromium.screenshot("report-weights");
  }

  @Test
  @Order(4)
  void idleTimeout() throws Exception {
    runAndOpen("idle-timeout", "--sockets", "2", "--keepalive", "none,ping", "--keepalive-interval", "1s",
      "--max-idle", "5s");
    // every bar chart of the report on one time axis: the same pixels per millisecond everywhere
    @SuppressWarnings("unchecked")
    List<Number> scales = (List<Number>) chromium.script("const out = [];"
      + "document.querySelectorAll('rect.on-axis').forEach(r => { const v = +r.getAttribute('data-value');"
      + " if (v > 0) out.push(r.width.baseVal.value / v); }); return out;");
    assertTrue(scales.size() >= 4, scales.toString());
    double first = scales.get(0).doubleValue();
    scales.forEach(s -> assertEquals(first, s.doubleValue(), first * 0.01, "one time axis: " + scales));
    chromium.screenshot("report-idle-timeout");
  }

  @Test
  @Order(5)
  void auditCardOnTopChartsBelow() throws Exception {
    chromium.consoleErrors(); // drains what earlier pages logged
    // the shortest budget the audit allows; no drain rehearsal (the replicas' toggles are open): its share would
    // leave the idle ladder too short to bracket nginx's 3 s
    JsonObject report = runAndOpen("audit", "--budget", "20s", "--no-drain", "-n", "6", "--expect-instances", "3");
    List<JsonObject> card = TestLbRuns.objects(report, "card");
    @SuppressWarnings("unchecked")
    List<List<String>> rows = (List<List<String>>) chromium.script("return [...document.querySelectorAll("
      + "'table.status tr')].slice(1).map(r => { const s = r.children[1];"
      + " return [r.children[0].innerText, s.innerText, s.className, getComputedStyle(s).backgroundColor]; });");
    assertEquals(card.size(), rows.size(), "one row per card line: " + rows);
    Map<String, String> colourOf = new HashMap<>();
    for (int i = 0; i < card.size(); i++) {
      JsonObject line = card.get(i);
      List<String> row = rows.get(i);
      String part = line.getString("part");
      String check = line.getString("check");
      assertEquals(part.equals(check) ? part : part + ": " + check, row.get(0));
      assertEquals(line.getString("status"), row.get(1));
      assertEquals("status-" + line.getString("status"), row.get(2));
      assertEquals(row.get(3), colourOf.computeIfAbsent(row.get(1), s -> row.get(3)), "one colour per status");
    }
    assertEquals(colourOf.size(), colourOf.values().stream().distinct().count(), "each status its colour: "
      + colourOf);
    Number wrapped = (Number) chromium.script("return [...document.querySelectorAll('table.status td')]"
      + ".filter(td => td.cellIndex < 2).filter(td => { const r = document.createRange(); r.selectNodeContents(td);"
      + " return r.getClientRects().length > 1; }).length;");
    assertEquals(0L, wrapped.longValue(), "a check's name or status wraps");
    // nginx's proxy_read_timeout 3s: the idle timeout warns with nginx's fix, the pinging sockets pass
    JsonObject idle = card.stream().filter(l -> l.getString("check").equals("idle timeout")).findFirst().orElseThrow();
    assertEquals("warn", idle.getString("status"), idle.encode());
    assertTrue(idle.getString("fix").startsWith("nginx: proxy_read_timeout"), idle.encode());
    assertTrue(colourOf.keySet().containsAll(List.of("pass", "warn", "skipped")), colourOf.toString());
    // the card first, each part's sections and charts below it
    @SuppressWarnings("unchecked")
    List<String> sections = (List<String>) chromium.script(
      "return [...document.querySelectorAll('h2')].map(h => h.innerText);");
    assertEquals("Report card", sections.get(0), sections.toString());
    assertTrue(sections.size() >= 5, sections.toString());
    Number chartsBelow = (Number) chromium.script("const card = document.querySelector('table.status');"
      + "return [...document.querySelectorAll('svg')].filter(s =>"
      + " card.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING).length;");
    Number charts = (Number) chromium.script("return document.querySelectorAll('svg').length;");
    assertTrue(charts.intValue() >= 3, "charts of the parts: " + charts);
    assertEquals(charts, chartsBelow, "every chart below the card");
    // self-contained in the browser too: nothing loaded, nothing logged
    assertEquals(0L, chromium.script("return performance.getEntriesByType('resource').length;"));
    assertEquals(List.of(), chromium.consoleErrors());
    chromium.screenshot("report-audit");
  }

  @Test
  @Order(6)
  void soakMarksEachShutdown() throws Exception {
    ScheduledExecutorService stopper = Executors.newSingleThreadScheduledExecutor();
    try {
      ServiceProcess canary = services.get(2);
      stopper.schedule(canary::sigterm, 2500, TimeUnit.MILLISECONDS);
      runAndOpen("soak", "--sockets", "9", "--rate", "2", "--duration", "7s", "--max-lost", "1000",
        "--max-abnormal-closes", "1000");
    } finally {
      stopper.shutdownNow();
    }
    @SuppressWarnings("unchecked")
    List<List<String>> markers = (List<List<String>>) chromium.script("const out = [];"
      + "document.querySelectorAll('g.marker').forEach(g => { const n = g.getAttribute('data-instance');"
      + " const line = [...document.querySelectorAll('polyline.series')].find(p => p.getAttribute('data-instance') === n);"
      + " out.push([n, g.querySelector('line').getAttribute('stroke'), line ? line.getAttribute('stroke') : null]); });"
      + "return out;");
    assertEquals(1, markers.size(), markers.toString());
    assertTrue(markers.get(0).get(0).endsWith(PODS.get(2)), markers.toString());
    assertEquals(markers.get(0).get(2), markers.get(0).get(1), "the marker in its replica's colour");
    Number dashed = (Number) chromium.script(
      "return [...document.querySelectorAll('polyline.series')].filter(p => p.getAttribute('stroke-dasharray')).length;");
    assertTrue(dashed.intValue() >= 1, "overlapping lines told apart by their dashes");
    chromium.screenshot("report-soak");
  }
}
