package io.wstest.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import io.wstest.wire.Fields;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide connection bookkeeping, shared by every verticle instance of both servers through Vert.x's
 * local shared data. Each replica (JVM) counts only its own sockets; the other replicas are reached through
 * the {@link ClusterLink}, when one is attached.
 */
public final class ConnectionRegistry implements Shareable {

  private static final String MAP = "wstest.process";
  private static final String KEY = "connections";

  private final AtomicInteger http = new AtomicInteger();
  private final AtomicInteger raw = new AtomicInteger();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicInteger hubs = new AtomicInteger();
  /** Sockets admitted and not yet closed, handshakes in progress included: what MAX_CONNECTIONS limits. */
  private final AtomicInteger admitted = new AtomicInteger();
  /** The other replicas (REDIS_URL), or null when clustering is off. */
  private volatile ClusterLink cluster;

  private ConnectionRegistry() {
  }

  /** The registry of this Vert.x instance, created on first use. */
  public static ConnectionRegistry of(Vertx vertx) {
    return vertx.sharedData().<String, ConnectionRegistry>getLocalMap(MAP)
      .computeIfAbsent(KEY, k -> {
        ConnectionHandler.registerCodec(vertx);
        return new ConnectionRegistry();
      });
  }

  /** Counts a new socket on the given server ("http" or "raw") and returns its process-unique number. */
  long opened(String server) {
    counter(server).incrementAndGet();
    return opened.incrementAndGet();
  }

  void closed(String server) {
    counter(server).decrementAndGet();
  }

  /**
   * Reserves a place for one more socket unless {@code max} (0 = unlimited) are already admitted. Atomic, so
   * event loops racing for the last place cannot overshoot. Every successful call is matched by {@link #release}.
   */
  boolean tryAdmit(int max) {
    if (max <= 0) {
      admitted.incrementAndGet();
      return true;
    }
    int current;
    do {
      current = admitted.get();
      if (current >= max) {
        return false;
      }
    } while (!admitted.compareAndSet(current, current + 1));
    return true;
  }

  void release() {
    admitted.decrementAndGet();
  }

  /** Places taken under MAX_CONNECTIONS right now: open sockets plus handshakes in progress. */
  int admitted() {
    return admitted.get();
  }

  /** Connects this replica to the others; called once at start-up when clustering is configured. */
  public void attachCluster(ClusterLink link) {
    this.cluster = link;
  }

  /** The other replicas, or null when clustering is off. */
  public ClusterLink cluster() {
    return cluster;
  }

  void hubRegistered() {
    hubs.incrementAndGet();
  }

  void hubUnregistered() {
    hubs.decrementAndGet();
  }

  int hubCount() {
    return hubs.get();
  }

  /** All open WebSockets of this process, both servers, every verticle instance. */
  public int active() {
    return http.get() + raw.get();
  }

  /** Open WebSockets on one server, "http" or "raw". */
  public int active(String server) {
    return counter(server).get();
  }

  public long openedTotal() {
    return opened.get();
  }

  public JsonObject countsJson() {
    int h = http.get();
    int r = raw.get();
    return new JsonObject().put(Fields.TOTAL, h + r).put("http", h).put("raw", r).put(Fields.OPENED_TOTAL, opened.get());
  }

  private AtomicInteger counter(String server) {
    return ConnectionHandler.RAW.equals(server) ? raw : http;
  }
}
