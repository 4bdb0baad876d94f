package io.wstest;

import io.wstest.identity.Version;
import io.wstest.server.ServeCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

import java.util.Set;

/**
 * The fat jar's entry point: {@code serve} (the default), plus the client-side commands and {@code lab} (replicas
 * of this jar behind a local load balancer). Exit codes: 0 ok,
 * 1 runtime failure (port in use, test failed), 2 usage error (bad flag or value). The command line itself is built
 * by {@link Commands}: the java launcher resolves the types of every public method of the main class before it
 * calls {@code main}, so a public method here that returned picocli's {@code CommandLine} made every start, the
 * image's included, load and parse that 72 KB class from the jar (picocli's classes cannot be in an AppCDS
 * archive) before the first line of {@code main}. Measured with the class log: 5-10 ms of the start (the launcher's
 * 25-34 ms became 1-4 ms; the rest was opening the jar, which the first class or resource read from it still pays).
 */
// scope INHERIT: every command and scenario gets --help and --version from here
@Command(name = "websocket-test-service", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
  versionProvider = Version.class,
  description = "WebSocket load-balancer test service and client.")
public final class Main {

  private static final Set<String> TOP_LEVEL_ONLY = Set.of("-V", "--version", "help");

  public static void main(String[] args) {
    withoutNettyJfrEvents();
    int code = run(args);
    if (code != 0 || !isServe(args)) {
      System.exit(code);
    }
  }

  /**
   * Netty registers its allocator's JFR events when it starts unless {@code io.netty.jfr.enabled} is false: JFR
   * generates a handler class per event type at run time, about 130 classes and a sixth of the service's CPU time
   * to ready (1,490 -> 1,240 ms on a loaded CPU, AppCDS as the image). Only a JFR recording that asks for Netty's
   * events would see them; {@code -Dio.netty.jfr.enabled=true} brings them back.
   */
  static void withoutNettyJfrEvents() {
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
  }

  /** Runs a command and returns its exit code; {@code serve} returns only after the service stopped. */
  public static int run(String... args) {
    String[] command = withDefaultCommand(args);
    if (command.length == 1 && command[0].equals("serve")) {
      // nothing to parse: start without building the command line (ServeCommand#serveWithoutFlags says why)
      try {
        return ServeCommand.serveWithoutFlags();
      } catch (RuntimeException e) {
        // what picocli does with a command that throws: the trace and exit 1 (main then ends the process, whose
        // Vert.x threads would otherwise keep it running half-started)
        e.printStackTrace();
        return 1;
      }
    }
    return Commands.commandLine(command[0].equals("serve")).execute(command);
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
}
