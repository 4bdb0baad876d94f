package io.wstest.options;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an error message may repeat of a value the user gave. Messages that quote the bad value help with a
 * typo, but a value can be a secret: a PEM private key pasted into TLS_KEY (a Kubernetes secretKeyRef does that),
 * a token, an {@code Authorization} header. Such values, and any value too long to read, are described instead
 * of shown ({@code <PEM content, not shown>}, {@code <a value of 3,243 characters, not shown>}).
 */
public final class SafeEcho {

  /** Longer values are never echoed: nobody reads them in an error line, and keys and tokens are long. */
  public static final int MAX_ECHOED_CHARS = 100;

  /** Names of settings or headers whose values are secrets. */
  private static final Pattern SECRET_NAME = Pattern.compile(
    "(?i).*(token|password|passwd|secret|key|authorization|bearer|credential|cookie).*");
  /** A run of base64 or base64url characters long enough to be key material or a token. */
  private static final Pattern BLOB = Pattern.compile("[A-Za-z0-9+/_=-]{32,}");
  /** A single-quoted value, as picocli and this project's messages write them. */
  private static final Pattern QUOTED = Pattern.compile("'([^'\\n]*)'");
  private static final Pattern OPTION_NAME = Pattern.compile("--?[A-Za-z0-9][A-Za-z0-9-]*");

  private SafeEcho() {
  }

  /** True when the setting, option or header with this name holds a secret (its values are never echoed). */
  public static boolean isSecretName(String name) {
    return name != null && SECRET_NAME.matcher(name).matches();
  }

  /** True when the value itself looks like key material or a credential, or is too long to echo. */
  public static boolean looksSecret(String value) {
    return value.length() > MAX_ECHOED_CHARS || value.contains("-----BEGIN") || BLOB.matcher(value).find()
      || SECRET_NAME.matcher(value).matches();
  }

  /** The value quoted, or a description of it when it must not be shown. */
  public static String quote(String value) {
    return looksSecret(value) ? describe(value) : "'" + value + "'";
  }

  /** The value quoted, unless the setting's name or the value says it is secret. */
  public static String quote(String name, String value) {
    return isSecretName(name) ? describe(value) : quote(value);
  }

  /** {@code <PEM content, not shown>} or {@code <a value of N characters, not shown>}. */
  public static String describe(String value) {
    if (value.contains("-----BEGIN")) {
      return "<PEM content, not shown>";
    }
    return String.format(Locale.ROOT, "<a value of %,d characters, not shown>", value.length());
  }

  /**
   * A message with every quoted value that must not be shown replaced by its description: values that look
   * secret, and, when the message names a secret option ({@code --admin-token}), every quoted value but option
   * names. For messages written by libraries (picocli quotes unknown options and bad values).
   */
  public static String scrub(String message) {
    if (message == null) {
      return null;
    }
    boolean secretContext = SECRET_NAME.matcher(message.replace('\n', ' ')).matches();
    Matcher quoted = QUOTED.matcher(message);
    StringBuilder out = new StringBuilder();
    while (quoted.find()) {
      quoted.appendReplacement(out, Matcher.quoteReplacement(scrubOne(quoted.group(1), secretContext)));
    }
    quoted.appendTail(out);
    String scrubbed = out.toString();
    // an unquoted PEM block or an overlong line (e.g. "Unmatched arguments ...: <value>") is cut as well
    int pem = scrubbed.indexOf("-----BEGIN");
    return pem < 0 ? scrubbed : scrubbed.substring(0, pem) + "<PEM content, not shown>";
  }

  private static String scrubOne(String value, boolean secretContext) {
    if (OPTION_NAME.matcher(value).matches()) {
      return "'" + value + "'";
    }
    int equals = value.indexOf('=');
    if (value.startsWith("-") && equals > 0 && OPTION_NAME.matcher(value.substring(0, equals)).matches()) {
      // an option picocli could not use (unknown, or misspelt: --admin-tokn=...): its value is never shown
      return "'" + value.substring(0, equals) + "=" + describe(value.substring(equals + 1)) + "'";
    }
    return secretContext || looksSecret(value) ? describe(value) : "'" + value + "'";
  }
}
