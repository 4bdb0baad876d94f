package io.wstest.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every HTTP answer of both ports carries {@code X-Content-Type-Options: nosniff}, and error answers do not
 * repeat the request's path or method: what a link put into a URL never comes back as content.
 */
@ExtendWith(VertxExtension.class)
class ResponseHeadersTest {

  private static final String PROBE = "/%3Cscript%3Ealert(1)%3C%2Fscript%3E/x";

  private InProcessService service;
  private WebClient http;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  private record Asked(String what, HttpResponse<Buffer> response) {
  }

  private Future<Asked> ask(HttpMethod method, int port, String path, String... headers) {
    var request = http.request(method, port, "127.0.0.1", path);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request.send().map(response -> new Asked(method + " :" + port + path, response));
  }

  @Test
  void everyAnswerIsNosniffAndErrorsDoNotReflectTheRequest(Vertx vertx, VertxTestContext ctx) {
    http = WebClient.create(vertx);
    InProcessService.start(Map.of())
      .compose(s -> {
        service = s;
        int port = s.httpPort();
        return Future.all(List.of(
          ask(HttpMethod.GET, port, "/"), ask(HttpMethod.GET, port, "/health"), ask(HttpMethod.HEAD, port, "/health"),
          ask(HttpMethod.GET, port, "/healthz"), ask(HttpMethod.GET, port, "/readyz"),
          ask(HttpMethod.GET, port, "/metrics"), ask(HttpMethod.GET, port, "/ui/"),
          ask(HttpMethod.GET, port, PROBE), ask(HttpMethod.DELETE, port, "/health"),
          ask(HttpMethod.valueOf("X-PROBE-METHOD"), port, PROBE),
          ask(HttpMethod.POST, port, "/admin/accept"),
          ask(HttpMethod.POST, port, "/admin/accept", "Origin", "https://evil.example"),
          ask(HttpMethod.GET, port, "/ws"), ask(HttpMethod.GET, s.wsPort(), PROBE)));
      })
      .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          Asked asked = all.resultAt(i);
          statuses.add(asked.response().statusCode());
          assertEquals("nosniff", asked.response().getHeader("X-Content-Type-Options"), asked.what());
          String body = asked.response().bodyAsString();
          if (asked.response().statusCode() == 426) {
            // the upgrade diagnosis shows the request as received on purpose (docs/protocol.md): JSON, never HTML
            assertEquals("application/json", asked.response().getHeader("Content-Type"), asked.what());
          } else if (body != null) {
            assertFalse(body.contains("alert(1)") || body.contains("3Cscript") || body.contains("X-PROBE-METHOD"),
              asked.what() + ": " + body);
          }
        }
        assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 404, 405, 404, 202, 403, 426, 426), statuses);
        ctx.completeNow();
      })));
  }
}
