package io.wstest.client;

import io.wstest.client.run.ConnectSettings;
import io.wstest.Commands;
import io.wstest.client.report.ReportFiles;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.spread.TestLbSettings;
import io.wstest.options.InvalidOption;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** test-lb's flags as the user types them, through the real picocli command line. */
public class TestLbArgumentsTest {

  /** The settings test-lb would run with for these arguments. */
  public static TestLbSettings settings(String... args) {
    CommandLine cli = Commands.commandLine();
    String[] full = new String[args.length + 1];
    full[0] = "test-lb";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine.ParseResult parsed = cli.parseArgs(full);
    TestLbCommand command = parsed.subcommand().commandSpec().commandLine().getCommand();
    return TestLbSettings.from(command.connect, command.spread, command.output, false);
  }

  /** Runs test-lb in-process with stderr captured; returns exit code and stderr. */
  private static Map.Entry<Integer, String> run(String... args) {
    TestLbRuns.Output output = TestLbRuns.inProcess(args);
    return Map.entry(output.exitCode(), output.text());
  }

  @Test
  void defaultsMatchTheSeed() {
    TestLbSettings s = settings();
    assertEquals(List.of("ws://localhost:8080/ws", "ws://localhost:8765/"),
      s.targets().stream().map(WsTarget::url).toList());
    assertEquals("http://localhost:8080/health", s.healthTarget().healthUrl());
    assertEquals(10, s.connections());
    assertFalse(s.hold());
    assertEquals(1, s.concurrency());
    assertEquals(2, s.expectInstances());
    assertFalse(s.expectInstancesGiven());
    assertEquals(Duration.ofSeconds(5), s.timeout());
    assertNull(s.weights());
    assertFalse(s.emoji());
  }

  @Test
  void expectInstancesClusterIsReadFromTheServiceWhenTheRunStarts() {
    TestLbSettings s = settings("--expect-instances", "Cluster");
    assertTrue(s.expectInstancesGiven());
    assertTrue(s.expectInstancesFromCluster());
    assertEquals("cluster", s.toJson().getString("expect_instances_from"));
    assertEquals(4, s.expecting(4).expectInstances());
    assertFalse(settings("--expect-instances", "2").toJson().containsKey("expect_instances_from"));
  }

  @Test
  void everyFlagIsParsed() {
    TestLbSettings s = settings("--host", "lb.example", "--http-port", "80", "--ws-port", "81", "--endpoint", "RAW",
      "-n", "200", "--hold", "--concurrency", "8", "--expect-instances", "3", "--max-skew", "1.5",
      "--weights", "a=3,b=1", "--header", "Cookie: SRV=b1", "--header", "X-Test:  two words ",
      "--timeout", "750ms", "--insecure", "--json", "out/report.json", "--no-emoji");
    assertEquals(List.of("ws://lb.example:81/"), s.targets().stream().map(WsTarget::url).toList());
    assertEquals(200, s.connections());
    assertTrue(s.hold());
    assertEquals(8, s.concurrency());
    assertEquals(3, s.expectInstances());
    assertTrue(s.expectInstancesGiven());
    assertFalse(s.expectInstancesFromCluster());
    assertEquals(1.5, s.maxSkew());
    assertEquals(Map.of("a", 3.0, "b", 1.0), s.weights().byName());
    assertEquals(List.of(Map.entry("Cookie", "SRV=b1"), Map.entry("X-Test", "two words")), s.headers());
    assertEquals(Duration.ofMillis(750), s.timeout());
    assertTrue(s.insecure());
    assertEquals("out/report.json", s.jsonFile().toString());
  }

  @Test
  void urlOverridesHostPortsAndEndpoint() {
    TestLbSettings s = settings("--url", "wss://lb.example/socket/ws?room=1", "--endpoint", "both");
    assertEquals(1, s.targets().size());
    WsTarget target = s.targets().get(0);
    assertTrue(target.ssl());
    assertEquals(443, target.port());
    assertEquals("/socket/ws?room=1", target.path());
    assertEquals("https://lb.example:443/health", s.healthTarget().healthUrl());
    assertEquals("ws://[::1]:9000/", WsTarget.fromUrl("ws://[::1]:9000").url());
  }

