package io.wstest.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.HeadlessChromium;
import io.wstest.testsupport.PrometheusText;
import io.wstest.testsupport.RedisProcess;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three real replicas (the fat jar) and a real redis-server: a cluster broadcast from one replica's client reaches
 * the sockets of all three with its origin and per-replica counts, also on the dashboard; GET /cluster follows a
 * replica that drains and one that is killed; Redis killed or stalled mid-run leaves every replica serving locally
 * and Redis back brings the cluster back by itself. A fourth replica meets a Redis that refuses its password. The tests run in order on the same
 * processes: each step starts from the state the previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterIT {

  private static final String SECRET = "s3cret-redis-pw";
  private static final String WRONG = "wrong-pw-4711";
  /** Short heartbeats keep the suite short: a replica is gone after three of them (1.5 s). */
  private static final String HEARTBEAT = "500ms";
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private static RedisProcess redis;
  private static RedisProcess lockedRedis;
  private static ServiceProcess a;
  private static ServiceProcess b;
  private static ServiceProcess c;
  private static ServiceProcess locked;
  private static Vertx vertx;
  private static HttpClient http;
  private static WsTestClient a1;
  private static WsTestClient a2;
  private static WsTestClient b1;
  private static WsTestClient c1;

  @BeforeAll
  static void startReplicas() {
    assumeTrue(RedisProcess.available(), RedisProcess.INSTALL_HINT);
    redis = RedisProcess.start();
    lockedRedis = RedisProcess.start("--requirepass", SECRET);
    vertx = Vertx.vertx();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // started side by side: start-up time is most of this suite's time
    CompletableFuture<ServiceProcess> startA = replica("cluster-a", redis.url(), Map.of());
    CompletableFuture<ServiceProcess> startB = replica("cluster-b", redis.url(), Map.of());
    // C drains for a while on SIGTERM, long enough to be seen draining
    CompletableFuture<ServiceProcess> startC = replica("cluster-c", redis.url(), Map.of("DRAIN_DELAY", "2s"));
    CompletableFuture<ServiceProcess> startLocked = replica("cluster-locked",
      "redis://:" + WRONG + "@127.0.0.1:" + lockedRedis.port(), Map.of());
    a = startA.join();
    b = startB.join();
    c = startC.join();
    locked = startLocked.join();
  }

  private static CompletableFuture<ServiceProcess> replica(String name, String redisUrl, Map<String, String> env) {
    return CompletableFuture.supplyAsync(() -> {
      ServiceProcess.Builder builder = ServiceProcess.builder().podName(name).env("REDIS_URL", redisUrl)
        .env("CLUSTER_HEARTBEAT", HEARTBEAT).env("INSTANCES", "1").startTimeout(Duration.ofSeconds(90));
      env.forEach(builder::env);
      return builder.start();
    });
  }

  @AfterAll
  static void stopAll() {
    for (AutoCloseable process : new AutoCloseable[] {a, b, c, locked, redis, lockedRedis}) {
      try {
        if (process != null) {
          process.close();
        }
      } catch (Exception ignored) {
        // best effort: every process is killed by its pid
      }
    }
    if (vertx != null) {
      vertx.close();
    }
  }

  @Test
  @Order(1)
  void aClusterBroadcastReachesEverySocketOfEveryReplicaWithItsOriginAndCounts() {
    awaitView(a, view -> replicas(view).size() == 3);
    a1 = connect(a.httpPort(), "/ws");
    a2 = connect(a.httpPort(), "/ws");
    b1 = connect(b.wsPort(), "/"); // the raw server takes part too
    c1 = connect(c.httpPort(), "/ws");
    JsonObject senderWelcome = await(a1.next("welcome"));
    for (WsTestClient other : List.of(a2, b1, c1)) {
      await(other.next("welcome"));
    }
    String origin = senderWelcome.getJsonObject("service_identity").getString("instance_id");
    String originName = senderWelcome.getJsonObject("service_identity").getString("display_name");

    a1.send(new JsonObject().put("type", "broadcast").put("message", "to everyone").put("scope", "cluster"));

    for (WsTestClient receiver : List.of(a1, a2, b1, c1)) {
      JsonObject broadcast = await(receiver.next("broadcast"));
      assertEquals("to everyone", broadcast.getString("message"));
      assertEquals("cluster", broadcast.getString("scope"));
      assertEquals(origin, broadcast.getString("instance_id"));
      assertEquals(originName, broadcast.getString("display_name"));
      assertEquals(senderWelcome.getString("connection_id"), broadcast.getString("from"));
    }
    JsonObject ack = await(a1.next("broadcast_ack"));
    assertEquals("cluster", ack.getString("scope"));
    assertEquals("up", ack.getString("cluster"));
    assertEquals(4, ack.getInteger("recipients"), ack.encode());
    assertEquals(3, ack.getInteger("replicas_expected"), ack.encode());
    assertEquals(3, ack.getInteger("replicas_reported"), ack.encode());
    assertTrue(ack.getBoolean("complete"), ack.encode());
    Map<String, Integer> perReplica = ack.getJsonArray("replicas").stream().map(JsonObject.class::cast)
      .collect(Collectors.toMap(r -> r.getString("display_name"), r -> r.getInteger("recipients")));
    assertEquals(Map.of(originName, 2, displayName(b1), 1, displayName(c1), 1), perReplica);

    // the same view over the WebSocket, counts included once the next heartbeats carry the new sockets
    JsonObject overWs = awaitWsView(b1, view -> view.getJsonObject("totals").getJsonObject("connections")
      .getInteger("total") == 4);
    assertEquals("up", overWs.getString("status"));
    assertEquals(3, replicas(overWs).size());
    JsonObject viewOfA = replica(overWs, origin);
    assertEquals(2, viewOfA.getJsonObject("connections").getInteger("http"));
    assertEquals("ready", viewOfA.getString("state"));

    PrometheusText metricsA = scrape(a);
    assertEquals(1.0, metricsA.value("cluster_up"));
    assertEquals(3.0, metricsA.value("cluster_replicas"));
    assertTrue(metricsA.value("cluster_broadcasts_published_total") >= 1);
    assertTrue(scrape(c).value("cluster_broadcasts_received_total") >= 1);
  }

  @Test
  @Order(2)
  void theDashboardShowsEveryReplicasOwnCountNextToThePagesTally() {
    assumeTrue(HeadlessChromium.available(), HeadlessChromium.INSTALL_HINT);
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      WebDriver driver = chromium.driver();
      WebDriverWait wait = chromium.waitUpTo(DEADLINE);
      driver.get("http://127.0.0.1:" + a.httpPort() + "/ui/");
      // a1, a2 and the page's own socket on A; b1 on B; c1 on C, as the replicas report them in their heartbeats
      Map<String, String> expected = Map.of(instanceId(a1), "3", instanceId(b1), "1", instanceId(c1), "1");
      wait.until(d -> {
        List<WebElement> rows = d.findElements(By.cssSelector("[data-testid='replica']"));
        return rows.stream().collect(Collectors.toMap(r -> r.getAttribute("data-instance-id"),
          r -> r.getAttribute("data-open"), (x, y) -> x)).equals(expected);
      });
      assertEquals("3", driver.findElement(By.id("cluster-summary")).getAttribute("data-replicas"));
      assertTrue(driver.findElement(By.id("cluster-replicas")).getText().contains("this page"));

      driver.findElement(By.id("broadcast-cluster")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("broadcast-recipients"),
        "5 sockets on 3 replicas"));
      assertEquals(List.of(), chromium.consoleErrors(), "browser console errors");
    }
    for (WsTestClient client : List.of(a1, a2, b1, c1)) {
      await(client.next("broadcast"));
    }
  }

  @Test
  @Order(3)
  void redisLostMidRunLeavesEveryReplicaServingLocallyAndItsReturnBringsTheClusterBack() {
    redis.kill();
    HttpResponse<String> unavailable = poll(() -> get(a, "/cluster"), r -> r.statusCode() == 503);
    JsonObject body = new JsonObject(unavailable.body());
    assertEquals("unavailable", body.getString("status"));
    assertNotNull(body.getString("reason"));
    for (ServiceProcess replica : List.of(a, b, c)) {
      assertTrue(replica.isAlive());
      assertEquals(200, get(replica, "/health/ready").statusCode(), "readiness does not depend on Redis");
    }

    // a cluster broadcast now reaches this replica's sockets and says the cluster was unavailable
    a1.send(new JsonObject().put("type", "broadcast").put("message", "local only").put("scope", "cluster"));
    assertEquals("local only", await(a2.next("broadcast")).getString("message"));
    assertEquals("local only", await(a1.next("broadcast")).getString("message"));
    JsonObject ack = await(a1.next("broadcast_ack"));
    assertEquals("unavailable", ack.getString("cluster"), ack.encode());
    assertEquals(2, ack.getInteger("recipients"));
    assertEquals(0.0, scrape(a).value("cluster_up"));

    redis.startAgain();
    awaitView(a, view -> replicas(view).size() == 3);
    awaitView(c, view -> replicas(view).size() == 3);
    c1.send(new JsonObject().put("type", "broadcast").put("message", "back again").put("scope", "cluster"));
    JsonObject fromC = await(a1.next("broadcast"));
    assertEquals("back again", fromC.getString("message"));
    assertEquals(displayName(c1), fromC.getString("display_name"));
    JsonObject ackC = await(c1.next("broadcast_ack"));
    assertEquals(4, ackC.getInteger("recipients"), ackC.encode());
    await(a2.next("broadcast"));
    await(b1.next("broadcast"));
    await(c1.next("broadcast"));

    // one warning for the whole outage, however many reconnects it took, and a line when it ended
    assertEquals(1, count(a.output(), "Cluster unavailable"), a.output());
    assertTrue(a.output().contains("Cluster available again"), a.output());
  }

  @Test
  @Order(4)
  void aStalledRedisIsNoticedAndNeverHoldsUpTheLocalSockets() {
    redis.pause();
    try {
      // connections stay open but the replica's own heartbeats stop coming back
      HttpResponse<String> stalled = poll(() -> get(a, "/cluster"), r -> r.statusCode() == 503);
      assertTrue(new JsonObject(stalled.body()).getString("reason").contains("no heartbeat came back"),
        stalled.body());
      a1.send(new JsonObject().put("type", "broadcast").put("message", "during the stall").put("scope", "cluster"));
      assertEquals("during the stall", await(a2.next("broadcast")).getString("message"));
      await(a1.next("broadcast"));
      JsonObject ack = await(a1.next("broadcast_ack"));
      assertEquals("unavailable", ack.getString("cluster"), ack.encode());
      assertEquals(2, ack.getInteger("recipients"));
      assertEquals("pong", await(b1.request(new JsonObject().put("type", "ping"))).getString("type"));
    } finally {
      redis.resume();
    }
    awaitView(a, view -> replicas(view).size() == 3);
    assertEquals(1.0, scrape(a).value("cluster_up"));
  }

  @Test
  @Order(5)
  void theViewShowsADrainingReplicaAndDropsAKilledOneWithinTheExpiry() {
    String idOfB = instanceId(b1);
    String idOfC = instanceId(c1);
    b.process().destroyForcibly(); // SIGKILL: no goodbye, only silence
    JsonObject withoutB = awaitView(a, view -> replicas(view).size() == 2);
    assertFalse(replicas(withoutB).stream().anyMatch(r -> idOfB.equals(r.getString("instance_id"))));

    c.sigterm();
    JsonObject draining = awaitView(a, view -> replicas(view).stream()
      .anyMatch(r -> idOfC.equals(r.getString("instance_id")) && "draining".equals(r.getString("state"))));
    assertEquals(1, draining.getJsonObject("totals").getInteger("draining"));
    assertFalse(replica(draining, idOfC).getBoolean("ready"));

    // once stopped, C says goodbye and is gone
    assertEquals(0, c.waitForExit(DEADLINE));
    awaitView(a, view -> replicas(view).size() == 1);
    assertEquals(1.0, scrape(a).value("cluster_replicas"));
  }

  @Test
  @Order(6)
  void aWrongPasswordIsAClearWarningAndTheReplicaServesLocally() {
    String output = poll(locked::output, text -> text.contains("Cluster unavailable"));
    String warning = output.lines().filter(l -> l.contains("Cluster unavailable")).findFirst().orElseThrow();
    assertTrue(warning.contains("REDIS_URL"), warning);
    assertTrue(warning.contains("password"), warning);
    assertTrue(warning.contains("redis://:***@127.0.0.1:" + lockedRedis.port()), warning);
    assertFalse(output.contains(WRONG), "the password must never be logged");
    assertEquals(1, count(output, "Cluster unavailable"), output);
    assertEquals(503, get(locked, "/cluster").statusCode());
    assertFalse(get(locked, "/cluster").body().contains(WRONG));
    assertEquals(200, get(locked, "/health/ready").statusCode());
    WsTestClient client = connect(locked.httpPort(), "/ws");
    await(client.next("welcome"));
    client.send(new JsonObject().put("type", "broadcast").put("message", "alone").put("scope", "cluster"));
    assertEquals("alone", await(client.next("broadcast")).getString("message"));
    assertEquals(1, await(client.next("broadcast_ack")).getInteger("recipients"));
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private static WsTestClient connect(int port, String path) {
    return await(WsTestClient.connect(vertx, port, path));
  }

  private static String instanceId(WsTestClient client) {
    return client.all().get(0).getJsonObject("service_identity").getString("instance_id");
  }

  private static String displayName(WsTestClient client) {
    return client.all().get(0).getJsonObject("service_identity").getString("display_name");
  }

  private static List<JsonObject> replicas(JsonObject view) {
    JsonArray list = view.getJsonArray("replicas", new JsonArray());
    return list.stream().map(JsonObject.class::cast).toList();
  }

  private static JsonObject replica(JsonObject view, String instanceId) {
    return replicas(view).stream().filter(r -> instanceId.equals(r.getString("instance_id"))).findFirst()
      .orElseThrow(() -> new AssertionError(instanceId + " not in " + view.encode()));
  }

  /** GET /cluster on {@code service} until it answers 200 with a view that passes {@code done}. */
  private static JsonObject awaitView(ServiceProcess service, Predicate<JsonObject> done) {
    HttpResponse<String> response = poll(() -> get(service, "/cluster"),
      r -> r.statusCode() == 200 && done.test(new JsonObject(r.body())));
    return new JsonObject(response.body());
  }

  private static JsonObject awaitWsView(WsTestClient client, Predicate<JsonObject> done) {
    return poll(() -> await(client.send(new JsonObject().put("type", "cluster")).next("cluster")),
      view -> "cluster".equals(view.getString("type")) && "up".equals(view.getString("status")) && done.test(view));
  }

  /** Asks again every 100 ms until the answer passes, failing with the last answer after {@link #DEADLINE}. */
  private static <T> T poll(Supplier<T> ask, Predicate<T> done) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    T last = null;
    while (System.nanoTime() < deadline) {
      last = ask.get();
      if (done.test(last)) {
        return last;
      }
      await(vertx.timer(100, TimeUnit.MILLISECONDS));
    }
    throw new AssertionError("still not there after " + DEADLINE.toSeconds() + " s; last answer: "
      + (last instanceof HttpResponse<?> r ? r.statusCode() + " " + r.body() : last));
  }

  private static HttpResponse<String> get(ServiceProcess service, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " on port " + service.httpPort() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static PrometheusText scrape(ServiceProcess service) {
    return PrometheusText.parse(get(service, "/metrics").body());
  }

  private static int count(String text, String phrase) {
    Matcher matcher = Pattern.compile(Pattern.quote(phrase)).matcher(text);
    int n = 0;
    while (matcher.find()) {
      n++;
    }
    return n;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer within 15 s: " + e, e);
    }
  }
}
