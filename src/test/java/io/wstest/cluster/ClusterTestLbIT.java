package io.wstest.cluster;

import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.Backend;
import io.wstest.testsupport.HaproxyProcess;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.RedisProcess;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * test-lb against the clustered service: three replicas on a real redis-server behind a real HAProxy, and one
 * replica without Redis. {@code --expect-instances cluster} takes its count from {@code GET /cluster} through the
 * load balancer, and the spread report shows each replica's own open sockets next to the client's tally.
 */
class ClusterTestLbIT {

  private static final List<String> PODS = List.of("replica-1", "replica-2", "replica-3");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static RedisProcess redis;
  private static final List<ServiceProcess> replicas = new ArrayList<>();
  private static ServiceProcess alone;
  private static LoadBalancerProcess haproxy;

  @BeforeAll
  static void startReplicasBehindHaproxy() throws Exception {
    assumeTrue(RedisProcess.available(), RedisProcess.INSTALL_HINT);
    assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    redis = RedisProcess.start();
    List<CompletableFuture<ServiceProcess>> starting = new ArrayList<>();
    for (String pod : PODS) {
      starting.add(CompletableFuture.supplyAsync(() -> ServiceProcess.builder().podName(pod)
        .env("REDIS_URL", redis.url()).env("CLUSTER_HEARTBEAT", "200ms").env("INSTANCES", "1")
        .startTimeout(Duration.ofSeconds(90)).start()));
    }
    CompletableFuture<ServiceProcess> startAlone = CompletableFuture.supplyAsync(() -> ServiceProcess.builder()
      .podName("no-redis").env("INSTANCES", "1").startTimeout(Duration.ofSeconds(90)).start());
    starting.forEach(f -> replicas.add(f.join()));
    alone = startAlone.join();
    haproxy = HaproxyProcess.start(Backend.numbered(replicas), HaproxyProcess.Options.roundRobin().withReadinessChecks());
    HaproxyProcess.awaitServersUp(haproxy, Duration.ofSeconds(15));
    awaitClusterOf(replicas.size());
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (haproxy != null) {
      haproxy.close();
    }
    replicas.forEach(ServiceProcess::close);
    if (alone != null) {
      alone.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void expectInstancesClusterTakesTheReplicaCountFromTheServiceAndTheReportShowsEachReplicasOwnCount(
    @TempDir Path dir) {
    JsonObject report = TestLbRuns.testLb(dir, "spread-cluster", 0, TestLbRuns.through(haproxy,
      "--endpoint", "http", "-n", "30", "--hold", "--expect-instances", "cluster"));

    JsonObject settings = report.getJsonObject("settings");
    assertEquals(3, settings.getInteger("expect_instances"), settings.encode());
    assertEquals("cluster", settings.getString("expect_instances_from"), settings.encode());
    JsonObject serverSide = report.getJsonObject("server_side");
    assertNotNull(serverSide, "the cluster view answered, so the report has the server side");
    assertEquals("end", serverSide.getString("read_at"));
    List<JsonObject> rows = TestLbRuns.objects(serverSide, "replicas");
    assertEquals(PODS.stream().map(pod -> "websocket-test-service-" + pod).collect(Collectors.toSet()),
      rows.stream().map(r -> r.getString("display_name")).collect(Collectors.toSet()), rows.toString());
    int ours = 0;
    for (JsonObject row : rows) {
      assertTrue(row.getBoolean("in_cluster_view"), row.encode());
      assertTrue(row.getInteger("server_open_sockets") >= 0, row.encode());
      assertTrue(row.getInteger("ours") > 0, "round robin reached every replica: " + row.encode());
      assertEquals("ready", row.getString("state"), row.encode());
      ours += row.getInteger("ours");
    }
    assertEquals(30, ours, "the client's tally is all of its connections: " + rows);
  }

  @Test
  void expectInstancesClusterWithClusteringOffExitsTwoNamingTheOption(@TempDir Path dir) {
    JsonObject report = TestLbRuns.testLb(dir, "spread-no-cluster", 2, "--host", "127.0.0.1", "--http-port",
      Integer.toString(alone.httpPort()), "--endpoint", "http", "-n", "3", "--expect-instances", "cluster");

    String summary = report.getJsonObject("verdict").getString("summary");
    assertTrue(summary.contains("--expect-instances") && summary.contains("clustering is off")
      && summary.contains("404"), summary);
    assertTrue(report.getJsonArray("connections").isEmpty(), "nothing was tested: " + report.encode());
    assertFalse(report.containsKey("server_side"), report.encode());
  }

  @Test
  void withoutClusteringTheSpreadReportIsUnchanged(@TempDir Path dir) {
    JsonObject report = TestLbRuns.testLb(dir, "spread-single", 0, "--host", "127.0.0.1", "--http-port",
      Integer.toString(alone.httpPort()), "--endpoint", "http", "-n", "3", "--expect-instances", "1");

    assertFalse(report.containsKey("server_side"), report.encode());
    assertFalse(report.getJsonObject("settings").containsKey("expect_instances_from"));
    assertEquals(3, report.getJsonObject("overall").getInteger("succeeded"), report.encode());
  }

  @Test
  void soakCountsItsClusterBroadcastsOnEverySocketAcrossTheReplicas(@TempDir Path dir) {
    List<String> args = new ArrayList<>(List.of("soak"));
    args.addAll(TestLbRuns.through(haproxy, "-n", "12", "--rate", "1", "--duration", "5s",
      "--cluster-broadcast-every", "1s"));
    JsonObject report = TestLbRuns.testLb(dir, "soak-cluster", 0, args);

    JsonObject broadcasts = report.getJsonObject("cluster_broadcasts");
    assertNotNull(broadcasts, report.encode());
    assertTrue(broadcasts.getLong("sent") >= 3, broadcasts.encode());
    assertEquals(broadcasts.getLong("sent"), broadcasts.getLong("acked"), "every broadcast acked: " + broadcasts);
    assertTrue(broadcasts.getLong("complete_acks") > 0, broadcasts.encode());
    assertEquals(0, broadcasts.getLong("acks_cluster_not_up"), broadcasts.encode());
    // nothing rolled out: every socket open at a complete broadcast got it, whichever replica it was on
    assertEquals(0, broadcasts.getLong("missing_on_complete"), broadcasts.encode());
    assertEquals(broadcasts.getLong("expected_on_complete"), broadcasts.getLong("received_on_complete"),
      broadcasts.encode());
    assertTrue(broadcasts.getLong("expected_on_complete") >= 12, "at least one went to all 12 sockets: " + broadcasts);
    JsonObject serverSide = report.getJsonObject("server_side");
    assertNotNull(serverSide, report.encode());
    for (String when : List.of("start", "end")) {
      List<JsonObject> rows = TestLbRuns.objects(serverSide.getJsonObject(when), "replicas");
      assertEquals(3, rows.size(), when + ": " + rows);
      rows.forEach(r -> assertTrue(r.getInteger("server_open_sockets") >= 0, r.encode()));
    }
    int oursAtEnd = TestLbRuns.objects(serverSide.getJsonObject("end"), "replicas").stream()
      .mapToInt(r -> r.getInteger("ours")).sum();
    assertEquals(12, oursAtEnd, serverSide.encode());
  }

  /** Until GET /cluster on the first replica lists {@code count} replicas (every heartbeat seen), bounded. */
  private static void awaitClusterOf(int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + replicas.get(0).httpPort() + "/cluster")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
      last = response.body();
      if (response.statusCode() == 200 && new JsonObject(last).getJsonArray("replicas").size() == count) {
        return;
      }
      Thread.sleep(100); // polling the service's own view: there is no event to wait for
    }
    throw new AssertionError("the replicas did not see each other: " + last);
  }
}
