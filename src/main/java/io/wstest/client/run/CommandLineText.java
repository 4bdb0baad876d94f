package io.wstest.client.run;

import io.wstest.options.SafeEcho;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The command line of a run as the reports show it: the arguments as typed, quoted for a POSIX shell where needed,
 * with the values of credential headers hidden the way the settings JSON hides them (a Cookie is shown: it is
 * the load balancer's routing cookie, as a rule), and so are the values of options named like a secret
 * ({@code --admin-token}).
 */
public final class CommandLineText {

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private CommandLineText() {
  }

  public static String of(String program, List<String> args) {
    List<String> shown = new ArrayList<>();
    shown.add(program);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--header") && i + 1 < args.size()) {
        shown.add(quote(arg));
        shown.add(quote(header(args.get(++i))));
      } else if (arg.startsWith("--header=")) {
        shown.add(quote("--header=" + header(arg.substring("--header=".length()))));
      } else if (secretOption(arg) && !arg.contains("=") && i + 1 < args.size()) {
        shown.add(quote(arg));
        shown.add(quote(SafeEcho.describe(args.get(++i))));
      } else if (secretOption(arg) && arg.contains("=")) {
        int equals = arg.indexOf('=');
        shown.add(quote(arg.substring(0, equals + 1) + SafeEcho.describe(arg.substring(equals + 1))));
      } else {
        shown.add(quote(arg));
      }
    }
    return String.join(" ", shown);
  }

  private static boolean secretOption(String arg) {
    int equals = arg.indexOf('=');
    return arg.startsWith("--") && SafeEcho.isSecretName(equals < 0 ? arg : arg.substring(0, equals));
  }

  /** "Authorization: <a value of 12 characters, not shown>"; other headers as given. */
  static String header(String header) {
    int colon = header.indexOf(':');
    if (colon <= 0) {
      return SafeEcho.describe(header); // not a header: may be anything, show nothing of it
    }
    String name = header.substring(0, colon).trim();
    return SafeEcho.isSecretName(name) && !name.equalsIgnoreCase("Cookie")
      ? ConnectSettings.shownHeader(name, header.substring(colon + 1).trim()) : header;
  }

  static String quote(String arg) {
    return PLAIN.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'";
  }
}
