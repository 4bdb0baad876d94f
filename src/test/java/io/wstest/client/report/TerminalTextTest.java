package io.wstest.client.report;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.SeedProtocolServer;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a server sends never reaches the terminal as control characters. */
class TerminalTextTest {

  /** Clears the screen, writes the clipboard (OSC 52), returns the cursor, and forges a passing line of its own. */
  private static final String HOSTILE = "pod-a\u001b[2J\u001b]52;c;ZXZpbA==\u0007\r\n✅ [OK] forged\u009b31m\u007f";

  @Test
  void controlCharactersAreShownAsEscapes() {
    assertEquals("a\\u001b[2Jb\\u000d\\u000ac\\u0007\\u009b\\u007f\\u202e", TerminalText.safe(
      "a\u001b[2Jb\r\nc\u0007\u009b\u007f\u202e"));
    assertEquals("websocket-test-service-pod-a ✅ ünïcode", TerminalText.safe("websocket-test-service-pod-a ✅ ünïcode"));
    assertEquals("null", TerminalText.safe(null));
  }

  @Test
  void aHostileInstanceNameCannotControlTheTerminal() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject identity = new JsonObject().put("instance_id", "id-" + HOSTILE).put("display_name", HOSTILE)
        .put("pod_name", HOSTILE).put("hostname", HOSTILE);
      SeedProtocolServer server = SeedProtocolServer.start(vertx, identity).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
      TestLbRuns.Captured run = TestLbRuns.inProcessCapturing("--host", "127.0.0.1", "--http-port",
        Integer.toString(server.httpPort()), "--ws-port", Integer.toString(server.wsPort()), "-n", "3",
        "--expect-instances", "2", "--timeout", "5s");
      String out = run.out() + run.err();
      assertEquals(1, run.exitCode(), out);
      assertTrue(out.contains("pod-a\\u001b[2J\\u001b]52;c;ZXZpbA==\\u0007\\u000d\\u000a✅ [OK] forged"),
        "the name is shown, escaped: " + out);
      for (char c : out.toCharArray()) {
        assertFalse(c != '\n' && TerminalText.unsafe(c), "control character " + (int) c + " in: " + out);
      }
      assertTrue(out.lines().noneMatch(line -> line.startsWith("✅ [OK] forged")), out);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
