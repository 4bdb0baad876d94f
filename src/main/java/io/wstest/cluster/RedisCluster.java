package io.wstest.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.wstest.identity.ServiceIdentity;
import io.wstest.protocol.ClusterLink;
import io.wstest.protocol.ConnectionHandler;
import io.wstest.protocol.ConnectionRegistry;
import io.wstest.runtime.Metrics;
import io.wstest.runtime.ServiceLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This replica's link to the others over Redis pub/sub. Every heartbeat it publishes who it is, its socket
 * counts and its state, and it keeps the others' heartbeats as the cluster view; cluster broadcasts go out on one
 * channel and each replica reports its recipient count back on the sender's own channel. Nothing is stored in
 * Redis. All Redis work runs on this verticle's event loop; sockets' event loops only hand work over, bounded.
 *
 * <p>Redis unreachable (at start or later) never stops the service: broadcasts stay local, GET /cluster says
 * unavailable, one warning is logged per outage, and the link reconnects with a capped backoff.
 */
public final class RedisCluster extends VerticleBase implements ClusterLink {

  private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);

  static final String CHANNEL_PREFIX = "wstest:";
  static final String HEARTBEATS = CHANNEL_PREFIX + "heartbeat";
  static final String BROADCASTS = CHANNEL_PREFIX + "broadcast";
  static final String REPORTS = CHANNEL_PREFIX + "report:";
  /** How long a cluster broadcast's ack waits for the other replicas' reports at most. */
  public static final long ACK_WINDOW_MILLIS = 1000;
  /** Messages handed to Redis and not yet answered; beyond this they are dropped (and counted). */
  static final int MAX_OUTSTANDING = 1024;
  /** Broadcasts from other replicas being delivered here at once; beyond this they are dropped (and counted). */
  static final int MAX_INBOUND = 1024;
  /** Cluster broadcasts of this replica waiting for reports; beyond this their acks do not wait. */
  static final int MAX_PENDING_ACKS = 1024;
  private static final long FIRST_BACKOFF_MILLIS = 250;
  private static final long MAX_BACKOFF_MILLIS = 5000;
  private static final int CONNECT_TIMEOUT_MILLIS = 2000;
  /**
   * A connection attempt that has not become usable by then (Redis accepted TCP but never answered) is abandoned.
   * Generous: a JVM still warming up on a busy machine can take seconds for its first connection.
   */
  private static final long CONNECT_DEADLINE_MILLIS = 15_000;

  private final ClusterSettings settings;
  private final ServiceIdentity identity;
  private final String self;
  private final ReplicaTable table = new ReplicaTable();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicInteger inbound = new AtomicInteger();
  private final Map<String, PendingAck> pendingAcks = new HashMap<>();
  private ClusterMetrics metrics;
  private ServiceLifecycle lifecycle;
  private ConnectionRegistry registry;

  /** "connecting", "up" or "unavailable"; read from any thread. */
  private volatile String status = "connecting";
  private volatile String reason = "connecting to Redis";
  /** Bumped on every connect and loss, so callbacks of an abandoned connection do nothing. */
  private int generation;
  private Redis client;
  private RedisConnection publisher;
  private long backoffMillis = FIRST_BACKOFF_MILLIS;
  private boolean warnedThisOutage;
  private long outageStartNanos;
  private long lastOwnHeartbeatNanos;
  private long broadcastCounter;
  private long heartbeatTimer = -1;
  private boolean stopping;

  private static final class PendingAck {
    final Promise<JsonObject> promise;
    final Set<String> waitingFor;
    final int expected;
    final JsonArray reports = new JsonArray();
    long timer;

    PendingAck(Promise<JsonObject> promise, Set<String> waitingFor) {
      this.promise = promise;
      this.waitingFor = waitingFor;
      this.expected = waitingFor.size();
    }
  }

  public RedisCluster(ClusterSettings settings, ServiceIdentity identity) {
    this.settings = settings;
    this.identity = identity;
    this.self = identity.instanceId();
  }

  @Override
  public Future<?> start() {
    lifecycle = ServiceLifecycle.of(vertx);
    registry = ConnectionRegistry.of(vertx);
    metrics = new ClusterMetrics(Metrics.of(vertx).registry(), () -> "up".equals(status) ? 1 : 0,
      () -> "up".equals(status) ? table.prune(System.nanoTime()) : 0);
    registry.attachCluster(this);
    LOG.info("Cluster: Redis at REDIS_URL {}, heartbeat every {} ms, a replica is gone after {} ms of silence",
      settings.endpoint().masked(), settings.heartbeatMillis(), settings.expiryMillis());
    heartbeatTimer = vertx.setPeriodic(settings.heartbeatMillis(), t -> heartbeatTick());
    // start-up does not wait for Redis: a replica without it serves its own sockets
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(heartbeatTimer);
    registry.attachCluster(null);
    completePendingAcks();
    Redis closing = client;
    RedisConnection last = publisher;
    generation++;
    client = null;
    publisher = null;
    if (closing == null) {
      return Future.succeededFuture();
    }
    // the others drop this replica now instead of after the expiry; a stalled Redis delays the stop at most 500 ms
    Future<?> leave = last == null || !"up".equals(status) ? Future.succeededFuture()
      : Future.any(last.send(Request.cmd(Command.PUBLISH).arg(HEARTBEATS)
          .arg(new JsonObject().put("kind", "leave").put("instance_id", self).encode())),
        vertx.timer(500, TimeUnit.MILLISECONDS));
    status = "unavailable";
    return leave.eventually(() -> closing.close()).otherwiseEmpty();
  }

  // ---- connection state -------------------------------------------------------------------------------------

  private void connect() {
    if (stopping) {
      return;
    }
    int gen = ++generation;
    RedisOptions options = new RedisOptions()
      .setConnectionString(settings.endpoint().withoutPassword())
      .setMaxPoolSize(2)
      .setMaxWaitingHandlers(MAX_OUTSTANDING * 2);
    if (settings.password() != null) {
      options.setPassword(settings.password());
    }
    options.getNetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS).setTcpKeepAlive(true);
    Redis redis = Redis.createClient(vertx, options);
    client = redis;
    vertx.setTimer(CONNECT_DEADLINE_MILLIS, t -> {
      if (gen == generation && !"up".equals(status)) {
        lost(new IllegalStateException("Redis accepted the connection but did not answer within "
          + CONNECT_DEADLINE_MILLIS + " ms"));
      }
    });
    redis.connect().compose(subscriber -> {
      watch(subscriber, gen);
      subscriber.handler(this::onMessage);
      return redis.connect().compose(pub -> {
        watch(pub, gen);
        if (gen == generation) {
          publisher = pub;
        }
        return subscriber.send(Request.cmd(Command.SUBSCRIBE).arg(HEARTBEATS).arg(BROADCASTS).arg(REPORTS + self));
      });
    }).onComplete(done -> {
      if (gen != generation) {
        return;
      }
      if (done.succeeded()) {
        up();
      } else {
        lost(done.cause());
      }
    });
  }

  private void watch(RedisConnection connection, int gen) {
    connection.exceptionHandler(e -> {
      if (gen == generation) {
        lost(e);
      }
    });
    connection.endHandler(v -> {
      if (gen == generation) {
        lost(new IllegalStateException("Redis closed the connection"));
      }
    });
  }

  private void up() {
    status = "up";
    reason = null;
    backoffMillis = FIRST_BACKOFF_MILLIS;
    lastOwnHeartbeatNanos = System.nanoTime();
    if (warnedThisOutage) {
      LOG.info("Cluster available again: connected to Redis at REDIS_URL {} after {} s", settings.endpoint().masked(),
        (System.nanoTime() - outageStartNanos) / 1_000_000_000);
    } else {
      LOG.info("Cluster: connected to Redis at REDIS_URL {}", settings.endpoint().masked());
    }
    warnedThisOutage = false;
    sendHeartbeat();
  }

  /** Abandons the connection, says so once per outage, and tries again after the backoff. */
  private void lost(Throwable cause) {
    if (stopping) {
      return;
    }
    boolean wasUp = "up".equals(status);
    generation++;
    Redis abandoned = client;
    client = null;
    publisher = null;
    if (abandoned != null) {
      abandoned.close();
    }
    reason = describe(cause);
    status = "unavailable";
    table.clear();
    // whatever was waiting for the old connection is gone with it
    outstanding.set(0);
    completePendingAcks();
    if (!warnedThisOutage) {
      warnedThisOutage = true;
      outageStartNanos = System.nanoTime();
      LOG.warn("Cluster unavailable: Redis at REDIS_URL {} {}: {}. Serving this replica's sockets only (readiness "
          + "is not affected); retrying in the background, up to every {} s", settings.endpoint().masked(),
        wasUp ? "was lost" : "cannot be used", reason, MAX_BACKOFF_MILLIS / 1000);
    } else {
      LOG.debug("Cluster still unavailable: {}", reason);
    }
    long delay = backoffMillis;
    backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
    vertx.setTimer(delay, t -> connect());
  }

  /** Acks waiting for reports that can no longer come are sent with what arrived so far. */
  private void completePendingAcks() {
    for (PendingAck pending : pendingAcks.values()) {
      vertx.cancelTimer(pending.timer);
      pending.promise.tryComplete(ackOf(pending));
    }
    pendingAcks.clear();
  }

  /** A reason fit for logs and GET /cluster: the password never appears, a refused password says so. */
  String describe(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    String upper = message.toUpperCase(Locale.ROOT);
    String text;
    if (upper.contains("WRONGPASS") || upper.contains("NOAUTH") || upper.contains("INVALID PASSWORD")
      || upper.contains("AUTH")) {
      text = "Redis refused the password (" + message + "); check the password in REDIS_URL or REDIS_PASSWORD / "
        + "REDIS_PASSWORD_FILE";
    } else {
      text = cause.getClass().getSimpleName() + ": " + message;
    }
    return mask(text);
  }

  private String mask(String text) {
    String password = settings.password();
    return password == null || password.isEmpty() ? text : text.replace(password, "***");
  }

  // ---- outgoing ------------------------------------------------------------------------------------------------

  /** Publishes unless too much is already waiting for Redis; the answer's future never fails. */
  private Future<Boolean> send(String channel, String payload, boolean alreadyCounted) {
    RedisConnection pub = publisher;
    if (pub == null || !"up".equals(status)) {
      if (alreadyCounted) {
        release();
      }
      return Future.succeededFuture(false);
    }
    if (!alreadyCounted && outstanding.incrementAndGet() > MAX_OUTSTANDING) {
      outstanding.decrementAndGet();
      metrics.droppedQueueFull.increment();
      return Future.succeededFuture(false);
    }
    int gen = generation;
    return pub.send(Request.cmd(Command.PUBLISH).arg(channel).arg(payload)).transform(done -> {
      if (gen == generation) {
        release();
      }
      return Future.succeededFuture(done.succeeded());
    });
  }

  /** One message less waiting for Redis; never below zero (a lost connection already reset the count). */
  private void release() {
    outstanding.updateAndGet(n -> Math.max(0, n - 1));
  }

  @Override
  public Future<JsonObject> publish(String encodedBroadcast) {
    if (!"up".equals(status)) {
      metrics.droppedUnavailable.increment();
      return Future.succeededFuture(unavailableAck());
    }
    // counted here, on the sender's event loop, so work handed to this verticle can never pile up without bound
    if (outstanding.incrementAndGet() > MAX_OUTSTANDING) {
      outstanding.decrementAndGet();
      metrics.droppedQueueFull.increment();
      return Future.succeededFuture(unavailableAck().put("reason", "too many messages waiting for Redis"));
    }
    Promise<JsonObject> ack = Promise.promise();
    context.runOnContext(v -> startBroadcast(encodedBroadcast, ack));
    return ack.future();
  }

  private void startBroadcast(String encoded, Promise<JsonObject> ack) {
    String id = self + ":" + (++broadcastCounter);
    Set<String> others = "up".equals(status) ? table.othersAlive(self, System.nanoTime()) : Set.of();
    PendingAck pending = new PendingAck(ack, new HashSet<>(others));
    String payload = new JsonObject().put("id", id).put("origin", self).put("message", encoded).encode();
    send(BROADCASTS, payload, true).onSuccess(sent -> {
      if (sent) {
        metrics.published.increment();
      } else {
        metrics.droppedUnavailable.increment();
        PendingAck waiting = pendingAcks.remove(id);
        if (waiting != null) {
          vertx.cancelTimer(waiting.timer);
        }
        ack.tryComplete(unavailableAck());
      }
    });
    if (others.isEmpty() || pendingAcks.size() >= MAX_PENDING_ACKS) {
      ack.tryComplete(ackOf(pending));
      return;
    }
    pending.timer = vertx.setTimer(ACK_WINDOW_MILLIS, t -> finish(id));
    pendingAcks.put(id, pending);
  }

  private void finish(String id) {
    PendingAck pending = pendingAcks.remove(id);
    if (pending != null) {
      vertx.cancelTimer(pending.timer);
      pending.promise.tryComplete(ackOf(pending));
    }
  }

  private JsonObject ackOf(PendingAck pending) {
    return new JsonObject().put("cluster", "up").put("replicas_expected", pending.expected)
      .put("replicas", pending.reports);
  }

  private JsonObject unavailableAck() {
    return new JsonObject().put("cluster", "unavailable").put("replicas_expected", 0).put("replicas", new JsonArray());
  }

  private void heartbeatTick() {
    if (!"up".equals(status)) {
      return;
    }
    long now = System.nanoTime();
    // a Redis that accepts the connection but answers nothing (stalled) is noticed by our own silence
    if ((now - lastOwnHeartbeatNanos) / 1_000_000 > settings.expiryMillis()) {
      lost(new IllegalStateException("no heartbeat came back from Redis for " + settings.expiryMillis() + " ms"));
      return;
    }
    table.prune(now);
    sendHeartbeat();
  }

  private void sendHeartbeat() {
    send(HEARTBEATS, heartbeat().encode(), false);
  }

  JsonObject heartbeat() {
    ServiceLifecycle.State state = lifecycle.state();
    return new JsonObject()
      .put("kind", "heartbeat")
      .put("instance_id", self)
      .put("display_name", identity.displayName())
      .put("identity", identity.toJson())
      .put("state", state.name().toLowerCase(Locale.ROOT))
      .put("ready", lifecycle.isReady())
      .put("connections", new JsonObject()
        .put("total", registry.active())
        .put("http", registry.active(ConnectionHandler.HTTP))
        .put("raw", registry.active(ConnectionHandler.RAW)))
      .put("heartbeat_ms", settings.heartbeatMillis())
      .put("expiry_ms", settings.expiryMillis());
  }

  // ---- incoming ------------------------------------------------------------------------------------------------

  private void onMessage(Response response) {
    if (response == null || response.size() < 3 || !"message".equals(String.valueOf(response.get(0)))) {
      return;
    }
    String channel = response.get(1).toString();
    JsonObject message;
    try {
      message = new JsonObject(response.get(2).toString());
    } catch (DecodeException | ClassCastException e) {
      LOG.debug("Ignoring a message on {} that is not a JSON object", channel);
      return;
    }
    switch (channel) {
      case HEARTBEATS -> onHeartbeat(message);
      case BROADCASTS -> onBroadcast(message);
      default -> {
        if (channel.equals(REPORTS + self)) {
          onReport(message);
        }
      }
    }
  }

  private void onHeartbeat(JsonObject message) {
    String instance = message.getString("instance_id");
    if ("leave".equals(message.getString("kind"))) {
      if (instance != null && !instance.equals(self)) {
        table.left(instance);
      }
      return;
    }
    long now = System.nanoTime();
    if (table.heard(message, now, settings.expiryMillis()) && self.equals(instance)) {
      lastOwnHeartbeatNanos = now;
    }
  }

  private void onBroadcast(JsonObject message) {
    String origin = message.getString("origin");
    Object encoded = message.getValue("message");
    String id = message.getString("id");
    // this replica's own broadcasts were delivered here directly
    if (origin == null || origin.equals(self) || id == null || !(encoded instanceof String text) || !isObject(text)) {
      return;
    }
    metrics.received.increment();
    if (inbound.incrementAndGet() > MAX_INBOUND) {
      inbound.decrementAndGet();
      metrics.droppedInboundFull.increment();
      return;
    }
    ConnectionHandler.deliverLocally(vertx, text).onComplete(done -> context.runOnContext(v -> {
      inbound.decrementAndGet();
      if (done.succeeded()) {
        send(REPORTS + origin, new JsonObject()
          .put("id", id)
          .put("instance_id", self)
          .put("display_name", identity.displayName())
          .put("recipients", done.result().recipients())
          .put("dropped", done.result().dropped()).encode(), false);
      }
    }));
  }

  /** Sent by our own replicas as an encoded object; anything else would corrupt the frames written to clients. */
  private static boolean isObject(String text) {
    if (!text.startsWith("{") || !text.endsWith("}")) {
      return false;
    }
    try {
      new JsonObject(text);
      return true;
    } catch (DecodeException e) {
      return false;
    }
  }

  private void onReport(JsonObject report) {
    PendingAck pending = pendingAcks.get(report.getString("id", ""));
    String instance = report.getString("instance_id");
    // a report after the window, or from a replica not counted on, is left out of the ack
    if (pending == null || instance == null || !pending.waitingFor.remove(instance)) {
      return;
    }
    pending.reports.add(new JsonObject()
      .put("instance_id", instance)
      .put("display_name", report.getString("display_name"))
      .put("recipients", report.getInteger("recipients", 0))
      .put("dropped", report.getInteger("dropped", 0)));
    if (pending.waitingFor.isEmpty()) {
      finish(report.getString("id"));
    }
  }

  // ---- view ----------------------------------------------------------------------------------------------------

  @Override
  public JsonObject view() {
    JsonObject base = new JsonObject().put("enabled", true).put("redis", settings.endpoint().masked())
      .put("self", self).put("heartbeat_ms", settings.heartbeatMillis()).put("expiry_ms", settings.expiryMillis());
    if (!"up".equals(status)) {
      return base.put("status", "unavailable").put("reason", reason);
    }
    return base.put("status", "up").mergeIn(table.view(self, System.nanoTime()));
  }
}
