package io.wstest;

import io.wstest.bench.BenchCommand;
import io.wstest.client.EndpointHelp;
import io.wstest.client.TestLbCommand;
import io.wstest.lab.LabCommand;
import io.wstest.ops.HealthcheckCommand;
import io.wstest.options.UsageError;
import io.wstest.server.ServeCommand;
import picocli.CommandLine;

/**
 * The jar's command line: {@link Main} as the top command, {@code serve} and the client-side commands below it.
 * Apart from {@link Main} so that a start without flags never loads picocli (Main's javadoc says why).
 */
public final class Commands {

  private Commands() {
  }

  /** Every command: what {@code --help} lists and the tests parse with. */
  public static CommandLine commandLine() {
    return commandLine(false);
  }

  /**
   * With {@code serveOnly}, only {@code serve} is built: picocli reads every command's options by reflection when
   * it is added, about 200 ms of the service's start-to-ready for the client commands' hundred options
   * (docs/performance.md). A serve command line never reaches the others.
   */
  static CommandLine commandLine(boolean serveOnly) {
    CommandLine cli = new CommandLine(new Main());
    cli.addSubcommand(new ServeCommand());
    if (!serveOnly) {
      cli.addSubcommand(new TestLbCommand());
      EndpointHelp.tailor(cli.getSubcommands().get("test-lb"));
      cli.addSubcommand(new BenchCommand());
      cli.addSubcommand(new LabCommand());
      cli.addSubcommand(new HealthcheckCommand(ServeCommand::localService));
      cli.addSubcommand(new CommandLine.HelpCommand());
    }
    ServeCommand.addSettingOptions(cli.getSubcommands().get("serve").getCommandSpec());
    cli.setParameterExceptionHandler(new UsageError());
    return cli;
  }
}
