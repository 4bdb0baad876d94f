package io.wstest.client.audit;

import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** test-lb audit's flags as the user types them, through the real picocli command line. */
class AuditArgumentsTest {

  @Test
  void badValuesExitTwoNamingTheFlag() {
    String[][] cases = {
      {"--budget", "10s"},
      {"--budget", "2h"},
      {"--budget", "soon"},
      {"--budget", "20s", "--timeout", "10s"},
      {"--fail-on", "error"},
      {"--lb", "f5"},
      {"--connections", "1"},
      {"--expect-sticky", "--expect-not-sticky"},
      {"--no-drain", "--admin-token", "t0ken"},
      {"--direct", "http://127.0.0.1:1/ws"},
      {"--endpoint", "both"},
      {"--min-idle", "0s"},
      {"--expect-instances", "0"},
    };
    for (String[] flags : cases) {
      String[] args = new String[flags.length + 1];
      args[0] = "audit";
      System.arraycopy(flags, 0, args, 1, flags.length);
      TestLbRuns.Output run = TestLbRuns.inProcess(args);
      String flag = flags[0].equals("--no-drain") ? "--admin-token" : flags[0];
      assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.text());
      assertTrue(run.text().contains(flag), "names " + flag + ": " + run.text());
      assertFalse(run.text().contains("Exception"), run.text());
    }
  }

  @Test
  void theAdminTokenIsNeverEchoed() {
    String token = "s3cr3t-admin-token-value";
    TestLbRuns.Output run = TestLbRuns.inProcess("audit", "--admin-token", token, "--no-drain");
    assertEquals(2, run.exitCode());
    assertFalse(run.text().contains(token), run.text());
    TestLbRuns.Output blank = TestLbRuns.inProcess("audit", "--admin-token", " ");
    assertEquals(2, blank.exitCode());
    assertTrue(blank.text().contains("--admin-token"), blank.text());
  }

  @Test
  void nothingListeningExitsTwo() {
    int port = FreePorts.next();
    TestLbRuns.Captured run = TestLbRuns.inProcessCapturing("audit", "--url", "ws://127.0.0.1:" + port + "/ws",
      "--timeout", "1s", "--budget", "20s");
    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("Cannot reach the target"), run.out());
  }

  @Test
  void helpNamesTheBudgetTheFixesAndTheExitCodes() {
    TestLbRuns.Captured help = TestLbRuns.inProcessCapturing("audit", "--help");
    assertEquals(0, help.exitCode());
    for (String text : new String[] {"--budget", "--admin-token", "--fail-on", "--expect-sticky", "--lb",
      "ingress-nginx", "Exit codes", "skipped"}) {
      assertTrue(help.out().contains(text), text + " in: " + help.out());
    }
  }
}
