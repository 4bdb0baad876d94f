package io.wstest.client.run;

import io.vertx.core.Vertx;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.ReportFiles;
import io.wstest.client.report.ScenarioReport;
import io.wstest.client.report.TerminalText;
import io.wstest.client.report.Verdict;
import io.wstest.client.socket.Failure;
import io.wstest.options.InvalidOption;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one test-lb scenario the same way for every scenario command: settings checked (a bad value exits 2
 * naming its flag), a Vert.x instance for the run, the console report, the {@code --json}/{@code --html} files,
 * and the verdict's exit code.
 */
public final class TestLbRun {

  private TestLbRun() {
  }

  /**
   * @param scenario builds the scenario from its options; throws {@link InvalidOption} for an unusable value
   */
  public static int execute(CommandSpec spec, OutputOptions output, Function<ReportSettings, Scenario> scenario) {
    rejectOptionsBeforeTheScenarioName(spec);
    ReportSettings report;
    Scenario ready;
    try {
      report = ReportSettings.from(output, ReportSettings.stdoutIsTerminal());
      ready = scenario.apply(report);
      ReportFiles.checkWritable(report.jsonFile(), "--json");
      ReportFiles.checkWritable(report.htmlFile(), "--html");
    } catch (InvalidOption e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    quietVertxLogs();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConsoleReport console = new ConsoleReport(out, report.emoji(), report.terminal(), report.detail());
    Vertx vertx = Vertx.vertx();
    try {
      ScenarioReport result = ready.run(vertx, console);
      String commandLine = CommandLineText.of("websocket-test-service",
        spec.root().commandLine().getParseResult().originalArgs());
      if (!write(result, report.jsonFile(), "JSON", out, err, commandLine)
        || !write(result, report.htmlFile(), "HTML", out, err, commandLine)) {
        return Verdict.CANNOT_TEST;
      }
      out.flush();
      return result.verdict().exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Verdict.FAIL;
    } catch (RuntimeException e) {
      err.println("Error: test-lb failed: " + TerminalText.safe(Failure.rootMessage(e)));
      err.flush();
      return Verdict.FAIL;
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway; Vert.x threads are not left waiting for anything
      }
    }
  }

  private static boolean write(ScenarioReport result, Path file, String kind, PrintWriter out, PrintWriter err,
                               String commandLine) {
    if (file == null) {
      return true;
    }
    try {
      if (kind.equals("JSON")) {
        ReportFiles.writeJson(result, file);
      } else {
        ReportFiles.writeHtml(result, file, commandLine);
      }
      out.println("   " + kind + " report: " + file);
      return true;
    } catch (IOException e) {
      err.println("Error: cannot write the " + kind + " report to " + file + ": " + e.getMessage());
      err.flush();
      return false;
    }
  }

  /**
   * {@code test-lb --host x sticky} would parse {@code --host} as test-lb's own (spread) option and silently
   * run sticky against localhost; say where the options go instead.
   */
  private static void rejectOptionsBeforeTheScenarioName(CommandSpec spec) {
    CommandSpec parent = spec.parent();
    if (parent != null && "test-lb".equals(parent.name())
      && !parent.commandLine().getParseResult().matchedOptions().isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Invalid order: put the options after the scenario name, "
        + "e.g. test-lb " + spec.name() + " --host HOST (" + parent.commandLine().getParseResult().matchedOptions()
        .get(0).longestName() + " came before '" + spec.name() + "')");
    }
  }

  /**
   * Vert.x logs client-side connection trouble (evicted connections, resets) as warnings; test-lb reports every
   * such failure itself, per connection, so those log lines would only interleave with its output.
   */
  private static void quietVertxLogs() {
    for (String name : new String[] {"io.vertx", "io.netty"}) {
      if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
        logger.setLevel(ch.qos.logback.classic.Level.ERROR);
      }
    }
  }
}
