package io.wstest.wire;

/** The values of a broadcast's {@link Fields#SCOPE} (docs/protocol.md, cluster broadcast). */
public final class Scopes {
  /** The sockets of the replica that received the broadcast: the default. */
  public static final String LOCAL = "local";
  /** Every socket of every replica sharing the service's Redis. */
  public static final String CLUSTER = "cluster";

  private Scopes() {
  }
}
