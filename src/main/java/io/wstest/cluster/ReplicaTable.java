package io.wstest.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The replicas this one has heard from, each with its latest heartbeat and when it arrived (this replica's own
 * clock, so clocks need not agree). A replica is alive until its own expiry (a few of its heartbeats) passes
 * without a word, or until it says it leaves. Written by the cluster link, read from any event loop.
 */
final class ReplicaTable {

  private record Replica(JsonObject heartbeat, long seenNanos, long expiryMillis) {
    boolean aliveAt(long nowNanos) {
      return (nowNanos - seenNanos) / 1_000_000 < expiryMillis;
    }
  }

  private final Map<String, Replica> replicas = new ConcurrentHashMap<>();

  /** Records a heartbeat; returns false (and ignores it) when it names no instance. */
  boolean heard(JsonObject heartbeat, long nowNanos, long defaultExpiryMillis) {
    String id = heartbeat.getString("instance_id");
    if (id == null || id.isEmpty()) {
      return false;
    }
    long expiry = heartbeat.getLong("expiry_ms", defaultExpiryMillis);
    replicas.put(id, new Replica(heartbeat, nowNanos, Math.max(1, expiry)));
    return true;
  }

  void left(String instanceId) {
    replicas.remove(instanceId);
  }

  void clear() {
    replicas.clear();
  }

  /** Forgets replicas whose expiry has passed; returns how many are left. */
  int prune(long nowNanos) {
    replicas.values().removeIf(r -> !r.aliveAt(nowNanos));
    return replicas.size();
  }

  /** The replicas alive now other than {@code self}: whose reports a cluster broadcast waits for. */
  Set<String> othersAlive(String self, long nowNanos) {
    return replicas.entrySet().stream()
      .filter(e -> !e.getKey().equals(self) && e.getValue().aliveAt(nowNanos))
      .map(Map.Entry::getKey)
      .collect(Collectors.toSet());
  }

  /** {@code replicas} (sorted by display name) and {@code totals} for GET /cluster. */
  JsonObject view(String self, long nowNanos) {
    List<Map.Entry<String, Replica>> alive = new ArrayList<>();
    for (Map.Entry<String, Replica> entry : replicas.entrySet()) {
      if (entry.getValue().aliveAt(nowNanos)) {
        alive.add(entry);
      }
    }
    alive.sort(Comparator.comparing((Map.Entry<String, Replica> e) ->
      e.getValue().heartbeat().getString("display_name", e.getKey())).thenComparing(Map.Entry::getKey));
    JsonArray list = new JsonArray();
    int total = 0;
    int http = 0;
    int raw = 0;
    int ready = 0;
    int draining = 0;
    for (Map.Entry<String, Replica> entry : alive) {
      Replica replica = entry.getValue();
      JsonObject hb = replica.heartbeat();
      JsonObject connections = hb.getJsonObject("connections", new JsonObject());
      total += connections.getInteger("total", 0);
      http += connections.getInteger("http", 0);
      raw += connections.getInteger("raw", 0);
      if (hb.getBoolean("ready", false)) {
        ready++;
      }
      if ("draining".equals(hb.getString("state"))) {
        draining++;
      }
      list.add(new JsonObject()
        .put("instance_id", entry.getKey())
        .put("display_name", hb.getString("display_name"))
        .put("self", entry.getKey().equals(self))
        .put("state", hb.getString("state"))
        .put("ready", hb.getBoolean("ready", false))
        .put("connections", connections.copy())
        .put("last_seen_ms_ago", (nowNanos - replica.seenNanos()) / 1_000_000)
        .put("identity", hb.getJsonObject("identity", new JsonObject()).copy()));
    }
    return new JsonObject()
      .put("replicas", list)
      .put("totals", new JsonObject()
        .put("replicas", list.size())
        .put("ready", ready)
        .put("draining", draining)
        .put("connections", new JsonObject().put("total", total).put("http", http).put("raw", raw)));
  }
}
