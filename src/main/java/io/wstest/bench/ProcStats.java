package io.wstest.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A server process's resident memory and consumed CPU, read from /proc (Linux only). The CPU is kept as the kernel
 * splits it: user time (the server's own code, its JIT and collector) and system time (its system calls and the TCP
 * work the kernel does for it; in a virtual machine also what the hypervisor charges for them). Servers differ
 * mostly in the first: the service and the bare baseline make the same system calls per connection and per echo.
 * On a virtual host both swing with the host's load (docs/performance.md, "Connect churn").
 */
record ProcStats(long rssKb, long userTicks, long systemTicks) {

  /** Kernel clock ticks per second: 100 on every Linux x86_64 build, which /proc/PID/stat counts in. */
  static final long TICKS_PER_SECOND = 100;

  static ProcStats read(long pid) {
    try {
      return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII),
        Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + " (is the server running on this Linux host?)", e);
    }
  }

  /** From the text of /proc/PID/stat and the lines of /proc/PID/status. */
  static ProcStats parse(String stat, List<String> status) {
    // fields after the command name, which is in parentheses and may contain spaces
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long rss = 0;
    for (String line : status) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    return new ProcStats(rss, Long.parseLong(f[11]), Long.parseLong(f[12]));
  }

  long cpuTicks() {
    return userTicks + systemTicks;
  }

  /**
   * Puts the server's CPU microseconds per unit of work between two samples into {@code figures}: {@code
   * <prefix>cpu_us_per_<unit>}, and its user and system parts as {@code <prefix>user_us_per_<unit>} and {@code
   * <prefix>sys_us_per_<unit>}. Nothing without samples or work.
   */
  static void putCpuPer(JsonObject figures, String prefix, String unit, Optional<ProcStats> before,
                        Optional<ProcStats> after, long units) {
    if (before.isEmpty() || after.isEmpty() || units <= 0) {
      return;
    }
    ProcStats b = before.get();
    ProcStats a = after.get();
    figures.put(prefix + "cpu_us_per_" + unit, microsPer(a.cpuTicks() - b.cpuTicks(), units))
      .put(prefix + "user_us_per_" + unit, microsPer(a.userTicks - b.userTicks, units))
      .put(prefix + "sys_us_per_" + unit, microsPer(a.systemTicks - b.systemTicks, units));
  }

  /** The CPU used between two samples, in percent of one CPU over {@code seconds} of wall time. */
  static double cpuPercent(ProcStats before, ProcStats after, double seconds) {
    return Report.round((after.cpuTicks() - before.cpuTicks()) * 100.0 / TICKS_PER_SECOND / seconds, 1);
  }

  private static double microsPer(long ticks, long units) {
    return Report.round(ticks * 1e6 / TICKS_PER_SECOND / units, 2);
  }

  static boolean available(long pid) {
    return Files.isReadable(Path.of("/proc", Long.toString(pid), "stat"));
  }
}
