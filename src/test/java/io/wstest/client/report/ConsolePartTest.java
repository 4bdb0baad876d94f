package io.wstest.client.report;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console a part of a composite run (the audit) prints to: nothing unless --verbose; with it, every line whole
 * and prefixed with the part's name, also when parts print on two threads at once.
 */
class ConsolePartTest {

  private static final int LINES = 300;

  private final StringWriter text = new StringWriter();

  private ConsoleReport console(ConsoleReport.Detail detail) {
    return new ConsoleReport(new PrintWriter(text), false, false, detail);
  }

  @Test
  void withoutVerboseAPartPrintsNothing() {
    for (ConsoleReport.Detail detail : List.of(ConsoleReport.Detail.NORMAL, ConsoleReport.Detail.QUIET)) {
      ConsoleReport part = console(detail).part("spread");
      part.line(Glyph.RESULTS, "Load Balancing Results:");
      part.detail("pod-a: 2 connections");
      part.verdict(new Verdict(Verdict.PASS, "every check held", List.of(), false));
    }
    assertEquals("", text.toString());
  }

  @Test
  void withVerboseEveryLineOfAPartCarriesItsName() {
    ConsoleReport part = console(ConsoleReport.Detail.VERBOSE).part("spread --hold");
    part.line(Glyph.OK, "Connected to: pod-a");
    part.detail("pod-a: 1 connection\nsecond line");
    assertEquals("spread --hold | [OK] Connected to: pod-a\nspread --hold |    pod-a: 1 connection\\u000asecond line\n",
      text.toString().replace(System.lineSeparator(), "\n"));
    assertEquals(ConsoleReport.Detail.VERBOSE, part.detailLevel());
  }

  @Test
  void twoPartsPrintingAtOnceInterleaveByWholeLines() throws Exception {
    ConsoleReport parent = console(ConsoleReport.Detail.VERBOSE);
    CompletableFuture<?>[] parts = IntStream.range(0, 2).mapToObj(p -> CompletableFuture.runAsync(() -> {
      ConsoleReport part = parent.part("part" + p);
      for (int i = 0; i < LINES; i++) {
        part.detail("line " + i + " of part " + p + " " + "x".repeat(200));
      }
    })).toArray(CompletableFuture[]::new);
    CompletableFuture.allOf(parts).get(30, TimeUnit.SECONDS);
    List<String> lines = text.toString().lines().toList();
    assertEquals(2 * LINES, lines.size());
    for (String line : lines) {
      assertTrue(line.matches("part(\\d) \\|    line \\d+ of part \\1 x{200}"), line);
    }
  }
}
