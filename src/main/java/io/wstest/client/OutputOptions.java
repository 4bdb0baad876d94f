package io.wstest.client;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How test-lb reports (picocli mixin). */
public final class OutputOptions {

  @Option(names = "--json", paramLabel = "FILE",
    description = "Also write the full report (settings, every connection, statistics, verdict) as JSON to FILE.")
  Path json;

  @Option(names = "--no-emoji",
    description = "Plain ASCII output even on a terminal (emoji are only used when stdout is a terminal).")
  boolean noEmoji;
}
