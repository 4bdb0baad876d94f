package io.wstest.ops;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.PrometheusText;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fat jar: /metrics survives shading (service loaders, Prometheus writer), and bad limits exit 2. */
@ExtendWith(VertxExtension.class)
class MetricsIT {

  private ServiceProcess service;
  private HttpClient http;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void fatJarServesPrometheusMetricsWithTheReplicaIdentity(Vertx vertx, VertxTestContext ctx) {
    service = ServiceProcess.builder().podName("metrics-pod").env("NODE_NAME", "node-7").start();
    http = vertx.createHttpClient();
    WsTestClient.connect(vertx, service.wsPort(), "/")
      .compose(socket -> socket.next("welcome"))
      .compose(welcome -> http.request(HttpMethod.GET, service.httpPort(), "127.0.0.1", "/metrics"))
      .compose(req -> req.send())
      .compose(response -> {
        ctx.verify(() -> assertEquals(200, response.statusCode()));
        return response.body();
      })
      .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
        PrometheusText metrics = PrometheusText.parse(body.toString());
        assertEquals(1.0, metrics.value("websocket_service_info", "pod", "metrics-pod", "node", "node-7"));
        assertEquals(1.0, metrics.value("websocket_connections_active", "server", "raw"));
        assertEquals(1.0, metrics.value("websocket_connections_opened_total"));
        assertTrue(metrics.hasSeriesStartingWith("jvm_"), "JVM series");
        assertTrue(metrics.hasSeriesStartingWith("vertx_"), "Vert.x series");
        ctx.completeNow();
      })));
  }

  @Test
  void aBadLimitExitsWithTwoNamingTheVariable() {
    // loopback and free ports: should the bad value ever be accepted, the process must not take 0.0.0.0:8080
    ServiceProcess.Exit exit = ServiceProcess.run(List.of(), Map.of("SLOW_CONSUMER_LIMIT", "none",
      "BIND_HOST", "127.0.0.1", "HTTP_PORT", Integer.toString(FreePorts.next()),
      "WS_PORT", Integer.toString(FreePorts.next())), Duration.ofSeconds(30));
    assertEquals(2, exit.code(), exit.output());
    assertTrue(exit.output().contains("SLOW_CONSUMER_LIMIT"), exit.output());
  }

}
