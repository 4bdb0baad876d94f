package io.wstest;

import io.wstest.bench.BenchCommand;
import io.wstest.client.ScenarioCommand;
import io.wstest.client.TestLbCommand;
import io.wstest.identity.IdentityResolver;
import io.wstest.ops.HealthcheckCommand;
import io.wstest.options.SafeEcho;
import io.wstest.server.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Set;

/**
 * The fat jar's entry point: {@code serve} (the default), plus the client-side commands. Exit codes: 0 ok,
 * 1 runtime failure (port in use, test failed), 2 usage error (bad flag or value).
 */
@Command(name = "websocket-test-service", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
  description = "WebSocket load-balancer test service and client.")
public final class Main {

  private static final Set<String> TOP_LEVEL_ONLY = Set.of("-V", "--version", "help");

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0 || !isServe(args)) {
      System.exit(code);
    }
  }

  /** Runs a command and returns its exit code; {@code serve} returns only after the service stopped. */
  public static int run(String... args) {
    String[] command = withDefaultCommand(args);
    return commandLine(command[0].equals("serve")).execute(command);
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
      cli.addSubcommand(new BenchCommand());
      cli.addSubcommand(new HealthcheckCommand());
      cli.addSubcommand(new CommandLine.HelpCommand());
    }
    ServeCommand.addSettingOptions(cli.getSubcommands().get("serve").getCommandSpec());
    CommandLine.IParameterExceptionHandler standard = cli.getParameterExceptionHandler();
    cli.setParameterExceptionHandler((error, args) -> error.getCommandLine().getCommand() instanceof ScenarioCommand
      ? TestLbCommand.usageError(error) : secretSafe(standard, error, args));
    return cli;
  }

  /**
   * picocli's own messages quote the arguments they could not use ("Unknown option: '--admin-tokn=...'"): when
   * that would show a secret or an overlong value, the message is printed without it, still naming the option,
   * with the same exit code (2).
   */
  private static int secretSafe(CommandLine.IParameterExceptionHandler standard, CommandLine.ParameterException error,
                                String[] args) throws Exception {
    String scrubbed = SafeEcho.scrub(error.getMessage());
    if (scrubbed.equals(error.getMessage())) {
      return standard.handleParseException(error, args);
    }
    CommandLine cli = error.getCommandLine();
    cli.getErr().println("Error: " + scrubbed);
    cli.getErr().println("Run '" + cli.getCommandSpec().qualifiedName(" ").replaceFirst("^websocket-test-service ", "")
      + " --help' to see every option.");
    cli.getErr().flush();
    return cli.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** No command, or options only: the user means {@code serve}. */
  static String[] withDefaultCommand(String[] args) {
    if (args.length > 0 && (!args[0].startsWith("-") || TOP_LEVEL_ONLY.contains(args[0]))) {
      return args;
    }
    String[] withServe = new String[args.length + 1];
    withServe[0] = "serve";
    System.arraycopy(args, 0, withServe, 1, args.length);
    return withServe;
  }

  private static boolean isServe(String[] args) {
    return withDefaultCommand(args)[0].equals("serve");
  }

  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"websocket-test-service " + IdentityResolver.buildVersion()};
    }
  }
}
