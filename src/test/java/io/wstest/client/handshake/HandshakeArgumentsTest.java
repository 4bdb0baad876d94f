package io.wstest.client.handshake;

import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** test-lb handshake's flags as the user types them, through the real picocli command line. */
class HandshakeArgumentsTest {

  @Test
  void badValuesExitTwoNamingTheFlag() {
    String[][] cases = {
      {"--direct", "http://127.0.0.1:1/ws"},
      {"--subprotocol", "not a token"},
      {"--pings", "0"},
      {"--pings", "1001"},
      {"--endpoint", "both"},
      {"--timeout", "soon"},
    };
    for (String[] flag : cases) {
      String[] args = {"handshake", flag[0], flag[1]};
      TestLbRuns.Output run = TestLbRuns.inProcess(args);
      assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.text());
      assertTrue(run.text().contains(flag[0]), "names " + flag[0] + ": " + run.text());
      assertFalse(run.text().contains("Exception"), run.text());
    }
  }

  @Test
  void helpNamesEveryCheckAndTheExitCodes() {
    TestLbRuns.Captured help = TestLbRuns.inProcessCapturing("handshake", "--help");
    assertEquals(0, help.exitCode());
    for (String text : new String[] {"--direct", "--subprotocol", "--origin", "--pings", "426", "permessage-deflate",
      "MAX_MESSAGE_BYTES", "Exit codes"}) {
      assertTrue(help.out().contains(text), text + " in: " + help.out());
    }
  }
}
