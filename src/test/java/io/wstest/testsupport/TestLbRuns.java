package io.wstest.testsupport;

import io.vertx.core.json.JsonObject;
import io.wstest.Commands;
import io.wstest.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs test-lb (and, for quick exits, any command) the way the tests need it: in this JVM through {@link Main#run}
 * with {@code --json} and {@code --html} reports (returning the JSON, after checking the HTML is self-contained), or
 * as the fat jar.
 */
public final class TestLbRuns {

  private TestLbRuns() {
  }

  /** {@code --host 127.0.0.1 --http-port P --ws-port Q} for a load balancer, then the given arguments. */
  public static List<String> through(LoadBalancerProcess lb, String... more) {
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--http-port", Integer.toString(lb.httpPort()),
      "--ws-port", Integer.toString(lb.wsPort())));
    args.addAll(List.of(more));
    return args;
  }

  /**
   * Runs {@code test-lb <args>} in this JVM with JSON and HTML reports named after {@code name} in {@code dir},
   * checks the exit code (also in the report) and the HTML report, and returns the JSON report.
   */
  public static JsonObject testLb(Path dir, String name, int expectedExit, List<String> args) {
    Path json = dir.resolve(name + ".json");
    Path html = dir.resolve(name + ".html");
    List<String> full = new ArrayList<>(List.of("test-lb"));
    full.addAll(args);
    full.addAll(List.of("--json", json.toString(), "--html", html.toString()));
    int exit = Main.run(full.toArray(String[]::new));
    JsonObject report;
    try {
      report = new JsonObject(Files.readString(json, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(name + ": no JSON report (exit " + exit + ")", e);
    }
    assertEquals(expectedExit, exit, name + ": " + report.getJsonObject("verdict").encodePrettily());
    assertEquals(expectedExit, report.getJsonObject("verdict").getInteger("exit_code"));
    assertSelfContainedHtml(html, report);
    return report;
  }

  public static JsonObject testLb(Path dir, String name, int expectedExit, String... args) {
    return testLb(dir, name, expectedExit, List.of(args));
  }

  /**
   * The HTML report opens with no network: no script, nothing loaded from anywhere, and it carries the same
   * verdict as the JSON report.
   */
  public static void assertSelfContainedHtml(Path html, JsonObject report) {
    String page;
    try {
      page = Files.readString(html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("no HTML report at " + html, e);
    }
    assertTrue(page.startsWith("<!DOCTYPE html>"), html.toString());
    assertTrue(page.trim().endsWith("</html>"), html.toString());
    for (String forbidden : List.of("<script", " src=", " href=", "@import", "url(")) {
      assertFalse(page.contains(forbidden), html + " contains " + forbidden);
    }
    assertTrue(page.contains("(exit " + report.getJsonObject("verdict").getInteger("exit_code") + ")"), html.toString());
    assertTrue(page.contains("test-lb " + report.getString("scenario")), html.toString());
  }

  public static List<JsonObject> objects(JsonObject report, String arrayField) {
    return report.getJsonArray(arrayField).stream().map(JsonObject.class::cast).collect(Collectors.toList());
  }

  public record Output(int exitCode, String text) {
  }

  /**
   * Runs {@code test-lb <args>} in this JVM through the real command line, for usage errors and quick exits:
   * the exit code and what it wrote to stderr (stdout is discarded).
   */
  public static Output inProcess(String... args) {
    Captured run = inProcessCapturing(args);
    return new Output(run.exitCode(), run.err());
  }

  public record Captured(int exitCode, String out, String err) {
  }

  /** As {@link #inProcess}, keeping what test-lb wrote to stdout too. */
  public static Captured inProcessCapturing(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "test-lb";
    System.arraycopy(args, 0, full, 1, args.length);
    return command(full);
  }

  /** Any of the jar's commands ({@code bench hold ...}) in this JVM through the real command line, captured. */
  public static Captured command(String... args) {
    CommandLine cli = Commands.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(out));
    int code = cli.execute(args);
    return new Captured(code, out.toString(), err.toString());
  }

  /** The fat jar as a process (real System.exit), its output read until it exits by itself (bounded). */
  public static Output runJar(String... args) throws Exception {
    Process process = ServiceProcess.launch(List.of(args), Map.of(), null);
    CompletableFuture<String> text = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("test-lb did not stop by itself: " + String.join(" ", args));
    }
    return new Output(process.exitValue(), text.get(10, TimeUnit.SECONDS));
  }
}
