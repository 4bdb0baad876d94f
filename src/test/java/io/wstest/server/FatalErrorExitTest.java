package io.wstest.server;

import io.wstest.runtime.FatalErrors;
import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process whose event loop is gone or whose heap is exhausted ends with a non-zero status, so its orchestrator
 * restarts it, instead of staying alive answering nothing. Each case runs in a process of its own (a real JVM,
 * Vert.x built as {@code serve} builds it) because the process is meant to end.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FatalErrorExitTest {

  private record Ended(int status, String output) {
  }

  @Test
  void outOfMemoryInAHandlerEndsTheProcess() throws Exception {
    Ended ended = run("out-of-memory-in-handler");
    assertEquals(FatalErrors.EXIT_STATUS, ended.status(), ended.output());
    assertTrue(ended.output().contains("FatalErrors - ERROR - Fatal: java.lang.OutOfMemoryError"), ended.output());
  }

  @Test
  void anEventLoopThatEndsEndsTheProcess() throws Exception {
    Ended ended = run("event-loop-ends");
    assertEquals(FatalErrors.EXIT_STATUS, ended.status(), ended.output());
    assertTrue(ended.output().contains("Fatal: a Vert.x event loop ended while the service was running"),
      ended.output());
  }

  @Test
  void aStackOverflowInOneHandlerIsReportedAndTheProcessCarriesOn() throws Exception {
    Ended ended = run("stack-overflow-in-handler");
    assertEquals(0, ended.status(), ended.output());
    assertTrue(ended.output().contains("ServiceVertx - ERROR - Unhandled exception"), ended.output());
    assertTrue(ended.output().contains("still running"), ended.output());
  }

  @Test
  void closingVertxOnPurposeIsNotAFatalError() throws Exception {
    Ended ended = run("closed-on-purpose");
    assertEquals(0, ended.status(), ended.output());
    assertTrue(ended.output().contains("closed"), ended.output());
  }

  private static Ended run(String event) throws IOException, InterruptedException {
    List<String> command = List.of(ServiceProcess.testJava().toString(), "-Xmx64m",
      "-cp", System.getProperty("java.class.path"), FatalErrorProcess.class.getName(), event);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      // ends by itself: an event that ends it, or after its 30 s wait
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Ended(process.waitFor(), output);
    } finally {
      process.destroyForcibly();
    }
  }
}
