package io.wstest.client;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;

import static io.wstest.client.SpreadStatsTest.failed;
import static io.wstest.client.SpreadStatsTest.spread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerdictTest {

  private static final WsTarget HTTP = new WsTarget("http", false, "lb", 8080, "/ws");

  private static TestLbSettings settings(Integer expect, Double maxSkew, String weights) {
    SpreadOptions spread = new SpreadOptions();
    spread.connections = 10;
    spread.concurrency = 1;
    spread.expectInstances = expect;
    spread.maxSkew = maxSkew;
    spread.weights = weights;
    ConnectOptions connect = new ConnectOptions();
    connect.host = "lb";
    connect.httpPort = 8080;
    connect.wsPort = 8765;
    connect.endpoint = "http";
    connect.timeout = Duration.ofSeconds(1);
    return TestLbSettings.from(connect, spread, new OutputOptions(), false);
  }

  private static Verdict verdict(TestLbSettings settings, List<ConnectionResult> results) {
    return Verdict.evaluate(settings, List.of(EndpointReport.of(new ConnectionRunner.Run(HTTP, results, 0, 1),
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
    assertTrue(v.problems().get(0).contains("1 of 10 connections failed (closed 1)"), v.problems().toString());
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
