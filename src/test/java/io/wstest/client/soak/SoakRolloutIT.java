package io.wstest.client.soak;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.Backend;
import io.wstest.testsupport.HaproxyProcess;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code test-lb soak} through a real rollout: three service processes from the fat jar behind real HAProxy with
 * readiness checks (every 500 ms on /readyz), test-lb in this JVM, one replica stopped during the soak. SIGTERM
 * (a rolling update's stop) must cost nothing: 1001, reconnects elsewhere, no lost message. SIGKILL (a crash) must
 * show up as abnormal closes and fail the run.
 */
// Not named Test*IT: surefire runs every Test*.java in the test phase, before the fat jar exists.
class SoakRolloutIT {

  private static final List<String> PODS = List.of("soak-a", "soak-b", "soak-c");
  private static final int SOCKETS = 30;
  private static final String DURATION = "8s";

  @TempDir
  Path reports;

  private final List<ServiceProcess> services = new ArrayList<>();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final ScheduledExecutorService disruptor = Executors.newSingleThreadScheduledExecutor();
  private LoadBalancerProcess haproxy;
  /** The replica the test stopped: the one holding the most sockets once all of them were connected. */
  private final AtomicReference<ServiceProcess> victim = new AtomicReference<>();

  @BeforeEach
  void startServicesBehindHaproxy() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    services.addAll(ServiceProcess.startAll(PODS.stream()
      .map(pod -> ServiceProcess.builder().podName(pod).env("DRAIN_DELAY", "1500ms").env("SHUTDOWN_GRACE", "1s")).toList()));
    haproxy = HaproxyProcess.start(Backend.numbered(services), HaproxyProcess.Options.roundRobin().withReadinessChecks());
    HaproxyProcess.awaitServersUp(haproxy, Duration.ofSeconds(15));
  }

  @AfterEach
  void stopAll() {
    disruptor.shutdownNow();
    if (haproxy != null) {
      haproxy.close();
    }
    services.forEach(ServiceProcess::close);
  }

  @Test
  void sigtermDuringTheSoakCostsNoMessageAndEveryAffectedSocketSees1001ThenReconnectsElsewhere() {
    JsonObject report = soak("soak-sigterm", 0, ServiceProcess::sigterm, "--max-lost", "0",
      "--max-abnormal-closes", "0");

    assertEquals(0, victim.get().waitForExit(Duration.ofSeconds(20)),
      "drained and exited 0:\n" + victim.get().output());
    String stopped = victimPod();
    JsonObject summary = report.getJsonObject("summary");
    int onVictim = socketsOn(summary.getJsonArray("instances_before"), stopped);
    assertTrue(onVictim > 0, "round robin put sockets on the victim: " + summary.encodePrettily());
    List<JsonObject> disconnects = TestLbRuns.objects(report, "disconnects");
    assertEquals(onVictim, disconnects.size(), "exactly the victim's sockets were disconnected: " + disconnects);
    for (JsonObject d : disconnects) {
      assertEquals(stopped, d.getString("pod_name"), d.encode());
      assertNotNull(d.getLong("shutdown_at_ms"), "the shutdown message came first: " + d.encode());
      assertEquals("1001", d.getString("close"), d.encode());
      assertEquals(1001, d.getInteger("close_code"), d.encode());
      assertFalse(d.getBoolean("abnormal"));
      assertEquals(0, d.getInteger("lost"), d.encode());
      assertNotNull(d.getString("reconnect_pod_name"), "reconnected: " + d.encode());
      assertNotEquals(stopped, d.getString("reconnect_pod_name"), "reconnected elsewhere: " + d.encode());
      assertFalse(d.getBoolean("reconnect_draining"), "HAProxy had taken the victim out: " + d.encode());
    }
    JsonObject messages = summary.getJsonObject("messages");
    assertTrue(messages.getLong("sent") > SOCKETS, messages.encode());
    assertEquals(messages.getLong("sent"), messages.getLong("acknowledged"), messages.encode());
    assertEquals(0, messages.getLong("lost"), messages.encode());
    assertEquals(0, summary.getInteger("abnormal_closes"));
    assertEquals(new JsonObject().put("1001", onVictim), summary.getJsonObject("closes"));
    assertEquals(onVictim, summary.getInteger("reconnects"));
    assertEquals(0, summary.getInteger("reconnects_on_draining"));
    assertEquals(new JsonObject().put("gaps", 0).put("out_of_order", 0), summary.getJsonObject("server_seq"));
    assertEquals(0, socketsOn(summary.getJsonArray("instances_after"), stopped), summary.encodePrettily());
    assertEquals(SOCKETS, summary.getInteger("sockets_connected_at_end"));
    List<JsonObject> timeline = TestLbRuns.objects(report, "timeline");
    // the victim held its sockets through DRAIN_DELAY, so the samples before its shutdown show them
    assertTrue(timeline.stream().anyMatch(sample -> openOn(sample, stopped) > 0), timeline.toString());
    assertVictimGoneAtTheEnd(timeline, stopped);
  }

  @Test
  void sigkillDuringTheSoakIsCountedAsAbnormalClosesAndFailsTheRun() {
    // --max-lost is generous here so that the verdict shows the abnormal-close criterion on its own
    JsonObject report = soak("soak-sigkill", 1, service -> service.process().destroyForcibly(),
      "--max-lost", "100000", "--max-abnormal-closes", "0");

    String stopped = victimPod();
    JsonObject summary = report.getJsonObject("summary");
    int onVictim = socketsOn(summary.getJsonArray("instances_before"), stopped);
    assertTrue(onVictim > 0, summary.encodePrettily());
    List<JsonObject> disconnects = TestLbRuns.objects(report, "disconnects");
    assertEquals(onVictim, disconnects.size(), disconnects.toString());
    for (JsonObject d : disconnects) {
      assertEquals(stopped, d.getString("pod_name"), d.encode());
      assertEquals(null, d.getLong("shutdown_at_ms"), "a killed replica says nothing: " + d.encode());
      assertTrue(List.of("1006", "reset").contains(d.getString("close")), d.encode());
      assertTrue(d.getBoolean("abnormal"), d.encode());
      assertNotNull(d.getString("reconnect_pod_name"), "reconnected: " + d.encode());
      assertNotEquals(stopped, d.getString("reconnect_pod_name"), d.encode());
    }
    assertEquals(onVictim, summary.getInteger("abnormal_closes"));
    assertEquals(0, socketsOn(summary.getJsonArray("instances_after"), stopped));
    JsonObject verdict = report.getJsonObject("verdict");
    assertEquals(1, verdict.getJsonArray("problems").size(), verdict.encode());
    assertTrue(verdict.getJsonArray("problems").getString(0).contains(onVictim + " abnormal closes")
      && verdict.getJsonArray("problems").getString(0).contains("--max-abnormal-closes 0"), verdict.encode());
    assertVictimGoneAtTheEnd(TestLbRuns.objects(report, "timeline"), stopped);
  }

  /**
   * Runs the soak through HAProxy and, as soon as all its sockets are connected, stops the replica holding the
   * most of them (under load HAProxy's 500 ms checks may briefly take a replica out, so the spread is not always
   * even).
   */
  private JsonObject soak(String name, int expectedExit, Consumer<ServiceProcess> stop, String... more) {
    List<String> args = new ArrayList<>(List.of("soak"));
    args.addAll(TestLbRuns.through(haproxy, "--sockets", Integer.toString(SOCKETS), "--rate", "10",
      "--duration", DURATION));
    args.addAll(List.of(more));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    // Another process's socket count raises no event here: a bounded poll of its /health, every 100 ms.
    disruptor.scheduleWithFixedDelay(() -> {
      List<Integer> active = services.stream().map(SoakRolloutIT::activeSockets).toList();
      if (active.stream().mapToInt(Integer::intValue).sum() >= SOCKETS) {
        victim.set(services.get(active.indexOf(Collections.max(active))));
        stop.accept(victim.get());
        disruptor.shutdown();
      } else if (System.nanoTime() > deadline) {
        disruptor.shutdown();
      }
    }, 100, 100, TimeUnit.MILLISECONDS);
    return TestLbRuns.testLb(reports, name, expectedExit, args);
  }

  private static int activeSockets(ServiceProcess service) {
    try {
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + service.httpPort() + "/health")).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.ofString());
      return new JsonObject(health.body()).getInteger("active_websocket_connections", 0);
    } catch (IOException | RuntimeException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private String victimPod() {
    assertNotNull(victim.get(), "the soak's sockets never all connected, so no replica was stopped");
    return PODS.get(services.indexOf(victim.get()));
  }

  private static int socketsOn(JsonArray shares, String pod) {
    return shares.stream().map(JsonObject.class::cast).filter(s -> pod.equals(s.getString("pod_name")))
      .mapToInt(s -> s.getInteger("sockets")).sum();
  }

  /**
   * The last sample of the per-second timeline has every socket open and none on the victim. (Whether an earlier
   * sample saw the victim depends on when it was stopped: a SIGKILL may come before the first sample at 1 s.)
   */
  private static void assertVictimGoneAtTheEnd(List<JsonObject> timeline, String stopped) {
    JsonObject last = timeline.get(timeline.size() - 1);
    assertEquals(0, openOn(last, stopped), timeline.toString());
    assertEquals(SOCKETS, last.getInteger("open"), timeline.toString());
  }

  private static int openOn(JsonObject sample, String pod) {
    return sample.getJsonObject("by_instance").getInteger("websocket-test-service-" + pod, 0);
  }
}
