package io.wstest.bench;

import io.wstest.Main;
import io.wstest.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench hold} says why connections failed, not only how many (the figures per connection leave them out), and
 * a run where every connection failed ends the command with exit code 1.
 */
class HoldFailuresTest {

  @Test
  void failedConnectionsAreCountedAndTheFirstReasonIsShown() {
    int nothingListens = FreePorts.next();
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("bench", "hold", "--url", "ws://127.0.0.1:" + nothingListens + "/", "--connections", "3",
      "--rate", "100", "--hold", "0", "--client-warmup", "0");
    assertEquals(1, code, err.toString());
    assertTrue(out.toString().matches("(?s).*failures\\s+3\\n.*"), out.toString());
    assertTrue(err.toString().contains("Note: 3 of 3 connections failed (the first: "), err.toString());
    assertTrue(err.toString().contains("Connection refused"), err.toString());
    assertTrue(err.toString().contains("Error: run 1 against target measured nothing: no connection was established"
      + " (3 failed)"), err.toString());
  }
}
