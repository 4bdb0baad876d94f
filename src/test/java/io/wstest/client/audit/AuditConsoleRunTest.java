package io.wstest.client.audit;

import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real, shortest audit in this JVM against one in-process service, its console read off a pipe: with --verbose
 * each part's own output comes through, every line marked with the part, and the card and verdict still follow.
 */
class AuditConsoleRunTest {

  private static long count(String text, String prefix, String part) {
    return text.lines().filter(l -> l.startsWith(prefix) && l.contains(part)).count();
  }

  @Test
  void verboseShowsEveryPartsOwnLinesMarkedWithThePart() throws Exception {
    InProcessService service = InProcessService.startAndWait(Map.of());
    TestLbRuns.Captured run;
    try {
      run = TestLbRuns.inProcessCapturing("audit", "--host", "127.0.0.1", "--http-port",
        Integer.toString(service.httpPort()), "--ws-port", Integer.toString(service.wsPort()), "--budget", "20s",
        "--no-drain", "-n", "3", "--expect-instances", "1", "--verbose");
    } finally {
      service.stopAndWait();
    }
    String out = run.out();
    assertEquals(0, run.exitCode(), out + run.err());
    for (String part : List.of("handshake | ", "spread | ", "spread --hold | ", "sticky | ", "idle-timeout | ")) {
      assertTrue(count(out, part, "") > 0, part + "missing: " + out);
      assertTrue(count(out, part, "Starting") > 0, part + "banner missing: " + out);
    }
    // --verbose: every connection of both spread runs, none folded
    assertEquals(3, count(out, "spread | ", "Connected to: "), out);
    assertEquals(3, count(out, "spread --hold | ", "Connected to: "), out);
    // the audit's own lines are not marked, and its card and verdict come after the parts
    int card = out.indexOf("Report card");
    assertTrue(card > out.lastIndexOf("\nspread | "), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("[OK] Audit passed")), out);
  }
}
