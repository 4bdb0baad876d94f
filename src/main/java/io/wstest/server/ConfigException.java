package io.wstest.server;

/**
 * A setting with a value that cannot be used; the message names the flag or env var it came from. An
 * IllegalArgumentException, so that code below the server layer (healthcheck) can handle it without knowing it.
 */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}
