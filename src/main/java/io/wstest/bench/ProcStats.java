package io.wstest.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A server process's resident memory and consumed CPU, read from /proc (Linux only). */
record ProcStats(long rssKb, long cpuTicks) {

  /** Kernel clock ticks per second: 100 on every Linux x86_64 build, which /proc/PID/stat counts in. */
  static final long TICKS_PER_SECOND = 100;

  static ProcStats read(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      // fields after the command name, which is in parentheses and may contain spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(f[11]);
      long stime = Long.parseLong(f[12]);
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
      return new ProcStats(rss, utime + stime);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + " (is the server running on this Linux host?)", e);
    }
  }

  /** Server CPU microseconds per unit of work between two samples; empty without samples or work. */
  static java.util.Optional<Double> cpuMicrosPer(java.util.Optional<ProcStats> before,
                                                 java.util.Optional<ProcStats> after, long units) {
    if (before.isEmpty() || after.isEmpty() || units <= 0) {
      return java.util.Optional.empty();
    }
    long ticks = after.get().cpuTicks() - before.get().cpuTicks();
    return java.util.Optional.of(Report.round(ticks * 1e6 / TICKS_PER_SECOND / units, 2));
  }

  static boolean available(long pid) {
    return Files.isReadable(Path.of("/proc", Long.toString(pid), "stat"));
  }
}
