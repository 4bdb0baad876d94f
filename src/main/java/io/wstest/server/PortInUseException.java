package io.wstest.server;

/** A server could not bind its port; the message names the port and the setting that chose it. */
public final class PortInUseException extends RuntimeException {
  public PortInUseException(String message, Throwable cause) {
    super(message, cause);
  }
}
