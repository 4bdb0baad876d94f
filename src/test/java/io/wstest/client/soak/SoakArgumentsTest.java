package io.wstest.client.soak;

import io.wstest.Commands;
import io.wstest.client.run.soak.SoakSettings;
import io.wstest.client.socket.WsTarget;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code test-lb soak}'s flags through the real picocli command line: defaults, every flag, bad values. */
class SoakArgumentsTest {

  static SoakSettings settings(String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "test-lb";
    full[1] = "soak";
    System.arraycopy(args, 0, full, 2, args.length);
    CommandLine.ParseResult parsed = Commands.commandLine().parseArgs(full);
    SoakCommand command = parsed.subcommand().subcommand().commandSpec().commandLine().getCommand();
    return SoakSettings.from(command.connect, command.soak);
  }

  /** Runs {@code test-lb soak <args>} in-process; returns exit code and stderr. */
  private static TestLbRuns.Output run(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "soak";
    System.arraycopy(args, 0, full, 1, args.length);
    return TestLbRuns.inProcess(full);
  }

  @Test
  void defaults() {
    SoakSettings s = settings();
    assertEquals(List.of("ws://localhost:8080/ws"), s.connect().targets().stream().map(WsTarget::url).toList(),
      "one endpoint, /ws, unless --endpoint says otherwise");
    assertEquals(20, s.sockets());
    assertEquals(5.0, s.rate());
    assertEquals(200, s.sendIntervalMillis());
    assertEquals(Duration.ofSeconds(30), s.duration());
    assertEquals(Duration.ofSeconds(1), s.rampUp());
    assertEquals(Duration.ofMillis(100), s.backoffMin());
    assertEquals(Duration.ofSeconds(5), s.backoffMax());
    assertEquals(0, s.maxLost());
    assertEquals(0, s.maxAbnormalCloses());
    assertEquals(Duration.ofSeconds(10), s.recoveryLimit(), "--backoff-max + --timeout");
    assertNull(s.clusterBroadcastEvery(), "no cluster broadcasts unless asked for");
    assertFalse(s.toJson().containsKey("cluster_broadcast_every_ms"));
    assertEquals(Duration.ofSeconds(2), settings("--cluster-broadcast-every", "2s").clusterBroadcastEvery());
  }

  @Test
  void everyFlagIsParsed() {
    SoakSettings s = settings("--host", "lb.example", "--endpoint", "both", "--sockets", "300", "--rate", "0.5",
      "--duration", "10m", "--ramp-up", "30s", "--backoff-min", "250ms", "--backoff-max", "20s", "--max-lost", "3",
      "--max-abnormal-closes", "2", "--timeout", "2s");
    assertEquals(List.of("ws://lb.example:8080/ws", "ws://lb.example:8765/"),
      s.connect().targets().stream().map(WsTarget::url).toList());
    assertEquals(300, s.sockets());
    assertEquals(0.5, s.rate());
    assertEquals(2000, s.sendIntervalMillis());
    assertEquals(Duration.ofMinutes(10), s.duration());
    assertEquals(Duration.ofSeconds(30), s.rampUp());
    assertEquals(Duration.ofMillis(250), s.backoffMin());
    assertEquals(Duration.ofSeconds(20), s.backoffMax());
    assertEquals(3, s.maxLost());
    assertEquals(2, s.maxAbnormalCloses());
    assertEquals(Duration.ofSeconds(22), s.recoveryLimit());
    assertEquals(0, settings("--rate", "0").sendIntervalMillis(), "rate 0: the sockets are only held");
    assertEquals(Duration.ofMillis(300), settings("--duration", "3s").rampUp(), "the default ramp-up fits a short run");
  }

  @Test
  void theBackoffDoublesPerFailedAttemptWithJitterUpToTheMaximum() {
    SoakSettings s = settings("--backoff-min", "100ms", "--backoff-max", "1s");
    // equal jitter: between half the backoff and all of it
    assertEquals(50, s.backoffMillis(0, 0.0));
    assertEquals(100, s.backoffMillis(0, 1.0));
    assertEquals(200, s.backoffMillis(2, 0.0));
    assertEquals(400, s.backoffMillis(2, 1.0));
    assertEquals(500, s.backoffMillis(4, 0.0), "1600 ms capped at 1 s");
    assertEquals(1000, s.backoffMillis(60, 1.0), "no overflow after many attempts");
  }

  @Test
  void badValuesExitTwoNamingTheFlag() {
    String[][] cases = {
      {"--connections", "0"}, {"--connections", "many"}, {"--connections", "10001"}, {"--rate", "-1"}, {"--rate", "fast"},
      {"--rate", "101"}, {"--rate", "NaN"}, {"--rate", "10", "--sockets", "10000"}, {"--duration", "0"},
      {"--duration", "2h"}, {"--duration", "soon"}, {"--ramp-up", "5s", "--duration", "10s"},
      {"--backoff-min", "0"}, {"--backoff-max", "50ms", "--backoff-min", "100ms"}, {"--backoff-max", "2m"},
      {"--max-lost", "-1"}, {"--max-lost", "none"}, {"--max-abnormal-closes", "-1"}, {"--endpoint", "tcp"},
      {"--timeout", "forever"}, {"--cluster-broadcast-every", "10ms"}, {"--cluster-broadcast-every", "often"},
      {"--bogus"}};
    for (String[] args : cases) {
      TestLbRuns.Output result = run(args);
      assertEquals(2, result.exitCode(), String.join(" ", args));
      assertTrue(result.text().contains(args[0]), "message names " + args[0] + ": " + result.text());
      assertFalse(result.text().contains("Exception"), result.text());
    }
  }

  @Test
  void optionsBeforeTheScenarioNameAreRefused() {
    TestLbRuns.Output result = TestLbRuns.inProcess("--host", "lb.example", "soak");
    assertEquals(2, result.exitCode());
    assertTrue(result.text().contains("test-lb soak --host"), result.text());
  }

  @Test
  void unreachableTargetExitsTwoWithoutSoaking() {
    int nobody = FreePorts.next();
    TestLbRuns.Output result = run("--host", "127.0.0.1", "--http-port", Integer.toString(nobody),
      "--duration", "1h", "--timeout", "2s");
    assertEquals(2, result.exitCode(), result.text());
  }
}
