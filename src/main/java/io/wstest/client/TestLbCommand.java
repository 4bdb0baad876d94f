package io.wstest.client;

import io.vertx.core.Vertx;
import io.wstest.Main;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code test-lb}: opens WebSockets through a load balancer and reports which instances served them. The options
 * live in mixins (connect, spread, output) so later scenarios ({@code test-lb sticky ...}) can share them.
 */
@Command(name = "test-lb", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
  description = {"Test how a load balancer spreads WebSocket connections over websocket-test-service instances.",
    "Checks GET /health, opens N WebSockets per endpoint, reads each welcome (which instance served it), "
      + "sends a ping, and reports the spread with statistics."},
  footer = {"", "Exit codes: 0 pass; 1 test failed (fewer instances than expected, skew, weights, failed "
    + "connections); 2 usage error or unreachable target.",
    "Example: java -jar websocket-test-service.jar test-lb --host localhost --connections 10"})
public final class TestLbCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectOptions connect;

  @Mixin
  SpreadOptions spread;

  @Mixin
  OutputOptions output;

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

  /** A bad flag or value: one line naming it and a pointer to --help, exit 2 (not the whole usage text). */
  public static int usageError(ParameterException error) {
    PrintWriter err = error.getCommandLine().getErr();
    err.println("Error: " + error.getMessage());
    err.println("Run 'test-lb --help' to see every option.");
    err.flush();
    return Verdict.CANNOT_TEST;
  }

  @Override
  public Integer call() {
    boolean terminal = System.console() != null;
    TestLbSettings settings;
    try {
      settings = TestLbSettings.from(connect, spread, output, terminal);
    } catch (TestLbSettings.InvalidOption e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    quietVertxLogs();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConsoleReport console = new ConsoleReport(out, settings.emoji(), terminal);
    Vertx vertx = Vertx.vertx();
    try {
      TestLbReport report = new SpreadTest(vertx, settings, console).run();
      if (settings.jsonFile() != null) {
        try {
          report.write(settings.jsonFile());
          out.println("   JSON report: " + settings.jsonFile());
        } catch (IOException e) {
          err.println("Error: cannot write the JSON report to " + settings.jsonFile() + ": " + e.getMessage());
          err.flush();
          return Verdict.CANNOT_TEST;
        }
      }
      out.flush();
      return report.verdict().exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Verdict.FAIL;
    } catch (RuntimeException e) {
      err.println("Error: test-lb failed: " + Failure.rootMessage(e));
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
}
