package io.wstest.client.idle;

import java.util.Locale;

/** What a test-lb idle-timeout socket sends while it waits, to see whether that keeps it through the load balancer. */
public enum Keepalive {
  /** Nothing at all: the server's pings are off too, so the load balancer sees a silent connection. */
  NONE("silent"),
  /** A WebSocket ping frame every interval (control frames: what browsers cannot send, but most clients can). */
  PING("a WebSocket ping every %s"),
  /** A small JSON message ({@code {"type":"ping"}}) every interval, which the server answers with a pong message. */
  DATA("a ping message every %s");

  private final String description;

  Keepalive(String description) {
    this.description = description;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** "silent", "a WebSocket ping every 20s" ... */
  public String describe(String interval) {
    return String.format(Locale.ROOT, description, interval);
  }

  /** Parses one of none, ping, data; null when it is none of them. */
  public static Keepalive parse(String text) {
    for (Keepalive k : values()) {
      if (k.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    return null;
  }
}
