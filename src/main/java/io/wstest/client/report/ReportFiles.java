package io.wstest.client.report;

import io.wstest.options.InvalidOption;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Writes a scenario's {@code --json} and {@code --html} files, creating their directories; checks them first. */
public final class ReportFiles {

  private ReportFiles() {
  }

  /**
   * Checks before the run that {@code file} can be written, so a typo in the path does not cost a whole run:
   * its directory is created (as the write would) and a scratch file made and removed in it.
   *
   * @throws InvalidOption naming {@code flag} when the directory cannot be created or written, or the path is a
   *                       directory or a read-only file
   */
  public static void checkWritable(Path file, String flag) {
    if (file == null) {
      return;
    }
    Path absolute = file.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new InvalidOption(flag, "cannot write " + file + ": it is a directory");
    }
    if (Files.exists(absolute) && !Files.isWritable(absolute)) {
      throw new InvalidOption(flag, "cannot write " + file + ": the file is read-only");
    }
    try {
      Path parent = absolute.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
        Files.delete(Files.createTempFile(parent, ".test-lb-", ".tmp"));
      }
    } catch (IOException | SecurityException e) {
      throw new InvalidOption(flag, "cannot write " + file + ": " + reason(e));
    }
  }

  private static String reason(Exception e) {
    if (e instanceof FileAlreadyExistsException exists) {
      return exists.getFile() + " is a file, not a directory";
    }
    if (e instanceof NoSuchFileException missing) {
      return "cannot create " + missing.getFile();
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return (fs.getFile() == null ? "" : fs.getFile() + ": ") + fs.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  public static void writeJson(ScenarioReport report, Path file) throws IOException {
    write(file, report.toJson().encodePrettily() + "\n");
  }

  public static void writeHtml(ScenarioReport report, Path file) throws IOException {
    write(file, report.toHtml());
  }

  /** @param commandLine the run's command line as shown in the report's header (credential values hidden) */
  public static void writeHtml(ScenarioReport report, Path file, String commandLine) throws IOException {
    write(file, report.toHtml(commandLine));
  }

  private static void write(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
