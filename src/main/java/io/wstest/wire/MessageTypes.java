package io.wstest.wire;

/** The values of a message's {@link Fields#TYPE} (docs/protocol.md): what clients send and what the server sends. */
public final class MessageTypes {

  // the server's
  public static final String WELCOME = "welcome";
  public static final String PONG = "pong";
  public static final String ECHO = "echo";
  public static final String BROADCAST = "broadcast";
  public static final String BROADCAST_ACK = "broadcast_ack";
  public static final String INFO = "info";
  public static final String OPTIONS_ACK = "options_ack";
  public static final String ERROR = "error";
  public static final String SHUTDOWN = "shutdown";
  /** The replicas this one sees (with REDIS_URL); also a client request. */
  public static final String CLUSTER = "cluster";

  // the client's (echo, broadcast and info are both)
  public static final String PING = "ping";
  public static final String OPTIONS = "options";

  private MessageTypes() {
  }
}
