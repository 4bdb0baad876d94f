package io.wstest.client.run;

import io.wstest.client.report.ConsoleReport;
import io.wstest.options.InvalidOption;

import java.io.Console;
import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * How a test-lb run reports, from {@link OutputOptions}: the optional JSON and HTML files, and whether the
 * console may use emoji and redraw progress lines (only on a terminal).
 */
public record ReportSettings(Path jsonFile, Path htmlFile, boolean emoji, boolean terminal,
                             ConsoleReport.Detail detail) {

  /** {@code Console.isTerminal()}, new in JDK 22; null on older JDKs (the jar targets 17). */
  private static final Method CONSOLE_IS_TERMINAL = consoleIsTerminalMethod();

  /** @throws InvalidOption when both --quiet and --verbose are given */
  public static ReportSettings from(OutputOptions o, boolean terminal) {
    if (o.quiet && o.verbose) {
      throw new InvalidOption("--quiet", "cannot be combined with --verbose");
    }
    return new ReportSettings(o.json, o.html, terminal && !o.noEmoji, terminal,
      o.quiet ? ConsoleReport.Detail.QUIET : o.verbose ? ConsoleReport.Detail.VERBOSE : ConsoleReport.Detail.NORMAL);
  }

  /** True when this process's standard output is a terminal, so CI logs and pipes get plain lines. */
  public static boolean stdoutIsTerminal() {
    Console console = System.console();
    return isTerminal(console != null, console == null ? null : consoleSaysTerminal(console));
  }

  /**
   * Up to JDK 21, {@code System.console()} exists only when stdin and stdout are a terminal. From JDK 22 it may
   * exist with stdout piped (JLine's console was the default on JDK 22-24), and only {@code isTerminal()} says.
   *
   * @param consolePresent    {@code System.console() != null}
   * @param consoleIsTerminal {@code Console.isTerminal()}, or null where the JDK lacks it
   */
  public static boolean isTerminal(boolean consolePresent, Boolean consoleIsTerminal) {
    return consolePresent && (consoleIsTerminal == null || consoleIsTerminal);
  }

  public static Method consoleIsTerminalMethod() {
    try {
      return Console.class.getMethod("isTerminal");
    } catch (NoSuchMethodException olderThanJdk22) {
      return null;
    }
  }

  private static Boolean consoleSaysTerminal(Console console) {
    if (CONSOLE_IS_TERMINAL == null) {
      return null;
    }
    try {
      return (Boolean) CONSOLE_IS_TERMINAL.invoke(console);
    } catch (ReflectiveOperationException e) {
      return false; // cannot tell: plain output is always readable
    }
  }
}
