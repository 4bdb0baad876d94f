package io.wstest.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a scenario's {@code --json} and {@code --html} files, creating their directories. */
final class ReportFiles {

  private ReportFiles() {
  }

  static void writeJson(ScenarioReport report, Path file) throws IOException {
    write(file, report.toJson().encodePrettily() + "\n");
  }

  static void writeHtml(ScenarioReport report, Path file) throws IOException {
    write(file, report.toHtml());
  }

  private static void write(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
