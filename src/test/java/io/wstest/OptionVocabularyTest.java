package io.wstest;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One option vocabulary for every command: found by walking Main's whole command tree (picocli's model of it), so
 * an option added later is checked without being listed here.
 */
class OptionVocabularyTest {

  /** Values for options a command cannot parse without; a new required option must be added here. */
  private static final Map<String, String> REQUIRED_SAMPLES = Map.of("--weights", "a=1");

  private static final Map<String, Duration> FORMS = new LinkedHashMap<>();

  static {
    FORMS.put("500ms", Duration.ofMillis(500));
    FORMS.put("5s", Duration.ofSeconds(5));
    FORMS.put("2m", Duration.ofMinutes(2));
    FORMS.put("1h", Duration.ofHours(1));
    FORMS.put("1.5s", Duration.ofMillis(1500));
    FORMS.put("5", Duration.ofSeconds(5)); // a bare number is seconds, as every duration option always took it
  }

  private record Run(int code, String err) {
  }

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = Commands.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    int code = cli.execute(args);
    return new Run(code, err.toString());
  }

  /** Every command of the tree with its path from the root (the root itself has the empty path). */
  private static Map<List<String>, CommandSpec> commands() {
    Map<List<String>, CommandSpec> all = new LinkedHashMap<>();
    collect(Commands.commandLine(), List.of(), all);
    return all;
  }

  private static void collect(CommandLine command, List<String> path, Map<List<String>, CommandSpec> all) {
    all.put(path, command.getCommandSpec());
    command.getSubcommands().forEach((name, sub) -> {
      if (!sub.getCommandSpec().name().equals(name)) {
        return; // an alias
      }
      List<String> subPath = new ArrayList<>(path);
      subPath.add(name);
      collect(sub, subPath, all);
    });
  }

  private static List<String> argsFor(List<String> path, CommandSpec command, String... more) {
    List<String> args = new ArrayList<>(path);
    for (CommandLine.Model.ArgSpec required : command.requiredArgs()) {
      if (!(required instanceof OptionSpec option)) {
        continue;
      }
      String sample = REQUIRED_SAMPLES.get(option.longestName());
      assertNotNull(sample, "no sample value for the required option " + option.longestName() + " of " + path);
      args.add(option.longestName());
      args.add(sample);
    }
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void everyDurationOptionOfEveryCommandTakesMsSecondsMinutesHoursAndRejectsGarbage() {
    Set<String> commandsWithDurations = new TreeSet<>();
    int checked = 0;
    CommandLine cli = Commands.commandLine(); // picocli resets every option of the parsed commands on each parse
    for (Map.Entry<List<String>, CommandSpec> entry : commands().entrySet()) {
      List<String> path = entry.getKey();
      for (OptionSpec option : entry.getValue().options()) {
        if (option.type() != Duration.class) {
          continue;
        }
        String name = option.longestName();
        for (Map.Entry<String, Duration> form : FORMS.entrySet()) {
          cli.parseArgs(argsFor(path, entry.getValue(), name, form.getKey()).toArray(String[]::new));
          CommandLine parsed = cli;
          for (String step : path) {
            parsed = parsed.getSubcommands().get(step);
          }
          assertEquals(form.getValue(), parsed.getCommandSpec().findOption(name).getValue(),
            String.join(" ", path) + " " + name + " " + form.getKey());
        }
        for (String garbage : List.of("soon", "5x", "-1s")) {
          Run bad = run(argsFor(path, entry.getValue(), name, garbage).toArray(String[]::new));
          assertEquals(2, bad.code(), String.join(" ", path) + " " + name + " '" + garbage + "': " + bad.err());
          assertTrue(bad.err().contains(name) && bad.err().contains("500ms, 5s, 2m or 1h"), bad.err());
          assertFalse(bad.err().contains("Exception"), bad.err());
        }
        commandsWithDurations.add(String.join(" ", path));
        checked++;
      }
    }
    assertTrue(commandsWithDurations.containsAll(Set.of("serve", "healthcheck", "test-lb", "test-lb spread",
      "test-lb sticky", "test-lb weights", "test-lb idle-timeout", "test-lb soak", "bench echo", "bench connect",
      "bench hold")), "duration options found in " + commandsWithDurations);
    assertTrue(checked >= 20, checked + " duration options");
  }

  @Test
  void benchConnectTakesADurationWithAUnitAndABareNumberOfSeconds() {
    CommandLine cli = Commands.commandLine();
    cli.parseArgs("bench", "connect", "--spawn", "--duration", "5s");
    CommandSpec connect = cli.getSubcommands().get("bench").getSubcommands().get("connect").getCommandSpec();
    assertEquals(Duration.ofSeconds(5), connect.findOption("--duration").getValue());
    cli = Commands.commandLine();
    cli.parseArgs("bench", "connect", "--spawn", "--duration", "5");
    connect = cli.getSubcommands().get("bench").getSubcommands().get("connect").getCommandSpec();
    assertEquals(Duration.ofSeconds(5), connect.findOption("--duration").getValue());
  }

  @Test
  void sharesAndLevelsTakeFractionsAndPercentages() {
    for (String[] scenario : new String[][] {{"sticky", "--min-sticky"}, {"weights", "--confidence"}}) {
      for (String value : List.of("0.99", "99%", " 99 % ".trim())) {
        CommandLine cli = Commands.commandLine();
        List<String> args = new ArrayList<>(List.of("test-lb", scenario[0], scenario[1], value));
        if (scenario[0].equals("weights")) {
          args.addAll(List.of("--weights", "a=1"));
        }
        cli.parseArgs(args.toArray(String[]::new));
        Object parsed = cli.getSubcommands().get("test-lb").getSubcommands().get(scenario[0]).getCommandSpec()
          .findOption(scenario[1]).getValue();
        assertEquals(0.99, (Double) parsed, 1e-9, scenario[1] + " " + value);
      }
      Run bad = run("test-lb", scenario[0], scenario[1], "most", "--weights", "a=1");
      assertEquals(2, bad.code(), bad.err());
      assertTrue(bad.err().contains(scenario[1]) && bad.err().contains("0.99 or 99%"), bad.err());
    }
  }

  @Test
  void nAndConnectionsAreOneOptionInEveryScenarioAndSocketsStaysAnAlias() {
    CommandLine testLb = Commands.commandLine().getSubcommands().get("test-lb");
    List<CommandSpec> scenarios = new ArrayList<>();
    scenarios.add(testLb.getCommandSpec());
    testLb.getSubcommands().values().forEach(sub -> scenarios.add(sub.getCommandSpec()));
    for (CommandSpec scenario : scenarios) {
      if (scenario.name().equals("handshake")) {
        // a fixed set of handshakes, one per check: no count to choose
        assertNull(scenario.findOption("--connections"), "handshake has no -n");
        continue;
      }
      OptionSpec n = scenario.findOption("-n");
      assertNotNull(n, scenario.qualifiedName() + " has -n");
      assertSame(n, scenario.findOption("--connections"), scenario.qualifiedName());
    }
    CommandSpec soak = testLb.getSubcommands().get("soak").getCommandSpec();
    assertSame(soak.findOption("--connections"), soak.findOption("--sockets"));
  }

  @Test
  void benchShortFlagsMeanOneThingInEveryScenario() {
    Map<String, Set<String>> meanings = new LinkedHashMap<>();
    for (CommandLine scenario : Commands.commandLine().getSubcommands().get("bench").getSubcommands().values()) {
      for (OptionSpec option : scenario.getCommandSpec().options()) {
        if (option.shortestName().length() == 2) {
          meanings.computeIfAbsent(option.shortestName(), k -> new TreeSet<>()).add(option.longestName());
        }
      }
    }
    assertEquals(Set.of("--concurrency"), meanings.get("-c"), "-c: connection attempts in flight");
    assertEquals(Set.of("--duration"), meanings.get("-d"), "-d: how long to measure");
    // -n: how many connections, which broadcast calls its receivers
    assertEquals(Set.of("--connections", "--receivers"), meanings.get("-n"));
  }

  @Test
  void endpointHelpListsOnlyWhatTheScenarioAccepts() {
    CommandLine testLb = Commands.commandLine().getSubcommands().get("test-lb");
    for (String oneEndpoint : List.of("sticky", "weights", "idle-timeout")) {
      OptionSpec endpoint = testLb.getSubcommands().get(oneEndpoint).getCommandSpec().findOption("--endpoint");
      String help = String.join(" ", endpoint.description());
      assertEquals("http|raw", endpoint.paramLabel(), oneEndpoint);
      assertFalse(help.contains("both"), oneEndpoint + ": " + help);
    }
    for (String anyEndpoint : List.of("spread", "soak")) {
      OptionSpec endpoint = testLb.getSubcommands().get(anyEndpoint).getCommandSpec().findOption("--endpoint");
      assertEquals("http|raw|both", endpoint.paramLabel(), anyEndpoint);
    }
  }

  @Test
  void mistypedCommandsScenariosAndOptionsGetADidYouMean() {
    Run serv = run("serv");
    assertEquals(2, serv.code(), serv.err());
    assertTrue(serv.err().contains("Did you mean") && serv.err().contains("serve"), serv.err());
    Run scenario = run("test-lb", "spraed");
    assertEquals(2, scenario.code(), scenario.err());
    assertTrue(scenario.err().contains("Did you mean") && scenario.err().contains("spread"), scenario.err());
    Run option = run("test-lb", "spread", "--conections", "5");
    assertEquals(2, option.code(), option.err());
    assertTrue(option.err().contains("--conections") && option.err().contains("--connections"), option.err());
    Run benchScenario = run("bench", "ecko");
    assertEquals(2, benchScenario.code(), benchScenario.err());
    assertTrue(benchScenario.err().contains("echo"), benchScenario.err());
  }

  @Test
  void aHostWithAPortIsAUsageErrorPointingToThePortFlagsAndUrl() {
    for (String scenario : List.of("spread", "sticky", "soak")) {
      Run run = run("test-lb", scenario, "--host", "127.0.0.1:18090");
      assertEquals(2, run.code(), run.err());
      assertTrue(run.err().contains("--host") && run.err().contains("--http-port 18090")
        && run.err().contains("--url ws://127.0.0.1:18090/ws"), run.err());
    }
    Run v6 = run("test-lb", "--host", "[::1]:18090");
    assertEquals(2, v6.code(), v6.err());
    assertTrue(v6.err().contains("--http-port 18090"), v6.err());
    Run url = run("test-lb", "--host", "ws://127.0.0.1:18090/ws");
    assertEquals(2, url.code(), url.err());
    assertTrue(url.err().contains("--url"), url.err());
    // host names and addresses, IPv6 ones included, are still hosts
    for (String host : List.of("lb.example", "127.0.0.1", "::1", "fe80::1")) {
      CommandLine cli = Commands.commandLine();
      cli.parseArgs("test-lb", "--host", host);
      assertEquals(host, cli.getSubcommands().get("test-lb").getCommandSpec().findOption("--host").getValue());
    }
  }
}
