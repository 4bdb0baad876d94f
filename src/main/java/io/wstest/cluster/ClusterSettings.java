package io.wstest.cluster;

/**
 * What clustering needs, resolved from REDIS_URL, REDIS_PASSWORD / REDIS_PASSWORD_FILE and CLUSTER_HEARTBEAT.
 *
 * @param password        the Redis password (from the URL or a separate setting), or null
 * @param heartbeatMillis how often this replica tells the others it is alive; it counts as gone after
 *                        {@link #EXPIRY_HEARTBEATS} of them without a word
 */
public record ClusterSettings(RedisEndpoint endpoint, String password, long heartbeatMillis) {

  /** Heartbeats a replica may miss before the others drop it from their view. */
  public static final int EXPIRY_HEARTBEATS = 3;

  public long expiryMillis() {
    return EXPIRY_HEARTBEATS * heartbeatMillis;
  }

  @Override
  public String toString() {
    return "ClusterSettings[" + endpoint.masked() + ", heartbeat " + heartbeatMillis + " ms]";
  }
}
