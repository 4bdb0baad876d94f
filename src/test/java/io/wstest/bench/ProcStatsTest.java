package io.wstest.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server's CPU as /proc splits it, user and system time, per unit of work. */
class ProcStatsTest {

  /** A stat line as the kernel writes it, with a name that holds a space and a ')' to split after. */
  private static String stat(long utime, long stime) {
    return "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 9000 0 3 0 " + utime + " " + stime + " 0 0 20 0 30 0";
  }

  @Test
  void parsesUserAndSystemTicksAfterTheLastParenthesisAndTheResidentSet() {
    ProcStats stats = ProcStats.parse(stat(250, 75), List.of("Name:\tjava", "VmRSS:\t   71088 kB", "Threads:\t30"));
    assertEquals(250, stats.userTicks());
    assertEquals(75, stats.systemTicks());
    assertEquals(325, stats.cpuTicks());
    assertEquals(71088, stats.rssKb());
  }

  @Test
  void cpuPerUnitComesWithItsUserAndSystemParts() {
    ProcStats before = new ProcStats(1, 100, 40);
    ProcStats after = new ProcStats(1, 130, 60);  // 0.3 s user, 0.2 s system at 100 ticks/s
    JsonObject figures = new JsonObject();
    ProcStats.putCpuPer(figures, "server_", "handshake", Optional.of(before), Optional.of(after), 5_000);
    assertEquals(new JsonObject().put("server_cpu_us_per_handshake", 100.0)
      .put("server_user_us_per_handshake", 60.0).put("server_sys_us_per_handshake", 40.0), figures);
  }

  @Test
  void cpuPercentIsOfOneCpuOverTheWallTime() {
    // 0.5 s of CPU (30 user + 20 system ticks) in 2 s: a quarter of one CPU
    assertEquals(25.0, ProcStats.cpuPercent(new ProcStats(1, 100, 40), new ProcStats(1, 130, 60), 2.0));
  }

  @Test
  void nothingWithoutASampleOrWork() {
    JsonObject figures = new JsonObject();
    Optional<ProcStats> sample = Optional.of(new ProcStats(1, 1, 1));
    ProcStats.putCpuPer(figures, "server_", "msg", Optional.empty(), sample, 10);
    ProcStats.putCpuPer(figures, "server_", "msg", sample, sample, 0);
    assertTrue(figures.isEmpty(), figures.encode());
  }
}
