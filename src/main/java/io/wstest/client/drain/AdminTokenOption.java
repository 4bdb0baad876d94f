package io.wstest.client.drain;

import io.wstest.options.InvalidOption;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * {@code --admin-token}, or the {@code ADMIN_TOKEN} environment variable: how test-lb reaches the service's admin
 * toggles ({@code test-lb drain}, and the audit's drain rehearsal). A picocli mixin; the value is never repeated
 * in an error, a console line or a report.
 */
public final class AdminTokenOption {

  /** The service's name for its token; test-lb reads the same variable when --admin-token is not given. */
  public static final String ENV = "ADMIN_TOKEN";

  /** No picocli default from the environment: a default value could end up in --help or an error message. */
  @Option(names = "--admin-token", paramLabel = "TOKEN",
    description = "The service's ADMIN_TOKEN, sent as 'Authorization: Bearer' to the admin toggles for the drain "
      + "rehearsal (default: the ADMIN_TOKEN environment variable; prefer it: flags show in ps). Without one the "
      + "rehearsal runs only when the toggles are open (the service has no ADMIN_TOKEN). Never printed or written "
      + "to a report.")
  String flag;

  /** Whether --admin-token was given (the environment not counted). */
  public boolean given() {
    return flag != null;
  }

  /**
   * The token from --admin-token, else from {@link #ENV} in {@code env}, checked; null when neither is set.
   *
   * @param env the environment ({@code System.getenv()}; a map in tests)
   */
  public String resolve(Map<String, String> env) {
    if (flag != null) {
      return checked("--admin-token", flag);
    }
    String fromEnv = env.get(ENV);
    return fromEnv != null ? checked(ENV, fromEnv) : null;
  }

  /**
   * The token as the service takes it: surrounding white space (a secret file's last line break) trimmed, then
   * printable ASCII without spaces, since it travels in a header. The message never contains the value.
   */
  static String checked(String source, String raw) {
    String token = raw.trim();
    if (token.isEmpty()) {
      throw new InvalidOption(source, "is empty (leave it out when the service has no ADMIN_TOKEN)");
    }
    for (int i = 0; i < token.length(); i++) {
      char ch = token.charAt(i);
      if (ch <= ' ' || ch > '~') {
        throw new InvalidOption(source, "a token of printable ASCII without spaces is expected: character " + (i + 1)
          + " of " + token.length() + " is a space, a control character or not ASCII (the value is not shown)");
      }
    }
    return token;
  }
}
