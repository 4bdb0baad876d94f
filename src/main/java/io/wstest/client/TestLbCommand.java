package io.wstest.client;

import io.wstest.Main;
import io.wstest.client.idle.IdleTimeoutCommand;
import io.wstest.client.report.Verdict;
import io.wstest.client.soak.SoakCommand;
import io.wstest.client.spread.SpreadCommand;
import io.wstest.client.spread.SpreadOptions;
import io.wstest.client.sticky.StickyCommand;
import io.wstest.client.weights.WeightsCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code test-lb}: opens WebSockets through a load balancer and measures what it does with them. Without a
 * scenario name it runs {@code spread} (the seed's test); the other scenarios are subcommands that share the
 * connect and output options (mixins).
 */
@Command(name = "test-lb", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
  description = {"Test how a load balancer treats WebSockets to websocket-test-service instances.",
    "Without a scenario: the spread test (same as 'test-lb spread'). Scenario options go after its name: "
      + "test-lb sticky --host HOST."},
  subcommands = {SpreadCommand.class, StickyCommand.class, IdleTimeoutCommand.class, SoakCommand.class,
    WeightsCommand.class},
  footer = {"", "Exit codes: 0 pass; 1 test failed (fewer instances than expected, skew, weights, failed "
    + "connections); 2 usage error or unreachable target.",
    "Example: java -jar websocket-test-service.jar test-lb --host localhost --connections 10",
    "Help for a scenario: java -jar websocket-test-service.jar test-lb sticky --help"})
public final class TestLbCommand implements Callable<Integer>, ScenarioCommand {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectOptions connect;

  @Mixin
  SpreadOptions spread;

  @Mixin
  OutputOptions output;

  /** A bad flag or value: one line naming it and a pointer to --help, exit 2 (not the whole usage text). */
  public static int usageError(ParameterException error) {
    PrintWriter err = error.getCommandLine().getErr();
    err.println("Error: " + error.getMessage());
    err.println("Run '" + error.getCommandLine().getCommandSpec().qualifiedName(" ")
      .replaceFirst("^websocket-test-service ", "") + " --help' to see every option.");
    err.flush();
    return Verdict.CANNOT_TEST;
  }

  @Override
  public Integer call() {
    return SpreadCommand.run(spec, connect, spread, output);
  }
}
