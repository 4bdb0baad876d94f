package io.wstest.bench;

import io.wstest.Main;
import io.wstest.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A churn where no handshake completed prints its table and still ends with exit code 1, saying why. */
class NothingMeasuredTest {

  @Test
  void connectChurnWithoutOneHandshakeExitsOne() {
    int nothingListens = FreePorts.next();
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("bench", "connect", "--url", "ws://127.0.0.1:" + nothingListens + "/", "--concurrency",
      "2", "--duration", "300ms", "--warmup", "0", "--max-handshakes", "50", "--client-warmup", "0");
    assertEquals(1, code, err.toString());
    assertTrue(out.toString().matches("(?s).*handshakes\\s+0\\n.*"), out.toString());
    assertTrue(err.toString().matches("(?s).*Error: run 1 against target measured nothing: no handshake completed "
      + "\\([1-9][0-9]* failed\\).*"), err.toString());
  }
}
