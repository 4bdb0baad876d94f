package io.wstest.client;

import java.nio.file.Path;

/**
 * How a test-lb run reports, from {@link OutputOptions}: the optional JSON and HTML files, and whether the
 * console may use emoji and redraw progress lines (only on a terminal).
 */
public record ReportSettings(Path jsonFile, Path htmlFile, boolean emoji, boolean terminal) {

  public static ReportSettings from(OutputOptions o, boolean terminal) {
    return new ReportSettings(o.json, o.html, terminal && !o.noEmoji, terminal);
  }
}
