package io.wstest.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
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
        return WsTestClient.connect(vertx, service.httpPort(), "/ws");
      })
      .compose(socket -> {
        a = socket;
        return a.next("welcome");
      })
      .compose(w -> WsTestClient.connect(vertx, service.wsPort(), "/"))
      .compose(socket -> {
        b = socket;
        return b.next("welcome");
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


}
