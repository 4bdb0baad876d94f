package io.wstest.client.spread;

import io.wstest.client.TestLbArgumentsTest;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.ProgressBar;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.FailureKind;
import io.wstest.client.socket.WsTarget;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static io.wstest.client.stats.SpreadStatsTest.failed;
import static io.wstest.client.stats.SpreadStatsTest.spread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerdictTest {

  private static final WsTarget HTTP = new WsTarget("http", false, "lb", 8080, "/ws");

  private static TestLbSettings settings(Integer expect, Double maxSkew, String weights) {
    List<String> args = new ArrayList<>(List.of("--host", "lb", "--http-port", "8080", "--ws-port", "8765",
      "--endpoint", "http", "--timeout", "1s", "--connections", "10", "--concurrency", "1"));
    if (expect != null) {
      args.addAll(List.of("--expect-instances", expect.toString()));
    }
    if (maxSkew != null) {
      args.addAll(List.of("--max-skew", maxSkew.toString()));
    }
    if (weights != null) {
      args.addAll(List.of("--weights", weights));
    }
    return TestLbArgumentsTest.settings(args.toArray(String[]::new));
  }

  private static Verdict verdict(TestLbSettings settings, List<ConnectionResult> results) {
    return SpreadScenario.verdict(settings, List.of(EndpointReport.of(new ConnectionRunner.Run(HTTP, results, 0, 1),
      settings.weights())));
  }

  @Test
  void spreadPassesWithTheSeedsMessage() {
    Verdict v = verdict(settings(null, null, null), spread(4, 3, 3));
    assertEquals(0, v.exitCode());
    assertEquals("Load balancing is working - traffic distributed across multiple instances", v.headline());
  }

  @Test
  void oneInstanceFailsWithHintsUnlessExpected() {
    Verdict v = verdict(settings(null, null, null), spread(10));
    assertEquals(1, v.exitCode());
    assertTrue(v.singleInstance());
    StringWriter text = new StringWriter();
    new ConsoleReport(new PrintWriter(text), false, false).verdict(v);
    assertTrue(text.toString().contains("All connections went to the same instance"), text.toString());
    assertTrue(text.toString().contains("sessionAffinity"), text.toString());
    assertTrue(text.toString().contains("kubectl get pods"), text.toString());
    assertFalse(text.toString().contains("✅"), "no emoji when not on a terminal");
    assertEquals(0, verdict(settings(1, null, null), spread(10)).exitCode());
  }

  @Test
  void expectInstancesSkewAndWeightsFail() {
    assertEquals(1, verdict(settings(4, null, null), spread(4, 3, 3)).exitCode());
    assertEquals(1, verdict(settings(null, 1.5, null), spread(6, 2, 2)).exitCode());
    assertEquals(0, verdict(settings(null, 1.5, null), spread(4, 3, 3)).exitCode());
    assertEquals(0, verdict(settings(null, null, "pod-a=3,pod-b=1"), spread(30, 10)).exitCode());
    Verdict off = verdict(settings(null, null, "pod-a=3,pod-b=1"), spread(20, 20));
    assertEquals(1, off.exitCode());
    assertTrue(off.problems().get(0).contains("--weights"), off.problems().toString());
  }

  @Test
  void failedConnectionsFailAndUnreachableIsTwo() {
    List<ConnectionResult> some = new ArrayList<>(spread(5, 4));
    some.add(failed(10, Failure.closed("welcome", (short) 1001, "going away")));
    Verdict v = verdict(settings(null, null, null), some);
    assertEquals(1, v.exitCode());
    assertTrue(v.problems().get(0).contains("1 of 10 connections failed (closed: 1)"), v.problems().toString());
    List<ConnectionResult> none = List.of(failed(1, Failure.of(FailureKind.REFUSED, "connect", "refused")),
      failed(2, Failure.of(FailureKind.DNS, "connect", "unknown host")));
    assertEquals(2, verdict(settings(null, null, null), none).exitCode());
    List<ConnectionResult> rejected = List.of(failed(1, new Failure(FailureKind.HANDSHAKE_STATUS, "connect",
      "upgrade rejected with HTTP 502", 502, null)));
    assertEquals(1, verdict(settings(null, null, null), rejected).exitCode(), "a reachable server answered");
  }

  @Test
  void progressBarDrawsOnlyWhenItGrows() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), 80);
    for (int i = 1; i <= 80; i++) {
      bar.update(i, i > 78 ? i - 78 : 0);
    }
    String drawn = text.toString();
    assertEquals(41, drawn.chars().filter(c -> c == '\r').count(), "the empty bar, then one redraw per cell");
    assertTrue(drawn.endsWith("[" + "#".repeat(40) + "] 80/80 (2 failed)" + System.lineSeparator()), drawn);
  }
}
