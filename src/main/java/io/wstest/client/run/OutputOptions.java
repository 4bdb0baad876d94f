package io.wstest.client.run;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How test-lb reports (picocli mixin, shared by every scenario). */
public final class OutputOptions {

  @Option(names = "--json", paramLabel = "FILE",
    description = "Also write the full report (settings, every connection, statistics, verdict) as JSON to FILE.")
  Path json;

  @Option(names = "--html", paramLabel = "FILE",
    description = "Also write a self-contained HTML report with charts to FILE (opens with no network).")
  Path html;

  @Option(names = "--no-emoji",
    description = "Plain ASCII output even on a terminal (emoji are only used when stdout is a terminal).")
  boolean noEmoji;

  @Option(names = {"-q", "--quiet"},
    description = "Print only the results and the verdict (for CI logs): no banner, no per-connection lines.")
  boolean quiet;

  @Option(names = "--verbose",
    description = "Print every connection's lines; by default runs of over 20 connections print the first 5 and "
      + "every failure when stdout is not a terminal, and a progress bar over 50 on a terminal.")
  boolean verbose;
}
