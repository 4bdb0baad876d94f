package io.wstest.client.spread;

import io.wstest.client.TestLbArgumentsTest;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.HealthCheck;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.spread.EndpointReport;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static io.wstest.client.stats.SpreadStatsTest.spread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The human output (the common lines and spread's own) keeps the seed's lines, with emoji only when asked for. */
class ConsoleReportTest {

  private static final WsTarget HTTP = new WsTarget("http", false, "localhost", 8080, "/ws");

  private static String render(boolean emoji) {
    StringWriter text = new StringWriter();
    ConsoleReport console = new ConsoleReport(new PrintWriter(text), emoji, false);
    List<ConnectionResult> results = spread(2, 2, 1);
    console.start(HTTP.healthUrl());
    SpreadConsole lines = new SpreadConsole(console);
    lines.connection(results.get(0));
    lines.results(List.of(EndpointReport.of(new ConnectionRunner.Run(HTTP, results, 0, 1), null)));
    return text.toString();
  }

  @Test
  void seedLinesWithCountsSharesAndStatistics() {
    String out = render(true);
    assertTrue(out.startsWith("🚀 Starting WebSocket Load Balancer Test\n" + "=".repeat(50) + "\n"
      + "🔍 Testing health check: http://localhost:8080/health\n"), out);
    assertTrue(out.contains("🔌 Testing WebSocket: Connection-1\n✅ Connected to: websocket-test-service-pod-a"), out);
    assertTrue(out.contains("📊 Load Balancing Results:\n"
      + "   websocket-test-service-pod-a: 2 connections (40.0%)\n"
      + "   websocket-test-service-pod-b: 2 connections (40.0%)\n"
      + "   websocket-test-service-pod-c: 1 connections (20.0%)\n"
      + "   5 of 5 connected, 3 instances | max/min 2.00 | CV 0.283 | chi-square vs even 0.40 (df 2, p=0.819)\n"), out);
  }

  @Test
  void theVerdictClearsALiveStatusLineOnATerminal() {
    StringWriter text = new StringWriter();
    ConsoleReport console = new ConsoleReport(new PrintWriter(text), false, true);
    console.status("Replay run: 3 done");
    console.verdict(new Verdict(Verdict.CANNOT_TEST, "Cannot reach the target: refused", List.of(), false));
    String out = text.toString();
    assertTrue(out.endsWith("\r   Replay run: 3 done\r" + " ".repeat(21) + "\r[FAIL] Cannot reach the target: refused\n"),
      out);
  }

  @Test
  void aWebSocketOnlyHealthPortIsAHintNotAWarning() {
    StringWriter text = new StringWriter();
    new ConsoleReport(new PrintWriter(text), false, false).health(new HealthCheck.Result("http://lb:8765/health", 426,
      null, null, HealthCheck.NOT_ON_THIS_PORT));
    assertEquals("[hint] No health check: health endpoint not on this port (raw WebSocket server)\n", text.toString());
  }

  @Test
  void theEndpointHeaderSaysHowConnectionsAreMade() {
    assertEquals("[test] Testing 10 connections for load balancing (one after another)", header());
    assertEquals("[test] Testing 10 connections for load balancing (each connected, pinged and closed, 5 at a time)",
      header("--concurrency", "5"));
    assertEquals("[test] Testing 10 connections for load balancing (holding all open)", header("--hold"));
    assertEquals("[test] Testing 10 connections for load balancing (holding all open, opened 5 at a time)",
      header("--hold", "--concurrency", "5"));
  }

  private static String header(String... args) {
    StringWriter text = new StringWriter();
    new SpreadConsole(new ConsoleReport(new PrintWriter(text), false, false)).endpointStart(HTTP, TestLbArgumentsTest.settings(args));
    return text.toString().lines().filter(l -> l.startsWith("[test]")).findFirst().orElseThrow();
  }

  @Test
  void plainAsciiWithoutEmoji() {
    String out = render(false);
    assertTrue(out.startsWith(">> Starting WebSocket Load Balancer Test"), out);
    assertTrue(out.contains("[results] Load Balancing Results:"), out);
    assertTrue(out.chars().allMatch(c -> c < 128), "ASCII only: " + out);
  }

  @Test
  void connectionLinesFoldOffATerminalButFailuresStay() {
    StringWriter text = new StringWriter();
    ConsoleReport console = new ConsoleReport(new PrintWriter(text), false, false);
    console.connectionsStart(25);
    for (int i = 1; i <= 25; i++) {
      console.connection(i == 12, new ConsoleReport.Line(Glyph.PLUG, "Connection-" + i),
        new ConsoleReport.Line(Glyph.OK, "line two of " + i));
    }
    console.connectionsEnd();
    String out = text.toString();
    assertEquals(6, out.lines().filter(l -> l.startsWith("[ws] Connection-")).count(), out);
    assertEquals(6, out.lines().filter(l -> l.startsWith("[OK] line two of ")).count(), out);
    assertTrue(out.contains("Connection-12"), out);
    assertTrue(out.endsWith("   … 19 more connections (use --verbose or --json for each)\n"), out);
  }

  @Test
  void quietLeavesOutEverythingBeforeTheResults() {
    StringWriter text = new StringWriter();
    ConsoleReport console = new ConsoleReport(new PrintWriter(text), false, false, ConsoleReport.Detail.QUIET);
    console.start(HTTP.healthUrl());
    console.line(Glyph.ROUNDS, "Testing 10 connections");
    console.connection(true, new ConsoleReport.Line(Glyph.FAIL, "Connection-1 failed"));
    console.line(Glyph.RESULTS, "Results:");
    console.detail("a: 1");
    console.verdict(new Verdict(Verdict.PASS, "fine", List.of(), false));
    assertEquals("[results] Results:\n   a: 1\n[OK] fine\n", text.toString());
  }
}
