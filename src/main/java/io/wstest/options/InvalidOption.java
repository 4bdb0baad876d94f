package io.wstest.options;

/** A value the user gave that cannot be used; the message starts with the flag, and test-lb exits 2 with it. */
public final class InvalidOption extends RuntimeException {

  public InvalidOption(String flag, String message) {
    super("Invalid value for option '" + flag + "': " + message);
  }
}