  @Test
  void timeoutsAcceptCommonUnits() {
    assertEquals(Duration.ofSeconds(3), ConnectSettings.parseTimeout("3"));
    assertEquals(Duration.ofMinutes(1), ConnectSettings.parseTimeout("1m"));
    assertEquals(Duration.ofMillis(1500), ConnectSettings.parseTimeout("1.5s"));
    assertThrows(InvalidOption.class, () -> ConnectSettings.parseTimeout("0"));
    assertThrows(InvalidOption.class, () -> ConnectSettings.parseTimeout("soon"));
  }

  @Test
  void credentialsInHeadersStayOutOfReportsAndErrors() {
    TestLbSettings s = settings("--header", "Authorization: Bearer s3cr3t-value", "--header", "Cookie: SRV=b1",
      "--header", "X-Api-Key: s3cr3t-key");
    String json = s.connect().toJson().encode();
    assertFalse(json.contains("s3cr3t"), json);
    assertTrue(json.contains("Authorization: <a value of 19 characters, not shown>"), json);
    assertTrue(json.contains("Cookie: SRV=b1"), json);
    Map.Entry<Integer, String> broken = run("--header", "Authorization: Bearer s3cr3t\nvalue");
    assertEquals(2, broken.getKey());
    assertTrue(broken.getValue().contains("the Authorization header contains a line break"), broken.getValue());
    assertFalse(broken.getValue().contains("s3cr3t"), broken.getValue());
  }

  @Test
  void badValuesExitTwoNamingTheFlag() {
    String[][] cases = {
      {"--bogus"}, {"--connections", "0"}, {"--connections", "many"}, {"--concurrency", "0"},
      {"--endpoint", "tcp"}, {"--url", "http://x/"}, {"--url", "ws://"}, {"--header", "no colon"},
      {"--weights", "a=3,b"}, {"--weights", "a=-1"}, {"--weights", "a=0"}, {"--max-skew", "0.5"},
      {"--expect-instances", "0"}, {"--expect-instances", "many"}, {"--timeout", "forever"}, {"--http-port", "70000"}, {"--host", "ws://x"}};
    for (String[] args : cases) {
      Map.Entry<Integer, String> result = run(args);
      assertEquals(2, result.getKey(), String.join(" ", args));
      assertTrue(result.getValue().contains(args[0]), "message names " + args[0] + ": " + result.getValue());
      assertFalse(result.getValue().contains("Exception"), result.getValue());
    }
  }

  @Test
  void unwritableReportPathsExitTwoBeforeTheRun(@TempDir Path dir) throws IOException {
    Path aFile = Files.writeString(dir.resolve("a-file"), "x");
    String nobody = Integer.toString(FreePorts.next());
    String[][] cases = {
      {"--json", "/proc/nope/x.json", "cannot write /proc/nope/x.json: "},
      {"--json", aFile.resolve("x.json").toString(), aFile + " is a file, not a directory"},
      {"--html", dir.toString(), "cannot write " + dir + ": it is a directory"}};
    for (String[] report : cases) {
      TestLbRuns.Captured run = TestLbRuns.inProcessCapturing("--host", "127.0.0.1", "--http-port", nobody, "--ws-port", nobody, "--timeout", "1s",
        report[0], report[1]);
      assertEquals(2, run.exitCode(), String.join(" ", report));
      assertTrue(run.err().contains("Invalid value for option '" + report[0] + "'") && run.err().contains(report[2]),
        run.err());
      assertFalse(run.out().contains("Starting"), "checked before the run started: " + run.out());
    }
    // a directory that does not exist yet is created, as the report would create it
    Path nested = dir.resolve("reports/today/r.json");
    ReportFiles.checkWritable(nested, "--json");
    assertTrue(Files.isDirectory(nested.getParent()));
    try (var left = Files.list(nested.getParent())) {
      assertEquals(0, left.count(), "the scratch file is removed");
    }
  }

  @Test
  void unreachableTargetExitsTwoQuickly() {
    int nobody = FreePorts.next();
    Map.Entry<Integer, String> result = run("--host", "127.0.0.1", "--http-port", Integer.toString(nobody),
      "--ws-port", Integer.toString(nobody), "-n", "50", "--timeout", "2s");
    assertEquals(2, result.getKey());
  }
}
