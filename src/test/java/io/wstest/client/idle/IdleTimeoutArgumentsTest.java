package io.wstest.client.idle;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.Commands;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** test-lb idle-timeout's flags as the user types them, through the real picocli command line. */
class IdleTimeoutArgumentsTest {

  @TempDir
  Path reports;

  static IdleTimeoutSettings settings(String... args) {
    CommandLine cli = Commands.commandLine();
    String[] full = new String[args.length + 2];
    full[0] = "test-lb";
    full[1] = "idle-timeout";
    System.arraycopy(args, 0, full, 2, args.length);
    CommandLine.ParseResult parsed = cli.parseArgs(full);
    IdleTimeoutCommand command = parsed.subcommand().subcommand().commandSpec().commandLine().getCommand();
    return IdleTimeoutSettings.from(command.connect, command.idle, command.output, false);
  }

  private static Map.Entry<Integer, String> run(String... args) {
    CommandLine cli = Commands.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    String[] full = new String[args.length + 2];
    full[0] = "test-lb";
    full[1] = "idle-timeout";
    System.arraycopy(args, 0, full, 2, args.length);
    return Map.entry(cli.execute(full), err.toString());
  }

  @Test
  void defaultsHoldThreeSilentSocketsOnTheHttpEndpointForTwoMinutes() {
    IdleTimeoutSettings s = settings();
    assertEquals("ws://localhost:8080/ws", s.target().url());
    assertFalse(s.ladderMode());
    assertEquals(3, s.sockets());
    assertEquals(Duration.ofMinutes(2), s.maxIdle());
    assertEquals(List.of(Keepalive.NONE), s.keepalives());
    assertEquals(Duration.ofSeconds(20), s.keepaliveInterval());
    assertNull(s.minIdle());
    assertFalse(s.expectKeepaliveSurvives());
    assertEquals(3, s.totalSockets());
    JsonObject json = s.toJson();
    assertEquals("until_cut", json.getString("mode"));
    assertEquals(120_000L, json.getLong("max_idle_ms"));
    assertNull(json.getValue("keepalive_interval_ms"), "no keepalive is sent");
  }

  @Test
  void everyFlagIsParsed() {
    IdleTimeoutSettings s = settings("--endpoint", "raw", "--ws-port", "9000", "--sockets", "5", "--max-idle", "90s",
      "--keepalive", "none, PING,data", "--keepalive-interval", "15s", "--min-idle", "60s",
      "--expect-keepalive-survives", "--timeout", "2s");
    assertEquals("ws://localhost:9000/", s.target().url());
    assertEquals(5, s.sockets());
    assertEquals(Duration.ofSeconds(90), s.maxIdle());
    assertEquals(List.of(Keepalive.NONE, Keepalive.PING, Keepalive.DATA), s.keepalives());
    assertEquals(Duration.ofSeconds(15), s.keepaliveInterval());
    assertEquals(Duration.ofMinutes(1), s.minIdle());
    assertTrue(s.expectKeepaliveSurvives());
    assertEquals(15, s.totalSockets());
    assertEquals("a WebSocket ping every 15s", s.describe(Keepalive.PING));
  }

  @Test
  void ladderRungsAreSortedAndEachGetsOneSocketPerKeepaliveMode() {
    IdleTimeoutSettings s = settings("--ladder", "90s,30s,1m,500ms", "--keepalive", "none,data",
      "--keepalive-interval", "10s");
    assertTrue(s.ladderMode());
    assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(1),
      Duration.ofSeconds(90)), s.ladder());
    assertEquals(Duration.ofSeconds(90), s.longestIdle());
    assertEquals(8, s.totalSockets());
    JsonObject json = s.toJson();
    assertEquals("ladder", json.getString("mode"));
    assertEquals(new JsonArray().add(500L).add(30_000L).add(60_000L).add(90_000L), json.getJsonArray("ladder_ms"));
    assertNull(json.getValue("max_idle_ms"));
    assertNull(json.getValue("sockets"));
    List<IdleSocket.Plan> plans = new IdleTimeoutScenario(s).plans();
    assertEquals(8, plans.size());
    assertEquals(new IdleSocket.Plan(6, Keepalive.DATA, 30_000L, 30_000L), plans.get(5));
  }

  @Test
  void badValuesExitTwoNamingTheFlag() {
    String[][] cases = {
      {"--connections", "0"}, {"--connections", "101"}, {"--connections", "some"},
      {"--max-idle", "2x"}, {"--max-idle", "50ms"}, {"--max-idle", "2h"},
      {"--ladder", "1s,soon"}, {"--ladder", "1s,1000ms"}, {"--ladder", ""},
      {"--ladder", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21"},
      {"--connections", "2", "--ladder", "1s"}, {"--max-idle", "2s", "--ladder", "1s"},
      {"--keepalive", "tcp"}, {"--keepalive", "none,none"}, {"--keepalive", "none,"},
      {"--keepalive-interval", "1s"}, {"--keepalive-interval", "10s", "--keepalive", "ping", "--max-idle", "10s"},
      {"--keepalive-interval", "50ms", "--keepalive", "ping"},
      {"--min-idle", "3m"}, {"--min-idle", "1s", "--keepalive", "data", "--keepalive-interval", "1s"},
      {"--min-idle", "6s", "--ladder", "1s,5s"},
      {"--expect-keepalive-survives"}, {"--endpoint", "both"}, {"--timeout", "0"}, {"--bogus"}};
    for (String[] args : cases) {
      Map.Entry<Integer, String> result = run(args);
      String flag = args[0];
      assertEquals(2, result.getKey(), String.join(" ", args));
      assertTrue(result.getValue().contains(flag), "message names " + flag + ": " + result.getValue());
      assertFalse(result.getValue().contains("Exception"), result.getValue());
    }
    // the default interval is named as such when it does not fit
    assertTrue(run("--keepalive", "ping", "--max-idle", "10s").getValue()
      .contains("--keepalive-interval': 20s (the default) is not shorter than --max-idle 10s"));
  }

  @Test
  void unreachableTargetExitsTwoWithAReport() {
    int nobody = FreePorts.next();
    JsonObject report = TestLbRuns.testLb(reports, "unreachable", 2, "idle-timeout", "--host",
      "127.0.0.1", "--http-port", Integer.toString(nobody), "--timeout", "2s");
    assertEquals("idle-timeout", report.getString("scenario"));
    assertTrue(report.getJsonObject("verdict").getString("summary").startsWith("Cannot reach the target"));
    assertEquals(0, report.getJsonArray("sockets").size());
  }
}
