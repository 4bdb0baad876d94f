package io.wstest.client.sticky;

import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.Backend;
import io.wstest.testsupport.HaproxyProcess;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.NginxProcess;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code test-lb sticky} and {@code test-lb weights} end to end: three real service processes from the fat jar (two
 * labelled {@code SERVICE_VERSION=v1}, one {@code v2}) behind real HAProxy and nginx from the docker/ templates,
 * test-lb run in-process, every assertion read from its JSON report.
 */
class LoadBalancerStickyAndWeightsIT {

  private static final List<String> PODS = List.of("sw-a", "sw-b", "sw-c");
  private static final List<String> VERSIONS = List.of("v1", "v1", "v2");
  private static final int K = 20;

  private static final List<ServiceProcess> services = new ArrayList<>();
  private static final List<Backend> backends = new ArrayList<>();

  @TempDir
  static Path reports;

  @BeforeAll
  static void startServices() {
    List<ServiceProcess.Builder> replicas = new ArrayList<>();
    for (int i = 0; i < PODS.size(); i++) {
      replicas.add(ServiceProcess.builder().podName(PODS.get(i)).env("SERVICE_VERSION", VERSIONS.get(i)));
    }
    services.addAll(ServiceProcess.startAll(replicas));
    // HAProxy's sticky cookie values are the server names: b1, b2, b3
    backends.addAll(Backend.numbered(services));
  }

  @AfterAll
  static void stopServices() {
    services.forEach(ServiceProcess::close);
  }

  // ---- sticky

