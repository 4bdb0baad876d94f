package io.wstest.client.spread;

import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real spread run in this JVM against one in-process service, its console read off a pipe (not a terminal):
 * per-connection lines folded over 20 connections, --verbose and --quiet, and the hint for a single replica.
 */
class SpreadConsoleRunTest {

  private static InProcessService service;

  @BeforeAll
  static void start() throws Exception {
    service = InProcessService.startAndWait(Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    service.stopAndWait();
  }

  private static TestLbRuns.Captured spread(String... more) {
    String[] args = new String[more.length + 8];
    System.arraycopy(new String[] {"spread", "--host", "127.0.0.1", "--http-port", Integer.toString(service.httpPort()),
      "--ws-port", Integer.toString(service.wsPort()), "--endpoint"}, 0, args, 0, 8);
    System.arraycopy(more, 0, args, 8, more.length);
    return TestLbRuns.inProcessCapturing(args);
  }

  private static long count(String text, String part) {
    return text.lines().filter(l -> l.contains(part)).count();
  }

  @Test
  void overTwentyConnectionsOffATerminalPrintTheFirstFiveAndCountTheRest() {
    TestLbRuns.Captured run = spread("http", "-n", "30");
    assertEquals(1, run.exitCode(), run.out());
    assertEquals(5, count(run.out(), "Connected to: "), run.out());
    assertTrue(run.out().contains("   … 25 more connections (use --verbose or --json for each)\n"), run.out());
    assertTrue(run.out().contains("test-pod: 30 connections (100.0%)"), run.out());
    assertTrue(run.out().lines().count() < 40, run.out());
  }

  @Test
  void oneReplicaWithoutExpectInstancesIsToldHowToSaySoBeforeTheKubernetesHints() {
    String out = spread("http", "-n", "3").out();
    int hint = out.indexOf("   - If one replica is all you run, say so: --expect-instances 1\n");
    assertTrue(hint > 0, out);
    assertTrue(hint < out.indexOf("kubectl"), out);
    assertFalse(spread("http", "-n", "3", "--expect-instances", "2").out().contains("--expect-instances 1"));
    assertEquals(0, spread("http", "-n", "3", "--expect-instances", "1").exitCode());
  }

  @Test
  void verbosePrintsEveryConnection() {
    TestLbRuns.Captured run = spread("http", "-n", "30", "--verbose");
    assertEquals(30, count(run.out(), "Connected to: "), run.out());
    assertFalse(run.out().contains("more connections"), run.out());
  }

  @Test
  void quietPrintsOnlyTheResultsAndTheVerdict() {
    TestLbRuns.Captured run = spread("both", "-n", "30", "--quiet", "--expect-instances", "1");
    assertEquals(0, run.exitCode(), run.out());
    assertTrue(run.out().startsWith("[results] Load Balancing Results:\n"), run.out());
    assertEquals(0, count(run.out(), "Connection-"), run.out());
    assertFalse(run.out().contains("Starting"), run.out());
    assertTrue(run.out().contains("[OK] Test passed"), run.out());
  }

  @Test
  void quietAndVerboseTogetherAreAUsageError() {
    TestLbRuns.Captured run = spread("http", "-n", "3", "--quiet", "--verbose");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--quiet"), run.err());
  }
}
