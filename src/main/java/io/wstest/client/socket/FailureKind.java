package io.wstest.client.socket;

import io.vertx.core.http.UpgradeRejectedException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Why a connection attempt failed, in the words an operator searches for. */
public enum FailureKind {
  /** The host name did not resolve. */
  DNS,
  /** Nothing listens on the port (TCP reset on connect), or no route to the host. */
  REFUSED,
  /** A step (connect, welcome, pong, close) took longer than {@code --timeout}. */
  TIMEOUT,
  /** TLS handshake failed (for self-signed wss use {@code --insecure}). */
  TLS,
  /** The server answered the upgrade with a status other than 101. */
  HANDSHAKE_STATUS,
  /** The socket was closed before the welcome and pong arrived. */
  CLOSED,
  /**
   * The server does not speak this service's protocol: the first message is not a welcome with an instance_id,
   * a text message is not JSON, a binary message arrived, a pong answers another ping, or the server does not
   * take the server_ping connection option. (No welcome at all is a {@link #TIMEOUT} in the welcome stage.)
   */
  PROTOCOL,
  /** Anything else; the detail says what. */
  ERROR;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Maps a connect failure to its kind by walking the cause chain. */
  public static FailureKind classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UpgradeRejectedException) {
        return HANDSHAKE_STATUS;
      }
      if (t instanceof UnknownHostException) {
        return DNS;
      }
      if (t instanceof SSLException) {
        return TLS;
      }
      String name = t.getClass().getSimpleName();
      if (t instanceof TimeoutException || name.contains("Timeout")) {
        return TIMEOUT;
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return REFUSED;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return ERROR;
  }
}
