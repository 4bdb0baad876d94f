package io.wstest.options;

import io.wstest.options.SafeEcho;

/**
 * A value the user gave that cannot be used; the message starts with the flag, and test-lb exits 2 with it.
 * Quoted values that look secret or are overlong are described instead of shown ({@link SafeEcho}).
 */
public final class InvalidOption extends RuntimeException {

  public InvalidOption(String flag, String message) {
    super("Invalid value for option '" + flag + "': " + SafeEcho.scrub(message));
  }
}
