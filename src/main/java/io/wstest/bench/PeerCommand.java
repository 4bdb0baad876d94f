package io.wstest.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code --peer NAME=COMMAND}: another WebSocket server that speaks the seed protocol (welcome on open,
 * ping → pong, echo, broadcast to every socket, {@code /health}), started by bench next to the service so that
 * both are measured by the same scenario and load generator.
 *
 * <p>The command is split into arguments here, never by a shell: whitespace separates arguments; {@code '...'}
 * keeps everything inside literally; {@code "..."} groups, and inside it a backslash escapes only {@code "} and
 * {@code \}; outside quotes a backslash escapes the next character. No variables, globs, pipes or redirections
 * (your own shell has expanded {@code $PEER_GO} before bench sees the value; for environment variables use
 * {@code env NAME=VALUE program ...}). In every argument {@code {http}} and {@code {ws}} become the two free
 * loopback ports bench picked for this start; both must appear.
 */
record PeerCommand(String name, List<String> template) {

  static final String HTTP = "{http}";
  static final String WS = "{ws}";
  /** Names of the servers bench runs itself; a peer cannot take them. */
  static final List<String> RESERVED = List.of("service", "baseline", "target");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");

  PeerCommand {
    template = List.copyOf(template);
  }

  /** Parses {@code NAME=COMMAND}; the message of the exception says what is wrong, for a usage error. */
  static PeerCommand parse(String value) {
    int eq = value.indexOf('=');
    if (eq < 0) {
      // the value itself is not repeated: a command line may carry a secret
      throw new IllegalArgumentException("the value has no '=': expected NAME=COMMAND, e.g. go=/path/peer-go "
        + "-http {http} -ws {ws}");
    }
    String name = value.substring(0, eq).trim();
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("peer name '" + name + "' is not 1-32 letters, digits, '.', '_' or '-' "
        + "(starting with a letter or digit)");
    }
    if (RESERVED.contains(name)) {
      throw new IllegalArgumentException("peer name '" + name + "' is taken by bench's own " + name + " server");
    }
    List<String> args;
    try {
      args = split(value.substring(eq + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage());
    }
    if (args.isEmpty()) {
      throw new IllegalArgumentException(name + ": the command is empty");
    }
    for (String placeholder : List.of(HTTP, WS)) {
      if (args.stream().noneMatch(a -> a.contains(placeholder))) {
        throw new IllegalArgumentException(name + ": the command has no " + placeholder + " (the port bench picks "
          + "for " + (placeholder.equals(HTTP) ? "its /health" : "its WebSockets") + ")");
      }
    }
    return new PeerCommand(name, args);
  }

  /** The arguments with {@code {http}} and {@code {ws}} replaced by these ports. */
  List<String> command(int httpPort, int wsPort) {
    List<String> command = new ArrayList<>(template.size());
    for (String arg : template) {
      command.add(arg.replace(HTTP, Integer.toString(httpPort)).replace(WS, Integer.toString(wsPort)));
    }
    return command;
  }

  /**
   * The program, if it can be found: a path with a '/' must be an executable file, a bare name must be one on
   * the PATH. Empty when it is fine, else what is wrong.
   */
  Optional<String> programProblem(String pathVariable) {
    String program = template.get(0);
    if (program.contains("/")) {
      return Files.isRegularFile(Path.of(program)) && Files.isExecutable(Path.of(program))
        ? Optional.empty()
        : Optional.of(name + ": " + program + " is not an executable file");
    }
    for (String dir : (pathVariable == null ? "" : pathVariable).split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program)) && !Files.isDirectory(Path.of(dir, program))) {
        return Optional.empty();
      }
    }
    return Optional.of(name + ": " + program + " is not on the PATH");
  }

  /** Splits a command line into arguments with the quoting rules in the class comment. */
  static List<String> split(String line) {
    List<String> args = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inArg = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inArg) {
          args.add(current.toString());
          current.setLength(0);
          inArg = false;
        }
        i++;
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated ' at character " + (i + 1));
        }
        current.append(line, i + 1, end);
        inArg = true;
        i = end + 1;
      } else if (c == '"') {
        int j = i + 1;
        while (true) {
          if (j >= line.length()) {
            throw new IllegalArgumentException("unterminated \" at character " + (i + 1));
          }
          char d = line.charAt(j);
          if (d == '"') {
            break;
          }
          if (d == '\\' && j + 1 < line.length() && (line.charAt(j + 1) == '"' || line.charAt(j + 1) == '\\')) {
            current.append(line.charAt(j + 1));
            j += 2;
          } else {
            current.append(d);
            j++;
          }
        }
        inArg = true;
        i = j + 1;
      } else if (c == '\\') {
        if (i + 1 >= line.length()) {
          throw new IllegalArgumentException("a backslash at the end escapes nothing");
        }
        current.append(line.charAt(i + 1));
        inArg = true;
        i += 2;
      } else {
        current.append(c);
        inArg = true;
        i++;
      }
    }
    if (inArg) {
      args.add(current.toString());
    }
    return args;
  }
}
