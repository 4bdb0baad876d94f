package io.wstest.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * After a WARMUP, the JIT's compiler threads get the lowest scheduling priority (nice {@value #NICE}), so on a CPU
 * they share with the event loops, the event loops run first.
 *
 * <p>Why: the warm-up compiles the paths real traffic takes, but the first real clients still make the JIT compile
 * more, for example the handshake path of 2,000 new sockets. On one CPU, the C1 and C2 threads then take turns with
 * the event loop in the middle of the first broadcast: with {@code perf record}, the event loop's writes come in
 * bursts between the compilers' runs. Measured with {@code WARMUP=5s bench broadcast --spawn --server-cds
 * --receivers 2000 --rounds 10 --repeat 3}, a jar without this against one with it in 4 alternating pairs
 * (docs/performance.md, "Warm-up before ready"): first round 39.7 → 24.8 ms, 1.46 → 1.04 times the warm median
 * (medians of 12 runs); the warm median stayed the same. At nice 10 it did not help (33.6–49.5 ms, 5 runs). Only
 * after a warm-up: in a cold replica the compilers are what makes it fast, and at nice 19 its first round took
 * 95–103 ms against 82–91 ms. Compilation is not stopped: the compilers still get a CPU that is idle, or a small
 * share of a busy one.
 *
 * <p>How: Java has no call that sets a thread's nice value. The JVM sets its compiler threads' priority only with
 * {@code -XX:ThreadPriorityPolicy=1}, which prints a warning at every start when the JVM does not run as root. So
 * {@code renice} (util-linux, in every Debian or Ubuntu image such as eclipse-temurin, or busybox) runs once, on the
 * threads that {@code /proc/self/task} names C1 or C2 CompilerThread. Lowering its own threads' priority needs no
 * privilege. A compiler thread that the JVM adds later is started by a compiler thread, and so it inherits that
 * thread's nice value.
 */
final class CompilerThreads {

  private static final Logger LOG = LoggerFactory.getLogger(CompilerThreads.class);
  static final int NICE = 19;
  static final Path OWN_TASKS = Path.of("/proc/self/task");
  private static final long RENICE_TIMEOUT_MS = 5_000;
  /** The kernel keeps 15 characters of a thread's name: "C2 CompilerThread0" is "C2 CompilerThre". */
  private static final Pattern COMPILER = Pattern.compile("C[12] CompilerThre.*");
  /** How every outcome that changed nothing begins. */
  private static final String LEFT = "JIT compiler threads left at their priority: ";

  private CompilerThreads() {
  }

  /** On a worker thread; never fails: the outcome is one INFO line. */
  static Future<Void> lowerPriority(Vertx vertx) {
    return vertx.executeBlocking(() -> lower(OWN_TASKS, "renice"), false)
      .otherwise(failure -> LEFT + failure)
      .onSuccess(LOG::info)
      .mapEmpty();
  }

  /** Runs {@code renice} (the program) on the compiler threads listed under {@code tasks}; says what came of it. */
  static String lower(Path tasks, String renice) throws IOException, InterruptedException {
    List<Long> ids;
    try {
      ids = ids(tasks);
    } catch (IOException e) {
      // no /proc: not Linux (a developer's macOS), where nice values are not the event loops' problem anyway
      return LEFT + "cannot list " + tasks + " (" + e + ")";
    }
    if (ids.isEmpty()) {
      return LEFT + "none found in " + tasks;
    }
    List<String> command = new ArrayList<>(List.of(renice, "-n", String.valueOf(NICE), "-p"));
    ids.forEach(id -> command.add(String.valueOf(id)));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return LEFT + "cannot run " + renice + " (" + e.getMessage() + ")";
    }
    if (!process.waitFor(RENICE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      return LEFT + renice + " did not finish in " + RENICE_TIMEOUT_MS + " ms";
    }
    String output;
    try (InputStream printed = process.getInputStream()) {
      output = new String(printed.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    long lowered = ids.stream().filter(id -> niceOf(tasks.resolve(String.valueOf(id))) == NICE).count();
    if (lowered < ids.size()) {
      return "JIT compiler threads: " + lowered + " of " + ids.size() + " at nice " + NICE + " (" + renice
        + " exited " + process.exitValue() + (output.isEmpty() ? "" : ": " + output) + ")";
    }
    return "JIT compiler threads (" + ids.size() + ") at nice " + NICE + " after the warm-up: on a CPU they "
      + "share with the event loops, the event loops run first";
  }

  /** The ids of the JIT compiler threads among the tasks of one process ({@code /proc/PID/task}). */
  static List<Long> ids(Path tasks) throws IOException {
    List<Long> ids = new ArrayList<>();
    try (Stream<Path> listed = Files.list(tasks)) {
      for (Path task : listed.sorted().toList()) {
        try {
          if (COMPILER.matcher(Files.readString(task.resolve("comm")).strip()).matches()) {
            ids.add(Long.parseLong(task.getFileName().toString()));
          }
        } catch (IOException | NumberFormatException gone) {
          // a thread that ended while listed, or not a task directory: not a compiler thread to lower
        }
      }
    }
    return ids;
  }

  /** A task's nice value, from its {@code stat}; {@link Integer#MIN_VALUE} when it cannot be read. */
  static int niceOf(Path task) {
    try {
      return niceFromStat(Files.readString(task.resolve("stat")));
    } catch (IOException | RuntimeException e) {
      return Integer.MIN_VALUE;
    }
  }

  /**
   * The 19th field of a {@code stat} line. The name in parentheses may hold spaces and ')' (proc(5)), so the fields
   * are counted from the last ')': the 3rd field (state) follows it, and the nice value is the 17th from there.
   */
  static int niceFromStat(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
    return Integer.parseInt(fields[16]);
  }
}
