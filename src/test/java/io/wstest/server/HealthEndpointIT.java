package io.wstest.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP side of the real jar, field by field against the seed's /health sample: exactly its keys, a real
 * identity (resolved by the jar, not a test fixture), the same JSON at / for non-browsers, the probes, HEAD on
 * all of them, and JSON for unknown paths.
 */
@ExtendWith(VertxExtension.class)
class HealthEndpointIT {

  private static final Set<String> HEALTH_KEYS = Set.of("status", "timestamp", "active_websocket_connections",
    "service", "version", "service_identity");
  private static final Set<String> IDENTITY_KEYS = Set.of("instance_id", "hostname", "container_ip", "pod_name",
    "node_name", "namespace", "service_name", "environment", "display_name", "version", "started_at");

  private static ServiceProcess service;
  private WebClient http;

  @BeforeAll
  static void start() {
    service = ServiceProcess.builder().podName("health-it-7d8f9-xyz12").env("NODE_NAME", "worker-it-1")
      .env("POD_NAMESPACE", "health-ns").start();
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private Future<HttpResponse<Buffer>> get(Vertx vertx, String path, String accept) {
    if (http == null) {
      http = WebClient.create(vertx);
    }
    HttpRequest<Buffer> request = http.get(service.httpPort(), "127.0.0.1", path);
    if (accept != null) {
      request.putHeader("Accept", accept);
    }
    return request.send();
  }

  @Test
  void healthHasExactlyTheSeedFieldsWithARealIdentity(Vertx vertx, VertxTestContext ctx) {
    get(vertx, "/health", null).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode());
      assertEquals("application/json", response.getHeader("Content-Type"));
      JsonObject health = response.bodyAsJsonObject();
      assertEquals(HEALTH_KEYS, health.fieldNames(), health.encode());
      assertEquals("healthy", health.getString("status"));
      Instant timestamp = isoUtc(health.getString("timestamp"));
      assertEquals(0, health.getInteger("active_websocket_connections"), "no socket is open");

      JsonObject identity = health.getJsonObject("service_identity");
      assertEquals(IDENTITY_KEYS, identity.fieldNames(), identity.encode());
      assertTrue(identity.getString("instance_id").matches("[0-9a-f]{8}"), identity.getString("instance_id"));
      assertFalse(identity.getString("hostname").isBlank());
      assertTrue(identity.getString("container_ip").matches("\\d{1,3}(\\.\\d{1,3}){3}"),
        identity.getString("container_ip"));
      assertEquals("health-it-7d8f9-xyz12", identity.getString("pod_name"));
      assertEquals("worker-it-1", identity.getString("node_name"));
      assertEquals("health-ns", identity.getString("namespace"));
      assertEquals("websocket-test-service", identity.getString("service_name"));
      // the test JVM's environment removes Kubernetes' variable; docker or local depends on where tests run
      assertTrue(Set.of("docker", "local").contains(identity.getString("environment")), identity.encode());
      assertEquals("websocket-test-service-health-it-7d8f9-xyz12", identity.getString("display_name"));
      assertTrue(identity.getString("version").matches("\\d+\\.\\d+\\.\\d+.*"), identity.getString("version"));
      assertFalse(isoUtc(identity.getString("started_at")).isAfter(timestamp), "started before it answered");

      assertEquals(identity.getString("service_name"), health.getString("service"));
      assertEquals(identity.getString("version"), health.getString("version"));
      ctx.completeNow();
    })));
  }

  @Test
  void rootAnswersNonBrowsersWithTheHealthJson(Vertx vertx, VertxTestContext ctx) {
    // curl and probes send */*, JSON clients application/json, load-balancer checks often no Accept at all
    List<String> accepts = Arrays.asList("*/*", "application/json", null);
    Future.all(get(vertx, "/health", null), get(vertx, "/", accepts.get(0)), get(vertx, "/", accepts.get(1)),
        get(vertx, "/", accepts.get(2)))
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        JsonObject health = all.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject();
        for (int i = 1; i <= accepts.size(); i++) {
          HttpResponse<Buffer> root = all.resultAt(i);
          String accept = accepts.get(i - 1);
          assertEquals(200, root.statusCode(), "GET / with Accept " + accept);
          assertEquals("application/json", root.getHeader("Content-Type"), "GET / with Accept " + accept);
          // the same JSON but for the moment it was made
          JsonObject body = root.bodyAsJsonObject();
          isoUtc((String) body.remove("timestamp"));
          JsonObject expected = health.copy();
          expected.remove("timestamp");
          assertEquals(expected, body, "GET / with Accept " + accept);
        }
        ctx.completeNow();
      })));
  }

  @Test
  void probesAnswer200WhenReady(Vertx vertx, VertxTestContext ctx) {
    List<String> probes = List.of("/health/live", "/healthz", "/health/ready", "/readyz");
    Future.all(probes.stream().map(path -> get(vertx, path, null)).toList())
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        for (int i = 0; i < probes.size(); i++) {
          HttpResponse<Buffer> response = all.resultAt(i);
          assertEquals(200, response.statusCode(), probes.get(i));
          assertEquals("UP", response.bodyAsJsonObject().getString("status"), probes.get(i));
        }
        ctx.completeNow();
      })));
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws IOException {
    for (String path : List.of("/", "/health", "/health/live", "/healthz", "/health/ready", "/readyz")) {
      assertHeadLikeGet(path, null, 200);
    }
    // a browser asking / gets the dashboard redirect either way
    assertEquals("ui/", assertHeadLikeGet("/", "text/html", 302).headers().get("location"));
    // a failing probe fails HEAD too
    assertEquals(202, raw("POST", "/readyz/disable", null).status());
    try {
      assertHeadLikeGet("/readyz", null, 503);
      assertHeadLikeGet("/health/ready", null, 503);
    } finally {
      assertEquals(202, raw("POST", "/readyz/enable", null).status());
    }
  }

  /** GET and HEAD of one path: the same status and headers (HEAD may leave out Content-Length), HEAD no body. */
  private static RawAnswer assertHeadLikeGet(String path, String accept, int status) throws IOException {
    RawAnswer get = raw("GET", path, accept);
    RawAnswer head = raw("HEAD", path, accept);
    String what = "HEAD " + path + " (Accept " + accept + ")";
    assertEquals(status, get.status(), "GET " + path);
    assertEquals(get.statusLine(), head.statusLine(), what);
    assertEquals(withoutContentLength(get.headers()), withoutContentLength(head.headers()), what);
    assertEquals(0, head.body().length, what);
    if (status != 302) {
      assertTrue(get.body().length > 0, "GET " + path + " has a body");
    }
    return head;
  }

  private static Map<String, String> withoutContentLength(Map<String, String> headers) {
    Map<String, String> copy = new HashMap<>(headers);
    copy.remove("content-length");
    return copy;
  }

  private record RawAnswer(String statusLine, Map<String, String> headers, byte[] body) {
    int status() {
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  /**
   * One request on its own connection, read byte for byte until the server closes it ({@code Connection:
   * close}): a client library would not show whether a HEAD answer carried a body.
   */
  private static RawAnswer raw(String method, String path, String accept) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", service.httpPort())) {
      socket.setSoTimeout(10_000);
      String request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (accept == null ? "" : "Accept: " + accept + "\r\n") + "Connection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      byte[] all = socket.getInputStream().readAllBytes();
      String text = new String(all, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      assertTrue(end > 0, method + " " + path + " answered: " + text);
      String[] lines = text.substring(0, end).split("\r\n");
      Map<String, String> headers = new HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      return new RawAnswer(lines[0], headers, Arrays.copyOfRange(all, end + 4, all.length));
    }
  }

  @Test
  void unknownPathIsAJson404(Vertx vertx, VertxTestContext ctx) {
    get(vertx, "/no/such/path", "*/*").onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(404, response.statusCode());
      assertEquals("application/json", response.getHeader("Content-Type"));
      assertEquals("nosniff", response.getHeader("X-Content-Type-Options"));
      assertEquals(new JsonObject().put("error", "not_found").put("message", "no such path")
        .put("status", 404), response.bodyAsJsonObject());
      ctx.completeNow();
    })));
  }

  private static Instant isoUtc(String timestamp) {
    assertTrue(timestamp.endsWith("Z"), "UTC with Z: " + timestamp);
    return Instant.parse(timestamp);
  }
}