  @Test
  void haproxyCookieInsertIsStickyBecauseOfTheCookie() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    try (LoadBalancerProcess haproxy = HaproxyProcess.start(backends,
      HaproxyProcess.Options.roundRobin().withStickyCookie())) {
      JsonObject report = testLb("haproxy-cookie", 0, through(haproxy, "sticky", "-n", Integer.toString(K),
        "--min-sticky", "0.99"));
      assertEquals(1.0, report.getDouble("sticky_share"));
      JsonObject replay = report.getJsonObject("replay");
      assertEquals(K - 1, replay.getInteger("returned"));
      assertEquals(1, replay.getJsonObject("stats").getInteger("distinct_instances"));
      String pod = report.getJsonObject("first_instance").getString("pod_name");
      String server = "b" + (PODS.indexOf(pod) + 1);

      JsonObject affinity = report.getJsonObject("affinity");
      assertEquals("cookie", affinity.getString("source"), affinity.encodePrettily());
      assertTrue(affinity.getBoolean("verified"));
      JsonObject cookie = affinity.getJsonArray("cookies_set").getJsonObject(0);
      assertEquals("SRV", cookie.getString("name"));
      assertEquals(server, cookie.getString("value"), "HAProxy names the server that served the first connection");
      assertEquals(1, cookie.getInteger("set_by_connection"));
      assertEquals(List.of("SRV"), affinity.getJsonArray("cookies_replayed").getList());
      assertTrue(affinity.getString("summary").contains("SRV"), affinity.getString("summary"));

      List<JsonObject> connections = TestLbRuns.objects(replay, "connections");
      assertEquals(1, connections.get(0).getJsonArray("set_cookie").size());
      assertNull(connections.get(0).getString("cookie_sent"));
      for (JsonObject c : connections.subList(1, K)) {
        assertEquals("SRV=" + server, c.getString("cookie_sent"), c.encode());
        assertEquals(Boolean.TRUE, c.getBoolean("returned"));
        assertTrue(c.getJsonArray("set_cookie").isEmpty(), "a valid cookie is not set again (indirect)");
      }

      // The control run, without the cookie: HAProxy's round robin, about a third back on the first instance.
      JsonObject control = report.getJsonObject("control");
      assertEquals(3, control.getJsonObject("stats").getInteger("distinct_instances"));
      assertEquals(1.0 / 3, control.getDouble("sticky_share"), 0.1);
      for (JsonObject c : TestLbRuns.objects(control, "connections")) {
        assertNull(c.getString("cookie_sent"));
        assertEquals(1, c.getJsonArray("set_cookie").size(), "HAProxy offers its cookie every time");
      }
    }
  }

  @Test
  void aCookieGivenWithHeaderPinsItsServer() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    try (LoadBalancerProcess haproxy = HaproxyProcess.start(backends,
      HaproxyProcess.Options.roundRobin().withStickyCookie())) {
      JsonObject report = testLb("haproxy-header-cookie", 0, through(haproxy, "sticky", "-n", "8",
        "--header", "Cookie: SRV=b2"));
      assertEquals(PODS.get(1), report.getJsonObject("first_instance").getString("pod_name"));
      assertEquals(1.0, report.getDouble("sticky_share"));
      JsonObject affinity = report.getJsonObject("affinity");
      assertEquals("header", affinity.getString("source"), affinity.encodePrettily());
      assertFalse(affinity.getBoolean("cookie_set"), "HAProxy accepts the valid cookie and sets none");
      assertEquals(List.of("SRV"), affinity.getJsonArray("cookies_replayed").getList());
    }
  }

  @Test
  void nginxRoundRobinIsNotSticky() {
    Assumptions.assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    try (LoadBalancerProcess nginx = NginxProcess.start(backends, NginxProcess.ROUND_ROBIN, "60s")) {
      JsonObject report = testLb("nginx-round-robin", 1, through(nginx, "sticky", "-n", Integer.toString(K),
        "--min-sticky", "0.99"));
      // round robin over three: every third connection after the first is back on its instance (6 of 19)
      assertEquals(1.0 / 3, report.getDouble("sticky_share"), 0.05);
      assertEquals(3, report.getJsonObject("replay").getJsonObject("stats").getInteger("distinct_instances"));
      JsonObject affinity = report.getJsonObject("affinity");
      assertEquals("none", affinity.getString("source"));
      assertFalse(affinity.getBoolean("cookie_set"));
      assertTrue(affinity.getString("explanation").contains("No cookie was set"), affinity.getString("explanation"));
      JsonObject verdict = report.getJsonObject("verdict");
      assertTrue(verdict.getString("summary").startsWith("Not sticky"), verdict.encode());
      assertTrue(verdict.getJsonArray("problems").getString(0).contains("below --min-sticky 99%"), verdict.encode());
    }
  }

  @Test
  void nginxHashOnTheClientAddressIsStickyWithoutACookie() {
    Assumptions.assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    try (LoadBalancerProcess nginx = NginxProcess.start(backends, NginxProcess.HASH_REMOTE_ADDR, "60s")) {
      JsonObject report = testLb("nginx-hash", 0, through(nginx, "sticky", "-n", Integer.toString(K),
        "--min-sticky", "0.99"));
      assertEquals(1.0, report.getDouble("sticky_share"));
      assertEquals(1.0, report.getJsonObject("control").getDouble("sticky_share"), "sticky without anything sent");
      JsonObject affinity = report.getJsonObject("affinity");
      assertEquals("client_address", affinity.getString("source"), affinity.encodePrettily());
      assertTrue(affinity.getBoolean("verified"));
      assertFalse(affinity.getBoolean("cookie_set"));
      assertTrue(affinity.getJsonArray("cookies_replayed").isEmpty());
      assertTrue(affinity.getString("explanation").startsWith("No cookie or header is involved"),
        affinity.getString("explanation"));
      assertTrue(affinity.getString("summary").contains("no cookie involved"), affinity.getString("summary"));
    }
  }

  // ---- weights

  @Test
  void haproxyServerWeightsGiveTheClaimedCanarySplit() {
    Assumptions.assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    // v1 on two servers of weight 3, v2 on one of weight 2: 6:2 = 75 % : 25 %
    List<Backend> weighted = List.of(backends.get(0).withWeight(3), backends.get(1).withWeight(3),
      backends.get(2).withWeight(2));
    try (LoadBalancerProcess haproxy = HaproxyProcess.start(weighted, HaproxyProcess.Options.roundRobin())) {
      JsonObject report = testLb("weights-75-25", 0, through(haproxy, "weights", "--weights", "v1=75,v2=25",
        "-n", "200"));
      JsonObject split = report.getJsonObject("split");
      assertEquals("version", split.getString("field"));
      Map<String, JsonObject> groups = byName(split);
      assertEquals(Set.of("v1", "v2"), groups.keySet());
      // weighted round robin is exact over every cycle of 8; the health check takes one turn
      assertEquals(150, groups.get("v1").getInteger("count"), 2);
      assertEquals(50, groups.get("v2").getInteger("count"), 2);
      assertEquals(Set.of(PODS.get(0), PODS.get(1)), pods(groups.get("v1")));
      assertEquals(Set.of(PODS.get(2)), pods(groups.get("v2")));
      for (JsonObject group : groups.values()) {
        assertTrue(group.getBoolean("inside"), group.encode());
        JsonObject interval = group.getJsonObject("interval");
        assertTrue(interval.getDouble("lower") < group.getDouble("expected_share")
          && group.getDouble("expected_share") < interval.getDouble("upper"), group.encode());
        assertEquals(0.95, interval.getDouble("confidence"));
      }
      assertTrue(split.getJsonArray("unmatched").isEmpty());

      // Claims that are not the real 3:1: both fail, with the observed share outside the claim
      JsonObject even = testLb("weights-50-50", 1, through(haproxy, "weights", "--weights", "v1=50,v2=50",
        "-n", "200"));
      assertFalse(byName(even.getJsonObject("split")).get("v1").getBoolean("inside"));
      assertTrue(even.getJsonObject("verdict").getString("summary").contains("does not match"));
      JsonObject ninety = testLb("weights-90-10", 1, through(haproxy, "weights", "--weights", "v1=9,v2=1",
        "-n", "200"));
      JsonObject v2 = byName(ninety.getJsonObject("split")).get("v2");
      assertFalse(v2.getBoolean("inside"));
      assertTrue(v2.getJsonObject("interval").getDouble("lower") > 0.1, v2.encode());

      // A label the claim does not name fails, and is reported with its instance
      JsonObject unmatched = testLb("weights-unmatched", 1, through(haproxy, "weights", "--weights", "v1=1",
        "-n", "40"));
      JsonObject extra = unmatched.getJsonObject("split").getJsonArray("unmatched").getJsonObject(0);
      assertEquals("v2", extra.getString("value"));
      assertEquals(Set.of(PODS.get(2)), pods(extra));
      assertTrue(unmatched.getJsonObject("verdict").getJsonArray("problems").getString(0)
        .contains("version 'v2'"), unmatched.getJsonObject("verdict").encode());

      // The same split by pod name: 3:3:2
      JsonObject byPod = testLb("weights-pods", 0, through(haproxy, "weights", "--field", "pod_name",
        "--weights", PODS.get(0) + "=3," + PODS.get(1) + "=3," + PODS.get(2) + "=2", "-n", "80"));
      assertEquals(3, byPod.getJsonObject("split").getJsonArray("groups").size());
      for (JsonObject c : TestLbRuns.objects(byPod, "connections")) {
        assertTrue(PODS.contains(c.getString("field_value")), c.encode());
      }
    }
  }

  // ---- helpers

  private static List<String> through(LoadBalancerProcess lb, String scenario, String... more) {
    List<String> args = new ArrayList<>(List.of(scenario));
    args.addAll(TestLbRuns.through(lb, more));
    return args;
  }

  private static JsonObject testLb(String name, int expectedExit, List<String> args) {
    return TestLbRuns.testLb(reports, name, expectedExit, args);
  }

  private static Map<String, JsonObject> byName(JsonObject split) {
    return TestLbRuns.objects(split, "groups").stream().collect(Collectors.toMap(g -> g.getString("name"), g -> g));
  }

  private static Set<String> pods(JsonObject group) {
    return TestLbRuns.objects(group, "instances").stream().map(i -> i.getString("pod_name")).collect(Collectors.toSet());
  }
}
