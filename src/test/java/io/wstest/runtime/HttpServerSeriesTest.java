package io.wstest.runtime;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.wstest.testsupport.PrometheusText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP server's series as {@link HttpServerSeries} keeps them, next to vertx-micrometer's own for the same
 * traffic: two Vert.x instances, each with a real server on loopback, one measured by vertx-micrometer and one by
 * {@link ServiceMetricsFactory}, scraped from their Prometheus registries.
 */
@ExtendWith(VertxExtension.class)
class HttpServerSeriesTest {

  private static final String PREFIX = "vertx_http_server_";

  private final List<Vertx> measured = new ArrayList<>();

  @AfterEach
  void close(VertxTestContext ctx) {
    Future.join(measured.stream().map(Vertx::close).collect(Collectors.toList()))
      .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void sameNamesHelpLabelsAndCountsAsVertxMicrometerForTheSameTraffic(Vertx client, VertxTestContext ctx) {
    PrometheusMeterRegistry theirs = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusMeterRegistry ours = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx theirVertx = measuredVertx(new MicrometerMetricsFactory(theirs));
    Vertx ourVertx = measuredVertx(new ServiceMetricsFactory(ours));
    startServer(theirVertx)
      .compose(port -> traffic(client, port))
      .compose(v -> scraped(client, theirs, HttpServerSeriesTest::allClosed))
      .compose(v -> startServer(ourVertx))
      .compose(port -> traffic(client, port))
      .compose(v -> scraped(client, ours, HttpServerSeriesTest::allClosed))
      .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        List<String> theirLines = comparable(theirs.scrape());
        List<String> ourLines = comparable(ours.scrape());
        // one difference by design: the error counter exists from the start, at 0, instead of after the first error
        List<String> ourLinesBesideErrors = ourLines.stream()
          .filter(line -> !line.contains(PREFIX + "errors_total"))
          .collect(Collectors.toList());
        assertEquals(theirLines, ourLinesBesideErrors);
        assertTrue(ourLines.contains(PREFIX + "errors_total 0.0"), String.join("\n", ourLines));
        PrometheusText scrape = PrometheusText.parse(ours.scrape());
        assertEquals(2.0, scrape.value(PREFIX + "requests_total", "code", "200", "method", "GET"));
        assertEquals(1.0, scrape.value(PREFIX + "requests_total", "code", "404", "method", "POST"));
        assertEquals(1.0, scrape.value(PREFIX + "requests_total", "code", "101", "method", "GET"));
        assertEquals(1.0, scrape.value(PREFIX + "requests_total", "code", "600", "method", "GET"));
        assertEquals(5.0, scrape.value(PREFIX + "request_bytes_sum", "method", "POST"));
        assertEquals(0.0, scrape.value(PREFIX + "active_requests", "method", "GET"));
        assertTrue(scrape.value(PREFIX + "bytes_written_total") > 0, "bytes written");
        ctx.completeNow();
      })));
  }

  @Test
  void everyServerOfOneVertxCountsIntoTheSameSeries(Vertx client, VertxTestContext ctx) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = measuredVertx(new ServiceMetricsFactory(registry));
    WebSocketClient webSockets = client.createWebSocketClient();
    Future.all(startServer(vertx), startServer(vertx))
      .compose(ports -> Future.all(
        webSockets.connect(ports.<Integer>resultAt(0), "127.0.0.1", "/ws"),
        webSockets.connect(ports.<Integer>resultAt(1), "127.0.0.1", "/ws")))
      // the client has its 101 before the server has counted the upgrade: wait for the server's side
      .compose(sockets -> scraped(client, registry,
        scrape -> valueOrNone(scrape, "active_ws_connections") == 2
          && valueOrNone(scrape, "requests_total", "code", "101", "method", "GET") == 2))
      .onComplete(ctx.succeeding(scrape -> ctx.verify(() -> {
        assertEquals(2.0, scrape.value(PREFIX + "active_ws_connections"));
        assertEquals(2.0, scrape.value(PREFIX + "active_connections"));
        assertEquals(2.0, scrape.value(PREFIX + "requests_total", "code", "101", "method", "GET"));
        ctx.completeNow();
      })));
  }

  private Vertx measuredVertx(VertxMetricsFactory metrics) {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(false)
      .setRegistryName("series-test-" + UUID.randomUUID())
      .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE));
    Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(options)).withMetrics(metrics).build();
    measured.add(vertx);
    return vertx;
  }

  /**
   * A server on a free loopback port: 200 at /ok, a WebSocket at /ws, 600 at /odd (a code outside the range
   * HttpServerSeries keeps in an array), 404 after the body anywhere else.
   */
  private static Future<Integer> startServer(Vertx vertx) {
    HttpServer server = vertx.createHttpServer();
    server.requestHandler(request -> {
      switch (request.path()) {
        case "/ok" -> request.response().end("hello");
        case "/ws" -> request.toWebSocket();
        case "/odd" -> request.response().setStatusCode(600).end();
        default -> request.body().onComplete(body -> request.response().setStatusCode(404).end("missing"));
      }
    });
    return server.listen(0, "127.0.0.1").map(HttpServer::actualPort);
  }

  /** Two GETs, a POST of 5 bytes, a GET answered 600 and a WebSocket opened and closed, each on its own connection. */
  private static Future<Void> traffic(Vertx client, int port) {
    HttpClient http = client.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    WebSocketClient webSockets = client.createWebSocketClient();
    BiFunction<HttpMethod, String, Future<Void>> send = (method, path) -> http
      .request(method, port, "127.0.0.1", path)
      .compose(request -> request.send(method == HttpMethod.GET ? "" : "hello"))
      .compose(response -> response.body())
      .mapEmpty();
    return send.apply(HttpMethod.GET, "/ok")
      .compose(v -> send.apply(HttpMethod.POST, "/missing"))
      .compose(v -> send.apply(HttpMethod.GET, "/ok"))
      .compose(v -> send.apply(HttpMethod.GET, "/odd"))
      .compose(v -> webSockets.connect(port, "127.0.0.1", "/ws"))
      .compose(WebSocket::close)
      .eventually(() -> Future.join(http.close(), webSockets.close()));
  }

  /** Every connection the server had is closed, WebSockets included. */
  private static boolean allClosed(PrometheusText scrape) {
    return valueOrNone(scrape, "active_connections") == 0 && valueOrNone(scrape, "active_ws_connections") == 0;
  }

  /** The series' value, or -1 while it does not exist yet. */
  private static double valueOrNone(PrometheusText scrape, String name, String... labels) {
    return scrape.find(PREFIX + name, labels).map(PrometheusText.Sample::value).orElse(-1.0);
  }

  /**
   * The registry's scrape once {@code condition} holds: the server counts what it did on its event loop, after the
   * client may already have seen it. Fails with the scrape after 10 s.
   */
  private static Future<PrometheusText> scraped(Vertx client, PrometheusMeterRegistry registry,
      Predicate<PrometheusText> condition) {
    Promise<PrometheusText> scraped = Promise.promise();
    long deadline = System.nanoTime() + 10_000_000_000L;
    client.setPeriodic(10, id -> {
      PrometheusText scrape = PrometheusText.parse(registry.scrape());
      if (condition.test(scrape)) {
        client.cancelTimer(id);
        scraped.complete(scrape);
      } else if (System.nanoTime() > deadline) {
        client.cancelTimer(id);
        scraped.fail("not reached in 10 s: " + comparable(registry.scrape()));
      }
    });
    return scraped.future();
  }

  /** The HTTP server's lines, sorted, with the values that depend on timing (seconds) left out. */
  private static List<String> comparable(String scrape) {
    return scrape.lines()
      .filter(line -> line.contains(PREFIX))
      .map(line -> line.startsWith("#") || !line.contains("_seconds") ? line : line.substring(0, line.lastIndexOf(' ')))
      .sorted()
      .collect(Collectors.toList());
  }
}
