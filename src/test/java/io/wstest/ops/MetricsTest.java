package io.wstest.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.PrometheusText;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /metrics on a real service: scraped over HTTP and parsed, before and after real WebSocket traffic. */
@ExtendWith(VertxExtension.class)
class MetricsTest {

  private InProcessService service;
  private HttpClient http;
  private WsTestClient a;
  private WsTestClient b;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void countsConnectionsMessagesClosesAndLabelsTheReplica(Vertx vertx, VertxTestContext ctx) {
    http = vertx.createHttpClient();
    InProcessService.start(Map.of("MAX_MESSAGE_BYTES", "1000"))
      .compose(s -> {
        service = s;
        return PrometheusText.scrape(http, service.httpPort());
      })
      .compose(before -> {
        ctx.verify(() -> {
          assertEquals(1.0, before.value("websocket_service_info", "instance_id", "t35t1d01", "pod", "test-pod",
            "node", "test-node", "version", "9.9.9-test"));
          assertEquals(0.0, before.value("websocket_connections_opened_total"));
          assertEquals(0.0, before.value("websocket_connections_active", "server", "http"));
          assertEquals(0.0, before.value("websocket_connections_active", "server", "raw"));
          assertEquals(0.0, before.value("websocket_closes_total", "code", "1000"));
          assertTrue(before.hasSeriesStartingWith("jvm_memory_used_bytes"), "JVM series");
          assertTrue(before.hasSeriesStartingWith("jvm_gc_collections_total"), "GC series read from the MXBeans");
          assertTrue(before.hasSeriesStartingWith("jvm_gc_collection_seconds_total"), "GC time");
          assertTrue(before.hasSeriesStartingWith("vertx_"), "Vert.x series");
        });
        return openAAndB(vertx, service.wsPort(), "/");
      })
      .compose(w -> a.send(new JsonObject().put("type", "ping")).next("pong"))
      .compose(m -> a.send(new JsonObject().put("type", "info")).next("info"))
      .compose(m -> a.sendText("not json").next("error"))
      .compose(m -> a.send(new JsonObject().put("type", "broadcast").put("message", "hi")).next("broadcast_ack"))
      .compose(ack -> b.next("broadcast"))
      .compose(m -> PrometheusText.scrape(http, service.httpPort()))
      .compose(during -> {
        ctx.verify(() -> {
          assertEquals(2.0, during.value("websocket_connections_opened_total"));
          assertEquals(1.0, during.value("websocket_connections_active", "server", "http"));
          assertEquals(1.0, during.value("websocket_connections_active", "server", "raw"));
          assertEquals(1.0, during.value("websocket_messages_received_total", "type", "ping"));
          assertEquals(1.0, during.value("websocket_messages_received_total", "type", "info"));
          assertEquals(1.0, during.value("websocket_messages_received_total", "type", "invalid_json"));
          assertEquals(1.0, during.value("websocket_messages_received_total", "type", "broadcast"));
          assertEquals(0.0, during.value("websocket_messages_received_total", "type", "echo"));
          // a: welcome, pong, info, error, broadcast, broadcast_ack; b: welcome, broadcast
          assertEquals(8.0, during.value("websocket_messages_sent_total"));
          assertEquals(2.0, during.value("websocket_broadcast_recipients_total"));
          assertEquals(0.0, during.value("websocket_slow_consumer_drops_total"));
        });
        return b.socket().close((short) 1000).compose(v -> b.closed());
      })
      .compose(code -> {
        // two frames, each within the frame limit, together larger than MAX_MESSAGE_BYTES: the server closes with 1009
        a.socket().writeFrame(WebSocketFrame.textFrame("x".repeat(600), false));
        a.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("y".repeat(600)), true));
        return a.closed();
      })
      .compose(code -> {
        ctx.verify(() -> assertEquals((short) 1009, code));
        return PrometheusText.scrape(http, service.httpPort());
      })
      .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
        assertEquals(1.0, after.value("websocket_closes_total", "code", "1000"));
        assertEquals(1.0, after.value("websocket_closes_total", "code", "1009"));
        assertEquals(0.0, after.value("websocket_closes_total", "code", "1006"));
        assertEquals(0.0, after.value("websocket_connections_active", "server", "http"));
        assertEquals(0.0, after.value("websocket_connections_active", "server", "raw"));
        assertEquals(2.0, after.value("websocket_connections_opened_total"));
        ctx.completeNow();
      })));
  }

  /**
   * Clients on /ws only, none on the raw server (a common deployment): the unused server's empty share of each
   * broadcast adds nothing to the ack or the counters.
   */
  @Test
  void broadcastsWithOneServerUnusedCountOnlyTheRecipients(Vertx vertx, VertxTestContext ctx) {
    http = vertx.createHttpClient();
    InProcessService.start(Map.of())
      .compose(s -> {
        service = s;
        return openAAndB(vertx, service.httpPort(), "/ws");
      })
      .compose(w -> a.send(new JsonObject().put("type", "broadcast").put("message", "one")).next("broadcast_ack"))
      .compose(ack -> {
        ctx.verify(() -> assertEquals(2, ack.getInteger("recipients"), ack.encode()));
        return b.next("broadcast");
      })
      .compose(m -> b.send(new JsonObject().put("type", "broadcast").put("message", "two")).next("broadcast_ack"))
      .compose(ack -> {
        ctx.verify(() -> assertEquals(2, ack.getInteger("recipients"), ack.encode()));
        return a.next("broadcast").compose(m -> a.next("broadcast"));
      })
      .compose(m -> PrometheusText.scrape(http, service.httpPort()))
      .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
        assertEquals(0.0, metrics.value("websocket_connections_active", "server", "raw"));
        assertEquals(4.0, metrics.value("websocket_broadcast_recipients_total"));
        // two welcomes, four broadcast copies, two acks
        assertEquals(8.0, metrics.value("websocket_messages_sent_total"));
        assertEquals(0.0, metrics.value("websocket_slow_consumer_drops_total"));
        ctx.completeNow();
      })));
  }

  /** Socket {@code a} on /ws, then {@code b} on {@code bPort} and {@code bPath}, each past its welcome. */
  private Future<JsonObject> openAAndB(Vertx vertx, int bPort, String bPath) {
    return WsTestClient.connect(vertx, service.httpPort(), "/ws")
      .compose(socket -> {
        a = socket;
        return a.next("welcome");
      })
      .compose(w -> WsTestClient.connect(vertx, bPort, bPath))
      .compose(socket -> {
        b = socket;
        return b.next("welcome");
      });
  }

  @Test
  void metricsDisabledMeansNoEndpoint(Vertx vertx, VertxTestContext ctx) {
    http = vertx.createHttpClient();
    InProcessService.start(Map.of("METRICS_ENABLED", "false"))
      .compose(s -> {
        service = s;
        return http.request(HttpMethod.GET, service.httpPort(), "127.0.0.1", "/metrics")
          .compose(req -> req.send());
      })
      .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
        assertEquals(404, response.statusCode());
        ctx.completeNow();
      })));
  }

  /**
   * A client that invents HTTP methods and paths adds no series: 3,000 unique methods and 3,000 unique paths
   * over four keep-alive connections leave /metrics as large as a handful of ordinary requests do (before the
   * fix each new method added about 11 series that lived until the process ended).
   */
  @Test
  void inventedMethodsAndPathsDoNotGrowTheScrape(Vertx vertx, VertxTestContext ctx) {
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(4));
    InProcessService.start(Map.of())
      .compose(s -> {
        service = s;
        // every known method once, so the baseline already has their series
        return sendInBatches(vertx, 20, i -> send(KNOWN[i % KNOWN.length], "/health"));
      })
      .compose(v -> PrometheusText.scrapeText(http, service.httpPort()))
      .compose(before -> sendInBatches(vertx, REQUESTS, i -> send("X" + i, "/health"))
        .compose(v -> sendInBatches(vertx, REQUESTS, i -> send("GET", "/nowhere/" + i)))
        .compose(v -> PrometheusText.scrapeText(http, service.httpPort()))
        .map(after -> new String[] {before, after}))
      .onComplete(ctx.succeeding(texts -> ctx.verify(() -> {
        PrometheusText before = PrometheusText.parse(texts[0]);
        PrometheusText after = PrometheusText.parse(texts[1]);
        Set<String> methods = after.samples().stream()
          .filter(s -> s.name().startsWith("vertx_http_server_"))
          .map(s -> s.labels().get("method"))
          .filter(m -> m != null)
          .collect(Collectors.toSet());
        assertTrue(methods.contains("other"), "invented methods are counted as other: " + methods);
        assertTrue(Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "other").containsAll(methods),
          "method label values: " + methods);
        assertTrue(after.samples().stream().noneMatch(s -> s.labels().values().stream()
          .anyMatch(v -> v.startsWith("/nowhere/") || v.startsWith("X"))), "no label carries a client's path or method");
        // 6,000 requests may add the "other" method and the 404/405 codes: a few dozen series, never thousands
        int added = after.samples().size() - before.samples().size();
        assertTrue(added < 150, added + " series added by " + 2 * REQUESTS + " requests");
        assertTrue(texts[1].length() < texts[0].length() + 30_000,
          "scrape grew from " + texts[0].length() + " to " + texts[1].length() + " bytes");
        ctx.completeNow();
      })));
  }

  private static final int REQUESTS = 3_000;
  private static final String[] KNOWN = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};

  private Future<Void> send(String method, String path) {
    return http.request(HttpMethod.valueOf(method), service.httpPort(), "127.0.0.1", path)
      .compose(req -> req.send())
      .compose(response -> response.body().mapEmpty());
  }

  /** {@code count} requests, 32 in flight at a time. */
  private static Future<Void> sendInBatches(Vertx vertx, int count, java.util.function.IntFunction<Future<Void>> one) {
    Future<Void> chain = Future.succeededFuture();
    for (int start = 0; start < count; start += 32) {
      int from = start;
      chain = chain.compose(v -> {
        java.util.List<Future<Void>> batch = new java.util.ArrayList<>();
        for (int i = from; i < Math.min(count, from + 32); i++) {
          batch.add(one.apply(i));
        }
        return Future.all(batch).mapEmpty();
      });
    }
    return chain;
  }
}
