package io.wstest.client.run;

import io.wstest.options.SafeEcho;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The command line of a run as the reports show it: the arguments as typed, quoted for a POSIX shell where needed,
 * with the values of credential headers hidden the way the settings JSON hides them (a Cookie is shown: it is
 * the load balancer's routing cookie, as a rule).
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
      } else {
        shown.add(quote(arg));
      }
    }
    return String.join(" ", shown);
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
