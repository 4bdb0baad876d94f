package io.wstest.client;

import io.wstest.Commands;
import io.wstest.client.sticky.StickyCommand;
import io.wstest.client.sticky.StickySettings;
import io.wstest.client.weights.WeightsCommand;
import io.wstest.client.weights.WeightsSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flags of {@code test-lb sticky} and {@code test-lb weights} as the user types them, through the real picocli command line. */
class ScenarioArgumentsTest {

  static <T> T command(String scenario, String... args) {
    List<String> full = new ArrayList<>(List.of("test-lb", scenario));
    full.addAll(List.of(args));
    CommandLine.ParseResult parsed = Commands.commandLine().parseArgs(full.toArray(String[]::new));
    return parsed.subcommand().subcommand().commandSpec().commandLine().getCommand();
  }

  private static StickySettings settings(String... args) {
    return command("sticky", args) instanceof StickyCommand c ? c.settings() : null;
  }

  private static WeightsSettings weights(String... args) {
    return command("weights", args) instanceof WeightsCommand c ? c.settings() : null;
  }

  /** Runs {@code test-lb <args>} in-process with stderr captured; returns exit code and stderr. */
  static Map.Entry<Integer, String> run(String... args) {
    CommandLine cli = Commands.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    List<String> full = new ArrayList<>(List.of("test-lb"));
    full.addAll(List.of(args));
    return Map.entry(cli.execute(full.toArray(String[]::new)), err.toString());
  }

  /** Each case exits 2 with a one-line message naming its first word (the flag), and no stack trace. */
  static void assertUsageErrors(String scenario, String[][] cases) {
    for (String[] args : cases) {
      List<String> full = new ArrayList<>(List.of(scenario));
      full.addAll(List.of(args));
      Map.Entry<Integer, String> result = run(full.toArray(String[]::new));
      assertEquals(2, result.getKey(), String.join(" ", full));
      assertTrue(result.getValue().contains(args[0]), "message names " + args[0] + ": " + result.getValue());
      assertFalse(result.getValue().contains("Exception"), result.getValue());
    }
  }

  @Test
  void stickyDefaults() {
    StickySettings s = settings();
    assertEquals("ws://localhost:8080/ws", s.target().url(), "the HTTP endpoint only");
    assertEquals(20, s.connections());
    assertEquals(0.99, s.minSticky());
    assertTrue(s.control());
    assertEquals(List.of(), s.headerCookies());
  }

  @Test
  void everyStickyFlagIsParsed() {
    StickySettings s = settings("--host", "lb.example", "--ws-port", "81", "--endpoint", "raw", "-n", "50",
      "--min-sticky", "95%", "--no-control", "--header", "Cookie: SRV=b1", "--header", "X-Route: b2",
      "--header", "cookie: other=1");
    assertEquals("ws://lb.example:81/", s.target().url());
    assertEquals(50, s.connections());
    assertEquals(0.95, s.minSticky(), 1e-12);
    assertFalse(s.control());
    assertEquals(List.of("SRV=b1", "other=1"), s.headerCookies());
    assertEquals(List.of(Map.entry("X-Route", "b2")), s.otherHeaders());
    assertEquals(0.5, settings("--min-sticky", "0.5").minSticky());
    assertEquals("wss://ingress.example:443/ws", settings("--url", "wss://ingress.example/ws").target().url());
  }

  @Test
  void badStickyValuesExitTwoNamingTheFlag() {
    assertUsageErrors("sticky", new String[][] {
      {"--connections", "1"}, {"--connections", "10001"}, {"--connections", "lots"}, {"--min-sticky", "1.01"},
      {"--min-sticky", "-0.1"}, {"--min-sticky", "most"}, {"--endpoint", "both"}, {"--header", "no colon"},
      {"--timeout", "forever"}, {"--bogus"}});
  }

  @Test
  void optionsBeforeTheScenarioNameAreRefused() {
    Map.Entry<Integer, String> result = run("--host", "x", "sticky");
    assertEquals(2, result.getKey());
    assertTrue(result.getValue().contains("put the options after the scenario name"), result.getValue());
  }

  @Test
  void weightsDefaultsAndFlags() {
    WeightsSettings s = weights("--weights", "v1=90,v2=10");
    assertEquals("ws://localhost:8080/ws", s.target().url());
    assertEquals(Map.of("v1", 90.0, "v2", 10.0), s.weights().byName());
    assertEquals("version", s.field());
    assertEquals(200, s.connections());
    assertEquals(1, s.concurrency());
    assertEquals(0.95, s.confidence());
    assertEquals("v1=90,v2=10", s.weightsText());

    WeightsSettings all = weights("--weights", "pod-a=2.5,pod-b=1", "--field", "pod_name", "-n", "1000",
      "--concurrency", "4", "--confidence", "99.5%", "--endpoint", "raw");
    assertEquals("pod_name", all.field());
    assertEquals(1000, all.connections());
    assertEquals(4, all.concurrency());
    assertEquals(0.995, all.confidence(), 1e-12);
    assertEquals("pod-a=2.5,pod-b=1", all.weightsText());
    assertEquals("ws://localhost:8765/", all.target().url());
  }

  @Test
  void badWeightsValuesExitTwoNamingTheFlag() {
    assertUsageErrors("weights", new String[][] {
      {"--weights", "v1"}, {"--weights", "v1=-1"}, {"--weights", "v1=0,v2=0"}, {"--weights", "v1=1,v1=2"},
      {"--field", "colour", "--weights", "v1=1"}, {"--confidence", "1", "--weights", "v1=1"},
      {"--confidence", "0.3", "--weights", "v1=1"}, {"--confidence", "sure", "--weights", "v1=1"},
      {"--connections", "0", "--weights", "v1=1"}, {"--concurrency", "0", "--weights", "v1=1"},
      {"--endpoint", "both", "--weights", "v1=1"}});
    Map.Entry<Integer, String> missing = run("weights", "--host", "127.0.0.1");
    assertEquals(2, missing.getKey());
    assertTrue(missing.getValue().contains("--weights"), missing.getValue());
  }

  @Test
  void theSpreadWeightsOptionStillMatchesInstanceNames() {
    Map.Entry<Integer, String> result = run("spread", "--weights", "a=1,a=2");
    assertEquals(2, result.getKey());
    assertTrue(result.getValue().contains("--weights") && result.getValue().contains("'a' is given twice"),
      result.getValue());
  }
}
