package io.wstest.protocol;

/**
 * The limits every connection handler enforces, resolved once from the server configuration.
 *
 * @param maxMessageBytes     largest message accepted; larger ones close the socket with 1009
 * @param pingIntervalMillis  how often the server pings each socket; 0 = never
 * @param idleTimeoutMillis   a socket silent this long (no pong, no other frame) is closed with 1001; 0 = never
 * @param maxConnections      open WebSockets allowed in this process, both servers together; 0 = unlimited
 * @param broadcastRate       broadcasts one connection may send per second (bursts of as many); 0 = unlimited
 * @param slowConsumerLimit   broadcasts dropped for a full write queue before the socket is closed with 1008
 * @param shutdownGraceMillis after a socket's {@code shutdown} message, how long its messages are still answered
 *                            before the close; 0 = close as soon as the message is written
 * @param closeTimeoutMillis  once the server starts a close, the TCP connection is dropped this long later if the
 *                            closing handshake has not finished (a peer that stopped reading never gets the frame)
 */
public record ConnectionOptions(int maxMessageBytes, long pingIntervalMillis, long idleTimeoutMillis,
                                int maxConnections, int broadcastRate, int slowConsumerLimit,
                                long shutdownGraceMillis, long closeTimeoutMillis) {

  /** Bytes a socket may have waiting to be written before it counts as backlogged (Netty's high-water mark). */
  public static final int WRITE_QUEUE_MAX_BYTES = 64 * 1024;

  boolean keepaliveEnabled() {
    return pingIntervalMillis > 0 || idleTimeoutMillis > 0;
  }

  /**
   * How often the handler walks its sockets: a quarter of the shorter keepalive period, so pings go out and idle
   * sockets close at most 25% late, while 15,000 sockets cost one short loop every few seconds.
   */
  long keepaliveTickMillis() {
    long shortest = Long.MAX_VALUE;
    if (pingIntervalMillis > 0) {
      shortest = pingIntervalMillis;
    }
    if (idleTimeoutMillis > 0) {
      shortest = Math.min(shortest, idleTimeoutMillis);
    }
    return Math.max(10, shortest / 4);
  }
}
