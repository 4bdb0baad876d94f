package io.wstest.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.WebSockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator toggles against the real servers (both ports, two verticle instances each) over real sockets:
 * probes switched off and on, token checks, drain with a chosen close code, rejecting and accepting upgrades.
 */
@ExtendWith(VertxExtension.class)
class AdminRoutesTest {

  /** Kept in fields: a client held only in a local variable can be cleaned up mid-handshake. */
  private WebSocketClient client;
  private WebClient http;
  private int httpPort;
  private int wsPort;

  private Future<Void> start(Vertx vertx, Map<String, String> env) {
    client = vertx.createWebSocketClient();
    http = WebClient.create(vertx);
    return InProcessService.start(vertx, env).map(service -> {
      httpPort = service.httpPort();
      wsPort = service.wsPort();
      return null;
    });
  }

  private Future<HttpResponse<Buffer>> post(String uri, String authorization) {
    HttpRequest<Buffer> request = http.post(httpPort, "127.0.0.1", uri);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return request.send();
  }

  private Future<Integer> status(String uri) {
    return http.get(httpPort, "127.0.0.1", uri).send().map(HttpResponse::statusCode);
  }

  /** A protocol socket whose messages are collected; completes once its welcome arrived. */
  private Future<Peer> open(int port, String path) {
    Peer peer = new Peer();
    return WebSockets.connect(client, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path),
      ws -> {
        peer.ws = ws;
        ws.textMessageHandler(text -> {
          peer.messages.add(new JsonObject(text));
          peer.welcome.tryComplete();
        });
        ws.closeHandler(v -> peer.closed.tryComplete(ws.closeStatusCode()));
      }).compose(ws -> peer.welcome.future().map(peer));
  }

  /** A plain /echo socket: no welcome, so it is ready as soon as the handshake is done. */
  private Future<Peer> echoSocket() {
    Peer peer = new Peer();
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(httpPort).setURI("/echo"))
      .map(ws -> {
        peer.ws = ws;
        ws.textMessageHandler(text -> peer.messages.add(new JsonObject(text)));
        ws.closeHandler(v -> peer.closed.tryComplete(ws.closeStatusCode()));
        return peer;
      });
  }

  private static final class Peer {
    final List<JsonObject> messages = new ArrayList<>();
    final Promise<Void> welcome = Promise.promise();
    final Promise<Short> closed = Promise.promise();
    WebSocket ws;
  }

  @Test
  void readinessAndLivenessToggles(Vertx vertx, VertxTestContext test) {
    start(vertx, Map.of())
      .compose(v -> post("/readyz/disable", null))
      .compose(r -> Future.all(status("/readyz"), status("/health/ready"), status("/healthz")).map(all -> {
        test.verify(() -> {
          assertEquals(202, r.statusCode());
          assertEquals(false, r.bodyAsJsonObject().getBoolean("readiness_enabled"));
          assertEquals(List.of(503, 503, 200), List.of(all.resultAt(0), all.resultAt(1), all.resultAt(2)));
        });
        return all;
      }))
      .compose(v -> post("/readyz/enable", null))
      .compose(r -> status("/readyz"))
      .compose(ready -> {
        test.verify(() -> assertEquals(200, ready));
        return post("/healthz/disable", null);
      })
      .compose(r -> Future.all(status("/healthz"), status("/health/live"), status("/readyz")))
      .compose(all -> {
        test.verify(() -> assertEquals(List.of(503, 503, 200), List.of(all.resultAt(0), all.resultAt(1),
          all.resultAt(2))));
        return post("/healthz/enable", null);
      })
      .compose(r -> status("/healthz"))
      .onComplete(test.succeeding(live -> test.verify(() -> {
        assertEquals(200, live);
        test.completeNow();
      })));
  }

  @Test
  void tokenIsRequiredWhenSet(Vertx vertx, VertxTestContext test) {
    start(vertx, Map.of("ADMIN_TOKEN", "t0ken-for-tests"))
      .compose(v -> Future.all(post("/readyz/disable", null), post("/readyz/disable", "Bearer wrong"),
        post("/readyz/disable", "Bearer t0ken-for-tests-and-more"), post("/admin/drain", "Basic t0ken-for-tests")))
      .compose(refused -> status("/readyz").map(ready -> {
        test.verify(() -> {
          for (int i = 0; i < refused.size(); i++) {
            HttpResponse<Buffer> response = refused.resultAt(i);
            assertEquals(401, response.statusCode());
            assertEquals("Bearer", response.getHeader("WWW-Authenticate"));
            assertEquals("unauthorized", response.bodyAsJsonObject().getString("error"));
            assertTrue(!response.bodyAsString().contains("t0ken"), "the token must never be echoed");
          }
          assertEquals(200, ready, "refused toggles must not change anything");
        });
        return ready;
      }))
      .compose(v -> post("/readyz/disable", "bearer t0ken-for-tests"))
      .compose(accepted -> status("/readyz").map(ready -> {
        test.verify(() -> {
          assertEquals(202, accepted.statusCode());
          assertEquals(503, ready);
        });
        return ready;
      }))
      .onComplete(test.succeedingThenComplete());
  }

  /** A POST with these headers (pairs: name, value) and, when {@code body} is not null, that body. */
  private Future<HttpResponse<Buffer>> post(String uri, String body, String... headers) {
    HttpRequest<Buffer> request = http.post(httpPort, "127.0.0.1", uri);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
  }

  private static void assertRefused(HttpResponse<Buffer> response, String error) {
    assertEquals(403, response.statusCode(), response.bodyAsString());
    assertEquals(error, response.bodyAsJsonObject().getString("error"), response.bodyAsString());
    assertTrue(response.bodyAsJsonObject().getString("message").length() > 20, "says why");
  }

  @Test
  void webPagesOfOtherSitesCannotFlipToggles(Vertx vertx, VertxTestContext test) {
    start(vertx, Map.of())
      .compose(v -> Future.all(List.of(
        post("/readyz/disable", null, "Origin", "https://evil.example"),
        post("/admin/drain", null, "Sec-Fetch-Site", "cross-site"),
        post("/admin/reject", null, "Sec-Fetch-Site", "same-site", "Origin", "https://other.localhost"),
        post("/readyz/disable", "x", "Content-Type", "text/plain;charset=UTF-8"),
        post("/healthz/disable", "a=b", "Content-Type", "application/x-www-form-urlencoded"),
        post("/readyz/disable", null, "Origin", "null"))))
      .compose(refused -> status("/readyz").map(ready -> {
        test.verify(() -> {
          assertRefused(refused.resultAt(0), "origin_not_allowed");
          assertRefused(refused.resultAt(1), "cross_site_request");
          assertRefused(refused.resultAt(2), "cross_site_request");
          assertRefused(refused.resultAt(3), "form_body_refused");
          assertRefused(refused.resultAt(4), "form_body_refused");
          assertRefused(refused.resultAt(5), "origin_not_allowed");
          assertEquals(200, ready, "refused toggles must not change anything");
        });
        return ready;
      }))
      // what curl -X POST sends, and the service's own page (same origin) in a browser
      .compose(v -> post("/readyz/disable", null, "User-Agent", "curl/8.14.1", "Accept", "*/*"))
      .compose(curl -> {
        test.verify(() -> assertEquals(202, curl.statusCode(), curl.bodyAsString()));
        return post("/readyz/enable", null, "Origin", "http://127.0.0.1:" + httpPort, "Sec-Fetch-Site", "same-origin");
      })
      .onComplete(test.succeeding(sameOrigin -> test.verify(() -> {
        assertEquals(202, sameOrigin.statusCode(), sameOrigin.bodyAsString());
        test.completeNow();
      })));
  }

  @Test
  void listedOriginsMayFlipTogglesAndTheTokenStillRules(Vertx vertx, VertxTestContext test) {
    start(vertx, Map.of("ALLOWED_ORIGINS", "https://ops.example.com", "ADMIN_TOKEN", "t0ken-for-tests"))
      .compose(v -> Future.all(
        post("/readyz/disable", null, "Origin", "https://evil.example", "Authorization", "Bearer t0ken-for-tests"),
        post("/readyz/disable", null, "Origin", "https://ops.example.com", "Sec-Fetch-Site", "cross-site"),
        post("/readyz/disable", "x", "Content-Type", "text/plain")))
      .compose(first -> {
        test.verify(() -> {
          assertRefused(first.resultAt(0), "origin_not_allowed");
          assertEquals(401, first.<HttpResponse<Buffer>>resultAt(1).statusCode(), "a listed origin still needs the token");
          assertEquals(401, first.<HttpResponse<Buffer>>resultAt(2).statusCode());
        });
        return post("/readyz/disable", "{}", "Origin", "https://ops.example.com", "Sec-Fetch-Site", "cross-site",
          "Authorization", "Bearer t0ken-for-tests", "Content-Type", "text/plain");
      })
      .compose(listed -> status("/readyz").map(ready -> {
        test.verify(() -> {
          // with a token the Authorization header already makes the request one a page cannot send unasked
          assertEquals(202, listed.statusCode(), listed.bodyAsString());
          assertEquals(503, ready);
        });
        return ready;
      }))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void disabledAdminAnswers404(Vertx vertx, VertxTestContext test) {
    start(vertx, Map.of("ADMIN_ENABLED", "false"))
      .compose(v -> Future.all(post("/admin/drain", null), post("/readyz/disable", null), post("/admin/reject", null)))
      .compose(all -> status("/readyz").map(ready -> {
        test.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            assertEquals(404, all.<HttpResponse<Buffer>>resultAt(i).statusCode());
          }
          assertEquals(200, ready);
        });
        return ready;
      }))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void rejectRefusesUpgradesOnBothServersUntilAccept(Vertx vertx, VertxTestContext test) {
    start(vertx, Map.of())
      .compose(v -> post("/admin/reject?status=abc", null))
      .compose(bad -> {
        test.verify(() -> assertEquals(400, bad.statusCode()));
        return post("/admin/reject?status=429", null);
      })
      .compose(r -> Future.all(open(httpPort, "/ws").map(p -> (Throwable) null).otherwise(e -> e),
        open(wsPort, "/").map(p -> (Throwable) null).otherwise(e -> e)))
      .compose(refusals -> {
        test.verify(() -> {
          for (int i = 0; i < 2; i++) {
            UpgradeRejectedException e = assertInstanceOf(UpgradeRejectedException.class, refusals.resultAt(i));
            assertEquals(429, e.getStatus());
            JsonObject body = new JsonObject(e.getBody());
            assertEquals("upgrades_rejected", body.getString("error"));
            assertEquals(429, body.getInteger("status"));
          }
        });
        return post("/admin/accept", null);
      })
      .compose(r -> Future.all(open(httpPort, "/ws"), open(wsPort, "/")))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  void drainClosesEverySocketWithTheChosenCode(Vertx vertx, VertxTestContext test) {
    start(vertx, Map.of())
      .compose(v -> Future.all(List.of(open(httpPort, "/ws"), open(httpPort, "/ws"), open(wsPort, "/a"),
        open(wsPort, "/b"))))
      .compose(opened -> echoSocket().compose(echo -> post("/admin/drain?code=999", null).compose(bad -> {
        test.verify(() -> assertEquals(400, bad.statusCode()));
        return post("/admin/drain?code=1012", null);
      }).compose(drained -> {
        List<Future<Short>> closes = new ArrayList<>();
        for (int i = 0; i < opened.size(); i++) {
          closes.add(opened.<Peer>resultAt(i).closed.future());
        }
        return Future.all(closes).map(all -> {
          test.verify(() -> {
            assertEquals(202, drained.statusCode());
            JsonObject answer = drained.bodyAsJsonObject();
            assertEquals(5, answer.getInteger("closed"));
            assertEquals(1012, answer.getInteger("code"));
            assertEquals(opened.<Peer>resultAt(0).messages.get(0).getJsonObject("service_identity")
              .getString("instance_id"), answer.getString("instance_id"), "the answer names the replica");
            for (int i = 0; i < opened.size(); i++) {
              Peer peer = opened.resultAt(i);
              JsonObject last = peer.messages.get(peer.messages.size() - 1);
              assertEquals("shutdown", last.getString("type"));
              assertEquals("admin drain", last.getString("reason"));
              assertEquals(2L, last.getLong("seq"));
              assertEquals((short) 1012, all.<Short>resultAt(i));
            }
          });
          return all;
        });
      }).compose(all -> echo.closed.future().map(code -> {
        // /echo speaks no JSON: its socket only gets the close; "closed" above counts it with the other four
        test.verify(() -> {
          assertEquals((short) 1012, code);
          assertTrue(echo.messages.isEmpty(), "no JSON on /echo: " + echo.messages);
        });
        return code;
      }))))
      // a drain is not a shutdown: new sockets are welcome again
      .compose(v -> open(wsPort, "/after"))
      .onComplete(test.succeedingThenComplete());
  }

  /** A rehearsed rollout: the drained replica refuses reconnects until it is told to accept again. */
  @Test
  void drainWithRejectRefusesNewSocketsUntilAccept(Vertx vertx, VertxTestContext test) {
    start(vertx, Map.of())
      .compose(v -> open(httpPort, "/ws"))
      .compose(peer -> post("/admin/drain?reject=abc", null).compose(bad -> {
        test.verify(() -> assertEquals(400, bad.statusCode()));
        return post("/admin/drain?reject=503", null);
      }).compose(drained -> peer.closed.future().map(code -> {
        test.verify(() -> {
          assertEquals((short) 1001, code);
          JsonObject answer = drained.bodyAsJsonObject();
          assertEquals(1, answer.getInteger("closed"));
          assertEquals(true, answer.getBoolean("rejecting_upgrades"));
          assertEquals(503, answer.getInteger("status"));
        });
        return null;
      })))
      .compose(v -> open(httpPort, "/ws").map(p -> (Throwable) null).otherwise(e -> e))
      .compose(refused -> {
        test.verify(() -> assertEquals(503,
          assertInstanceOf(UpgradeRejectedException.class, refused).getStatus()));
        return post("/admin/accept", null);
      })
      .compose(accepted -> {
        test.verify(() -> assertEquals(false, accepted.bodyAsJsonObject().getBoolean("rejecting_upgrades")));
        return open(httpPort, "/ws");
      })
      .onComplete(test.succeedingThenComplete());
  }
}
