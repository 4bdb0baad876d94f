package io.wstest.client.drain;

import io.vertx.core.json.JsonObject;
import io.wstest.Commands;
import io.wstest.client.socket.WsTarget;
import io.wstest.options.InvalidOption;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
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

/**
 * {@code test-lb drain}'s flags through the real picocli command line: defaults, the token from the flag or the
 * environment, bad values exiting 2 with the flag named, and the token never repeated anywhere.
 */
class DrainArgumentsTest {

  private static final String SECRET = "Zq7-drain-secret-value";

  @TempDir
  Path dir;

  static DrainSettings settings(Map<String, String> env, String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "test-lb";
    full[1] = "drain";
    System.arraycopy(args, 0, full, 2, args.length);
    CommandLine.ParseResult parsed = Commands.commandLine().parseArgs(full);
    DrainCommand command = parsed.subcommand().subcommand().commandSpec().commandLine().getCommand();
    return DrainSettings.from(command.connect, command.drain, env);
  }

  private static TestLbRuns.Captured run(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "drain";
    System.arraycopy(args, 0, full, 1, args.length);
    return TestLbRuns.inProcessCapturing(full);
  }

  @Test
  void defaults() {
    DrainSettings s = settings(Map.of());
    assertEquals(List.of("ws://localhost:8080/ws"), s.connect().targets().stream().map(WsTarget::url).toList());
    DrainRehearsalSettings r = s.rehearsal();
    assertNull(r.adminToken(), "no flag, no ADMIN_TOKEN: the toggles must be open");
    assertEquals(Duration.ofSeconds(30), r.budget());
    assertEquals(DrainRehearsalSettings.DEFAULT_SOCKETS, r.sockets());
    assertEquals(DrainRehearsalSettings.DEFAULT_RATE, r.rate());
    assertNull(r.direct());
    assertEquals(Duration.ofSeconds(10), r.soakDuration(), "a third of the budget");
    assertEquals(Duration.ofSeconds(1), r.rampUp());
    assertEquals(Duration.ofSeconds(3), r.drainAt(), "ramp-up plus a fifth of the soak");
    assertEquals(r, new DrainRehearsalSettings(null, Duration.ofSeconds(30)), "the API's defaults are the command's");
  }

  @Test
  void everyFlagAndTheTokenFromTheEnvironment() {
    DrainSettings s = settings(Map.of("ADMIN_TOKEN", " from-env\n"), "--host", "lb.example", "--budget", "2m",
      "--sockets", "12", "--rate", "2.5", "--direct", "ws://10.0.0.5:8080/ws");
    DrainRehearsalSettings r = s.rehearsal();
    assertEquals("from-env", r.adminToken(), "trimmed like the service trims its own");
    assertEquals(Duration.ofMinutes(2), r.budget());
    assertEquals(Duration.ofSeconds(40), r.soakDuration());
    assertEquals(12, r.sockets());
    assertEquals(2.5, r.rate());
    assertEquals("ws://10.0.0.5:8080/ws", r.direct().url());
    assertEquals("from-flag", settings(Map.of("ADMIN_TOKEN", "from-env"), "--admin-token", "from-flag").rehearsal()
      .adminToken(), "the flag wins over the environment");
    assertEquals(Duration.ofMinutes(1), settings(Map.of(), "--budget", "10m").rehearsal().soakDuration(),
      "the soak is at most a minute");
    assertEquals(Duration.ofSeconds(5), settings(Map.of(), "--budget", "10s").rehearsal().soakDuration(),
      "and at least 5 s");
  }

  @Test
  void theTokenIsNeverShownInSettingsOrReports() {
    DrainRehearsalSettings r = settings(Map.of(), "--admin-token", SECRET).rehearsal();
    assertFalse(r.toString().contains(SECRET), r.toString());
    assertFalse(r.toJson().encode().contains(SECRET));
    assertEquals("given (not shown)", r.toJson().getString("admin_token"));
  }

  @Test
  void badValuesExit2NamingTheFlag() {
    assertBad("--budget", "--budget", "5s");
    assertBad("--budget", "--budget", "11m");
    assertBad("--connections", "--sockets", "0");
    assertBad("--connections", "--sockets", "201");
    assertBad("--rate", "--rate", "0");
    assertBad("--rate", "--rate", "51");
    assertBad("--direct", "--direct", "http://replica:8080/");
    assertBad("--endpoint", "--endpoint", "both");
    assertBad("--admin-token", "--admin-token", " ");
  }

  private static void assertBad(String flag, String... args) {
    TestLbRuns.Captured run = run(args);
    assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.err());
    assertTrue(run.err().contains("'" + flag + "'"), "names " + flag + ": " + run.err());
  }

  @Test
  void aBadTokenIsRefusedWithoutRepeatingIt() {
    for (String[] args : List.of(new String[] {"--admin-token", "has space " + SECRET},
      new String[] {"--admin-token=" + SECRET + "\u00e9"}, new String[] {"--admin-tokn=" + SECRET})) {
      TestLbRuns.Captured run = run(args);
      assertEquals(2, run.exitCode(), run.err());
      assertFalse(run.err().contains(SECRET) || run.out().contains(SECRET), "token repeated: " + run.err());
      assertTrue(run.err().contains("--admin-tok"), run.err());
    }
    InvalidOption fromEnv = assertThrows(InvalidOption.class,
      () -> settings(Map.of("ADMIN_TOKEN", "two words " + SECRET)));
    assertTrue(fromEnv.getMessage().contains("'ADMIN_TOKEN'"), fromEnv.getMessage());
    assertFalse(fromEnv.getMessage().contains(SECRET), fromEnv.getMessage());
  }

  /** Nothing listening: exit 2 (cannot test), and the token is neither printed nor written to the reports. */
  @Test
  void anUnreachableTargetExits2AndTheTokenStaysOut() throws Exception {
    int nobody = FreePorts.next();
    Path json = dir.resolve("drain.json");
    Path html = dir.resolve("drain.html");
    TestLbRuns.Captured run = run("--host", "127.0.0.1", "--http-port", Integer.toString(nobody), "--timeout", "2s",
      "--admin-token", SECRET, "--json", json.toString(), "--html", html.toString());
    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("cannot reach the admin toggles"), run.out());
    JsonObject report = new JsonObject(Files.readString(json, StandardCharsets.UTF_8));
    assertEquals("drain", report.getString("scenario"));
    assertFalse(report.getJsonObject("drain").getBoolean("attempted"));
    for (String text : List.of(run.out(), run.err(), report.encode(), Files.readString(html, StandardCharsets.UTF_8))) {
      assertFalse(text.contains(SECRET), "token repeated");
    }
  }
}
