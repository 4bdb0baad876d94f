package io.wstest.server;

/** A setting with a value that cannot be used; the message names the flag or env var it came from. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
