package io.wstest.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding the JIT compiler threads of a real JVM (this one) and reading their nice values as {@code ps} does.
 * Lowering them is checked on the real service after a warm-up (WarmUpIT), not here: this JVM's compilers stay as
 * they are for the tests after this one.
 */
class CompilerThreadsTest {

  @Test
  void findsThisJvmsCompilerThreadsAndReadsTheirNiceValueAsPsDoes() throws Exception {
    long pid = ProcessHandle.current().pid();
    Map<Long, Integer> byPs = niceByPs(pid);
    List<Long> ids = compilersAlsoListed(pid, byPs);
    for (long id : ids) {
      String name = Files.readString(CompilerThreads.OWN_TASKS.resolve(id + "/comm")).strip();
      assertTrue(name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre"), name);
    }
    // their names hold a space, so their stat lines are the case the parser has to count fields around
    for (long id : ids) {
      assertEquals(byPs.get(id), CompilerThreads.niceOf(CompilerThreads.OWN_TASKS.resolve(String.valueOf(id))),
        "thread " + id);
    }
  }

  @Test
  void aNameWithParenthesesAndSpacesDoesNotShiftTheFields() {
    String stat = "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 10 0 0 0 3 1 0 0 39 19 1 0 100 1000 50";
    assertEquals(19, CompilerThreads.niceFromStat(stat));
  }

  @Test
  void withoutTheProgramItSaysSoAndLeavesThemAsTheyAre() throws Exception {
    String outcome = CompilerThreads.lower(CompilerThreads.OWN_TASKS, "/nonexistent/renice");
    assertTrue(outcome.startsWith("JIT compiler threads left at their priority: cannot run /nonexistent/renice"),
      outcome);
  }

  @Test
  void aReniceThatFailsIsReportedWithItsExitStatus() throws Exception {
    // `false` takes renice's arguments, changes nothing and exits 1: this JVM's compilers stay as they are
    String outcome = CompilerThreads.lower(CompilerThreads.OWN_TASKS, "false");
    assertTrue(outcome.matches("JIT compiler threads: 0 of \\d+ at nice 19 \\(false exited 1\\)"), outcome);
  }

  @Test
  void withoutProcItSaysSo() throws Exception {
    String outcome = CompilerThreads.lower(Path.of("/nonexistent/proc/self/task"), "renice");
    assertTrue(outcome.startsWith("JIT compiler threads left at their priority: cannot list "
      + "/nonexistent/proc/self/task ("), outcome);
  }

  @Test
  void aProcessWithoutCompilerThreadsIsLeftAlone() throws Exception {
    // a process that is not a JVM: its only thread is no compiler
    Process sleeper = new ProcessBuilder("sleep", "30").start();
    try {
      Path tasks = Path.of("/proc", String.valueOf(sleeper.pid()), "task");
      assertEquals(List.of(), CompilerThreads.ids(tasks));
      assertEquals("JIT compiler threads left at their priority: none found in " + tasks,
        CompilerThreads.lower(tasks, "renice"));
    } finally {
      sleeper.destroy();
      sleeper.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /**
   * The JIT compiler threads of process {@code pid} that {@code niceByPs} lists too, at least one: the JVM may
   * retire an idle extra compiler thread between the two readings, while its first C1 and C2 threads stay.
   */
  static List<Long> compilersAlsoListed(long pid, Map<Long, Integer> niceByPs) throws IOException {
    List<Long> compilers = CompilerThreads.ids(Path.of("/proc", String.valueOf(pid), "task"));
    List<Long> listed = compilers.stream().filter(niceByPs::containsKey).toList();
    assertFalse(listed.isEmpty(), "no compiler thread found: " + compilers + " " + niceByPs);
    return listed;
  }

  /** Thread id to nice value, as {@code ps -L} lists them. */
  static Map<Long, Integer> niceByPs(long pid) throws IOException, InterruptedException {
    Process ps = new ProcessBuilder("ps", "-L", "-o", "tid=,ni=", "-p", String.valueOf(pid)).start();
    String listed = new String(ps.getInputStream().readAllBytes());
    assertTrue(ps.waitFor(10, TimeUnit.SECONDS));
    return listed.lines().map(String::strip).filter(line -> !line.isEmpty()).map(line -> line.split("\\s+"))
      .collect(Collectors.toMap(f -> Long.parseLong(f[0]), f -> Integer.parseInt(f[1])));
  }
}
