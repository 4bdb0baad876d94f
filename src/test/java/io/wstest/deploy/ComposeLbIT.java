package io.wstest.deploy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.LoadBalancerProcess;
import io.wstest.testsupport.NginxProcess;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Compose load balancer's nginx config, run by real nginx in front of real replicas, as `docker compose up
 * --scale websocket-test=3` wires it: every replica listens on the same ports on its own address (127.0.0.2, .3,
 * .4 here; container IPs there) and the service name resolves to all of them through a DNS server (a stub on
 * 127.0.0.1 here, put where the template says ${NGINX_RESOLVER}; Docker's 127.0.0.11 or podman's network gateway
 * there). Checks that HTTP and both WebSocket ports are spread over all
 * replicas, and that scaling up and down is seen without restarting nginx.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ComposeLbIT {

  private static final List<String> ADDRESSES = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5");
  /** Requests per look: nginx picks a random first address per request, so 30 miss a replica only ~1e-4 of the time. */
  private static final int BATCH = 30;

  private static final List<ServiceProcess> replicas = new ArrayList<>();
  private static DnsStub dns;
  private static LoadBalancerProcess lb;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    int http = FreePorts.next();
    int ws = FreePorts.next();
    for (int i = 0; i < ADDRESSES.size(); i++) {
      replicas.add(ServiceProcess.builder().podName("compose-" + (i + 1)).ports(http, ws)
        .env("BIND_HOST", ADDRESSES.get(i)).env("INSTANCES", "1").start());
    }
    dns = DnsStub.start(vertx, DockerFilesTest.REPLICAS, ADDRESSES.subList(0, 3)).await(10, TimeUnit.SECONDS);
    lb = NginxProcess.startComposeLb(dns.port(), http, ws);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lb != null) {
      lb.close();
    }
    replicas.forEach(ServiceProcess::close);
    if (dns != null) {
      dns.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void spreadsOverTheReplicasAndFollowsScaling(Vertx vertx, VertxTestContext test) {
    WebClient client = WebClient.create(vertx);
    awaitPods(vertx, client, Set.of("compose-1", "compose-2", "compose-3"), 20)
      .compose(pods -> Future.all(welcome(vertx, lb.httpPort(), "/ws"), welcome(vertx, lb.wsPort(), "/")))
      .compose(welcomes -> {
        test.verify(() -> {
          assertEquals("http", welcomes.<JsonObject>resultAt(0).getString("server"));
          assertEquals("raw", welcomes.<JsonObject>resultAt(1).getString("server"));
        });
        dns.setAddresses(ADDRESSES);                      // --scale websocket-test=4
        return awaitPods(vertx, client, Set.of("compose-1", "compose-2", "compose-3", "compose-4"), 60);
      })
      .compose(pods -> {
        dns.setAddresses(ADDRESSES.subList(1, 4));        // compose-1 removed
        return awaitPods(vertx, client, Set.of("compose-2", "compose-3", "compose-4"), 60);
      })
      .onComplete(test.succeeding(pods -> test.verify(() -> {
        assertTrue(dns.queries() >= 3, "nginx asked the DNS server again: " + dns.queries() + " queries");
        test.completeNow();
      })));
  }

  /** The pod names that answered a batch of /health requests made through the load balancer. */
  private static Future<Set<String>> podsServing(WebClient client) {
    Future<Set<String>> chain = Future.succeededFuture(new TreeSet<>());
    for (int i = 0; i < BATCH; i++) {
      chain = chain.compose(pods -> client.get(lb.httpPort(), "127.0.0.1", "/health").send().map(response -> {
        pods.add(response.bodyAsJsonObject().getJsonObject("service_identity").getString("pod_name"));
        return pods;
      }));
    }
    return chain;
  }

  /**
   * Looks until one batch of requests was served by exactly the expected replicas. nginx re-resolves only when its
   * cached answer expires (valid=5s) and starts each request at a random one of the addresses, and there is no
   * event for either: look again every 250 ms, at most {@code attempts} times.
   */
  private static Future<Set<String>> awaitPods(Vertx vertx, WebClient client, Set<String> expected, int attempts) {
    return podsServing(client).compose(pods -> {
      if (pods.equals(expected)) {
        return Future.succeededFuture(pods);
      }
      if (attempts <= 1) {
        return Future.failedFuture("load balancer serves " + pods + ", expected " + expected);
      }
      Promise<Set<String>> next = Promise.promise();
      vertx.setTimer(250, id -> awaitPods(vertx, client, expected, attempts - 1).onComplete(next));
      return next.future();
    });
  }

  private static Future<JsonObject> welcome(Vertx vertx, int port, String path) {
    return WsTestClient.connect(vertx, port, path)
      .compose(c -> c.next().compose(welcome -> c.close().map(welcome)));
  }
}
