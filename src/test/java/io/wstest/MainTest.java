package io.wstest;

import io.wstest.identity.IdentityResolver;
import io.wstest.server.ServerConfig;
import io.wstest.server.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI without starting anything: help lists every setting, bad flags exit 2 naming the flag. */
class MainTest {

  private record Result(int code, String out, String err) { }

  private static Result run(String... args) {
    CommandLine cli = Commands.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(Main.withDefaultCommand(args));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEveryOptionWithItsEnvVarAndDefault() {
    Result result = run("--help");
    assertEquals(0, result.code());
    String help = result.out().replaceAll("\\s+", " "); // picocli wraps descriptions at any space
    for (Setting<?> setting : ServerConfig.SETTINGS) {
      assertTrue(help.contains(setting.flag()), "help lacks " + setting.flag() + ":\n" + result.out());
      assertTrue(help.contains("env: " + setting.env()), "help lacks " + setting.env() + ":\n" + result.out());
    }
    assertTrue(help.contains("default: 8080"), result.out());
    // the variables read outside the settings table, by the identity resolver and ops/LogConfigurator
    for (String env : IdentityResolver.ENV_VARS) {
      assertTrue(help.contains(env), "help lacks " + env + ":\n" + result.out());
    }
    assertTrue(help.contains("LOG_LEVEL (env only, default: INFO)"), "help lacks LOG_LEVEL:\n" + result.out());
  }

  @Test
  void unknownFlagExits2AndNamesIt() {
    Result result = run("--http-prot", "9000");
    assertEquals(2, result.code());
    assertTrue(result.err().contains("--http-prot"), result.err());
  }

  @ParameterizedTest
  @CsvSource({"--http-port, 99999", "--ws-port, 65536"})
  void badPortValueExits2AndNamesTheFlag(String flag, String value) {
    Result result = run(flag, value);
    assertEquals(2, result.code());
    assertTrue(result.err().contains(flag), result.err());
    assertTrue(result.err().contains(value), result.err());
  }

  @Test
  void picocliMessagesDoNotEchoSecrets() {
    String[][] cases = {
      {"--admin-tokn=s3cr3t-value", "--admin-tokn"},
      {"--admin-token", "s3cr3t-value", "--http-prot=1", "--http-prot"},
      {"test-lb", "--header", "Authorization Bearer s3cr3t-value", "--header"},
      {"test-lb", "--hedaer", "Authorization: Bearer s3cr3t-value", "--hedaer"},
      {"test-lb", "--connections", "s3cr3t-value" + "9".repeat(120), "--connections"},
      {"bench", "--bogus=Bearer s3cr3t-value", "--bogus"}};
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOf(c, c.length - 1);
      Result result = run(args);
      String named = c[c.length - 1];
      assertEquals(2, result.code(), String.join(" ", args) + "\n" + result.err());
      assertTrue(result.err().contains(named), "names " + named + ": " + result.err());
      assertFalse(result.err().contains("s3cr3t"), result.err());
    }
  }

  @Test
  void optionsWithoutACommandMeanServe() {
    assertEquals("serve", Main.withDefaultCommand(new String[] {"--http-port", "1"})[0]);
    assertEquals("serve", Main.withDefaultCommand(new String[0])[0]);
    assertEquals("help", Main.withDefaultCommand(new String[] {"help"})[0]);
  }

  /** Netty's JFR events are off unless the command line asks for them; an explicit value is kept. */
  @Test
  void nettyJfrEventsOffUnlessAskedFor() {
    String property = "io.netty.jfr.enabled";
    String before = System.getProperty(property);
    try {
      System.clearProperty(property);
      Main.withoutNettyJfrEvents();
      assertEquals("false", System.getProperty(property));
      System.setProperty(property, "true");
      Main.withoutNettyJfrEvents();
      assertEquals("true", System.getProperty(property));
    } finally {
      if (before == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, before);
      }
    }
  }
}
