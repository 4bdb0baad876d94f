package io.wstest.options;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;

/**
 * How every command reports a usage error: one line naming the flag or value and what is wrong, picocli's
 * "Did you mean" suggestions for a mistyped command, scenario or option, and where the full list of options is;
 * exit code 2. Not the whole usage text, which would bury the one line that matters.
 */
public final class UsageError implements IParameterExceptionHandler {

  /** The exit code of every usage error. */
  public static final int EXIT_CODE = 2;

  @Override
  public int handleParseException(ParameterException error, String[] args) {
    return report(error);
  }

  public static int report(ParameterException error) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    // picocli quotes the arguments it could not use: a secret or an overlong value is left out (SafeEcho).
    err.println("Error: " + SafeEcho.scrub(error.getMessage()));
    UnmatchedArgumentException.printSuggestions(error, err);
    err.println("Run '" + command.getCommandSpec().qualifiedName(" ").replaceFirst("^websocket-test-service ", "")
      + " --help' to see every option.");
    err.flush();
    return EXIT_CODE;
  }
}
