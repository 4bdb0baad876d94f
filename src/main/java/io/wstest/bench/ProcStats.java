package io.wstest.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A server process's resident memory and consumed CPU, read from /proc (Linux only). */
record ProcStats(long rssKb, long cpuTicks, int threads) {

  /** Kernel clock ticks per second: 100 on every Linux x86_64 build, which /proc/PID/stat counts in. */
  static final long TICKS_PER_SECOND = 100;

  static ProcStats read(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      // fields after the command name, which is in parentheses and may contain spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(f[11]);
      long stime = Long.parseLong(f[12]);
      int threads = Integer.parseInt(f[17]);
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
      return new ProcStats(rss, utime + stime, threads);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + " (is the server running on this Linux host?)", e);
    }
  }

  static boolean available(long pid) {
    return Files.isReadable(Path.of("/proc", Long.toString(pid), "stat"));
  }
}
