package io.wstest.cluster;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaTableTest {

  private static final long MS = 1_000_000;

  private static JsonObject heartbeat(String id, String state, int http, int raw, long expiryMillis) {
    return new JsonObject().put("kind", "heartbeat").put("instance_id", id).put("display_name", "svc-" + id)
      .put("state", state).put("ready", "ready".equals(state)).put("expiry_ms", expiryMillis)
      .put("connections", new JsonObject().put("total", http + raw).put("http", http).put("raw", raw));
  }

  @Test
  void liveReplicasAndTotalsAndEachOnesAge() {
    ReplicaTable table = new ReplicaTable();
    table.heard(heartbeat("a", "ready", 3, 1, 3000), 0, 3000);
    table.heard(heartbeat("b", "draining", 2, 0, 3000), 500 * MS, 3000);
    JsonObject view = table.view("a", 1000 * MS);
    assertEquals(2, view.getJsonArray("replicas").size());
    JsonObject a = view.getJsonArray("replicas").getJsonObject(0);
    assertEquals("a", a.getString("instance_id"));
    assertTrue(a.getBoolean("self"));
    assertEquals(1000, a.getLong("last_seen_ms_ago"));
    JsonObject totals = view.getJsonObject("totals");
    assertEquals(2, totals.getInteger("replicas"));
    assertEquals(1, totals.getInteger("ready"));
    assertEquals(1, totals.getInteger("draining"));
    assertEquals(new JsonObject().put("total", 6).put("http", 5).put("raw", 1), totals.getJsonObject("connections"));
    assertEquals(Set.of("b"), table.othersAlive("a", 1000 * MS));
  }

  @Test
  void aSilentReplicaIsGoneAfterItsOwnExpiryAndALeavingOneAtOnce() {
    ReplicaTable table = new ReplicaTable();
    table.heard(heartbeat("a", "ready", 0, 0, 3000), 0, 3000);
    table.heard(heartbeat("b", "ready", 0, 0, 1000), 0, 3000);
    table.heard(heartbeat("c", "ready", 0, 0, 3000), 0, 3000);
    assertEquals(Set.of("b", "c"), table.othersAlive("a", 999 * MS));
    assertEquals(Set.of("c"), table.othersAlive("a", 1000 * MS));
    table.left("c");
    assertEquals(1, table.view("a", 1000 * MS).getJsonArray("replicas").size());
    assertEquals(0, table.prune(3000 * MS));
  }

  @Test
  void aHeartbeatWithoutInstanceIsIgnored() {
    ReplicaTable table = new ReplicaTable();
    assertFalse(table.heard(new JsonObject().put("kind", "heartbeat"), 0, 3000));
    assertEquals(0, table.prune(0));
  }
}
