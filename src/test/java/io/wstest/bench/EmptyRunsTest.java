package io.wstest.bench;

import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.TestLbRuns;
import io.wstest.testsupport.TestLbRuns.Captured;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs that measure nothing, against a loopback port nothing listens on: the table is still printed, the command
 * says why (the first failure's reason, for {@code hold}) and ends with exit code 1, so a script does not take an
 * empty table for a result.
 */
class EmptyRunsTest {

  @Test
  void holdCountsFailedConnectionsShowsTheFirstReasonAndExitsOne() {
    Captured run = TestLbRuns.command("bench", "hold", "--url", "ws://127.0.0.1:" + FreePorts.next() + "/",
      "--connections", "3", "--rate", "100", "--hold", "0", "--client-warmup", "0");
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.out().matches("(?s).*failures\\s+3\\n.*"), run.out());
    assertTrue(run.err().contains("Note: 3 of 3 connections failed (the first: "), run.err());
    assertTrue(run.err().contains("Connection refused"), run.err());
    assertTrue(run.err().contains("Error: run 1 against target measured nothing: no connection was established"
      + " (3 failed)"), run.err());
  }

  @Test
  void connectChurnWithoutOneHandshakeExitsOne() {
    Captured run = TestLbRuns.command("bench", "connect", "--url", "ws://127.0.0.1:" + FreePorts.next() + "/",
      "--concurrency", "2", "--duration", "300ms", "--warmup", "0", "--max-handshakes", "50", "--client-warmup", "0");
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.out().matches("(?s).*handshakes\\s+0\\n.*"), run.out());
    assertTrue(run.err().matches("(?s).*Error: run 1 against target measured nothing: no handshake completed "
      + "\\([1-9][0-9]* failed\\).*"), run.err());
  }
}
