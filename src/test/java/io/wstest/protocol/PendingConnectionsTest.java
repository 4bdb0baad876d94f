package io.wstest.protocol;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.runtime.Metrics;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.PrometheusText;
import io.wstest.testsupport.SelfSignedCert;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that never finish their request (slowloris) are closed by the server at HANDSHAKE_TIMEOUT, however
 * they trickle bytes, and at most MAX_PENDING_CONNECTIONS of them exist at once; meanwhile /health and WebSocket
 * clients are served, and upgraded WebSockets are not cut. Real sockets against the service in this JVM; every
 * attack is a fixed number of connections that ends by itself.
 */
@ExtendWith(VertxExtension.class)
class PendingConnectionsTest {

  private static final int HALF_REQUESTS_HTTP = 200;
  private static final int HALF_REQUESTS_RAW = 100;
  private static final int SILENT_PER_PORT = 10;
  /** The dribbler's bound: one byte every 250 ms for at most 30 s, far past the 2 s deadline. */
  private static final int DRIBBLE_BYTES = 120;
  private static final long DRIBBLE_EVERY_MS = 250;
  private static final String[] HALF_REQUESTS = {
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n",
    "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nX-Pad: ",
    "GE",
  };

  private InProcessService service;
  private NetClient net;
  private HttpClient http;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (service == null ? Future.succeededFuture() : service.stop()).onComplete(ctx.succeedingThenComplete());
  }

  /** A connection that the test only watches: what the server sent and whether (and when) it closed it. */
  private static final class Watched {
    final Promise<Void> closedByServer = Promise.promise();
    final AtomicInteger bytesReceived = new AtomicInteger();
    final AtomicInteger bytesSent = new AtomicInteger();
    final Promise<Void> answered = Promise.promise();
  }

  /** Connects and sends {@code first} (maybe nothing); the socket is never closed by the test itself. */
  private Future<Watched> open(int port, String first) {
    Watched watched = new Watched();
    return net.connect(port, "127.0.0.1").map(socket -> {
      socket.handler(data -> {
        watched.bytesReceived.addAndGet(data.length());
        watched.answered.tryComplete();
      });
      socket.closeHandler(v -> watched.closedByServer.tryComplete());
      if (!first.isEmpty()) {
        socket.write(first);
        watched.bytesSent.addAndGet(first.length());
      }
      return watched;
    });
  }

  /** Sends the start of a request, then one more byte of a header value every 250 ms until closed or done. */
  private Future<Watched> dribble(Vertx vertx, int port) {
    Watched watched = new Watched();
    return net.connect(port, "127.0.0.1").map(socket -> {
      socket.handler(data -> watched.bytesReceived.addAndGet(data.length()));
      socket.closeHandler(v -> watched.closedByServer.tryComplete());
      socket.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      dribbleOn(vertx, socket, watched);
      return watched;
    });
  }

  private static void dribbleOn(Vertx vertx, NetSocket socket, Watched watched) {
    vertx.setPeriodic(DRIBBLE_EVERY_MS, id -> {
      if (watched.closedByServer.future().isComplete() || watched.bytesSent.get() >= DRIBBLE_BYTES) {
        vertx.cancelTimer(id);
        return;
      }
      socket.write("a");
      watched.bytesSent.incrementAndGet();
    });
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void halfRequestsSilentConnectionsAndADribblerAreClosedAtTheDeadlineWhileClientsAreServed(Vertx vertx,
                                                                                            VertxTestContext ctx) {
    net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(20_000));
    http = vertx.createHttpClient();
    List<Future<Watched>> attack = new ArrayList<>();
    List<Future<Watched>> dribblers = new ArrayList<>();
    InProcessService.start(Map.of("HANDSHAKE_TIMEOUT", "2s"))
      .compose(s -> {
        service = s;
        for (int i = 0; i < HALF_REQUESTS_HTTP; i++) {
          attack.add(open(s.httpPort(), HALF_REQUESTS[i % HALF_REQUESTS.length]));
        }
        for (int i = 0; i < HALF_REQUESTS_RAW; i++) {
          attack.add(open(s.wsPort(), HALF_REQUESTS[i % HALF_REQUESTS.length]));
        }
        for (int i = 0; i < SILENT_PER_PORT; i++) {
          attack.add(open(s.httpPort(), ""));
          attack.add(open(s.wsPort(), ""));
        }
        dribblers.add(dribble(vertx, s.httpPort()));
        dribblers.add(dribble(vertx, s.wsPort()));
        return Future.all(Future.all(attack), Future.all(dribblers));
      })
      // during the attack: a WebSocket client gets its welcome and /health answers
      .compose(connected -> Future.all(
        WsTestClient.connect(vertx, service.httpPort(), "/ws").compose(c -> c.next("welcome").map(w -> c)),
        health(service.httpPort())))
      .compose(served -> {
        WsTestClient client = served.resultAt(0);
        ctx.verify(() -> assertEquals(200, served.<Integer>resultAt(1)));
        List<Future<Void>> closes = new ArrayList<>();
        for (Future<Watched> f : attack) {
          closes.add(f.result().closedByServer.future());
        }
        for (Future<Watched> f : dribblers) {
          closes.add(f.result().closedByServer.future());
        }
        // every attacking connection sees EOF; then the WebSocket, past the deadline, still answers
        return Future.all(closes)
          .compose(v -> client.request(new JsonObject().put("type", "ping")))
          .compose(pong -> PrometheusText.scrape(http, service.httpPort()).map(m -> Map.entry(pong, m)));
      })
      .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
        assertEquals("pong", result.getKey().getString("type"), "the upgraded socket outlives the deadline");
        PrometheusText metrics = result.getValue();
        int attackers = attack.size() + dribblers.size();
        assertEquals(attackers, (int) metrics.value("websocket_pending_closes_total", "reason", "handshake_timeout"),
          "every half request, silent connection and dribbler counted once");
        assertEquals(0.0, metrics.value("websocket_pending_closes_total", "reason", "pending_limit"));
        assertTrue(metrics.value("websocket_pending_connections") < 5,
          "only the test's own HTTP connections remain: " + metrics.value("websocket_pending_connections"));
        for (Future<Watched> f : attack) {
          assertEquals(0, f.result().bytesReceived.get(), "closed without an answer");
        }
        for (Future<Watched> f : dribblers) {
          int sent = f.result().bytesSent.get();
          assertTrue(sent < DRIBBLE_BYTES, "the dribbler was closed before it ran out of bytes, sent " + sent);
        }
        ctx.completeNow();
      })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void aKeepAliveConnectionDribblingItsNextRequestIsClosedAtTheIdleTimeout(Vertx vertx, VertxTestContext ctx) {
    net = vertx.createNetClient();
    http = vertx.createHttpClient();
    Watched watched = new Watched();
    InProcessService.start(Map.of("HTTP_IDLE_TIMEOUT", "2s"))
      .compose(s -> {
        service = s;
        return net.connect(s.httpPort(), "127.0.0.1");
      })
      .compose(socket -> {
        socket.handler(data -> {
          watched.bytesReceived.addAndGet(data.length());
          watched.answered.tryComplete();
        });
        socket.closeHandler(v -> watched.closedByServer.tryComplete());
        socket.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /health HTTP/1.1\r\nX-Slow: ");
        return watched.answered.future().map(v -> {
          dribbleOn(vertx, socket, watched);
          return socket;
        });
      })
      .compose(socket -> watched.closedByServer.future())
      .compose(closed -> PrometheusText.scrape(http, service.httpPort()))
      .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
        int sent = watched.bytesSent.get();
        assertTrue(sent < DRIBBLE_BYTES, "closed before the dribbler ran out of bytes, sent " + sent);
        assertEquals(1.0, metrics.value("websocket_pending_closes_total", "reason", "http_idle_timeout"));
        assertEquals(0.0, metrics.value("websocket_pending_closes_total", "reason", "handshake_timeout"));
        ctx.completeNow();
      })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void anAnswerSlowerThanTheHandshakeTimeoutIsNotCut(Vertx vertx, VertxTestContext ctx) {
    http = vertx.createHttpClient();
    // the drain answers once the socket has closed: after SHUTDOWN_GRACE, twice HANDSHAKE_TIMEOUT
    InProcessService.start(Map.of("HANDSHAKE_TIMEOUT", "1s", "SHUTDOWN_GRACE", "2s"))
      .compose(s -> {
        service = s;
        return WsTestClient.connect(vertx, s.httpPort(), "/ws");
      })
      .compose(client -> client.next("welcome"))
      .compose(welcome -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(service.httpPort()).setURI("/admin/drain").setTimeout(20_000)))
      .compose(request -> request.send().compose(response -> response.body()
        .map(body -> Map.entry(response.statusCode(), body.toJsonObject()))))
      .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
        assertEquals(202, answer.getKey(), answer.getValue().encode());
        assertEquals(1, answer.getValue().getInteger("closed"), answer.getValue().encode());
        ctx.completeNow();
      })));
  }

  /**
   * With every place taken, the next connection is not refused: the ports stop accepting, it waits in the
   * kernel's listen backlog, and it is served once a place frees (here when the held keep-alive connections reach
   * HTTP_IDLE_TIMEOUT), never while all of them are held.
   */
  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void pastMaxPendingConnectionsTheNextConnectionWaitsAndIsServedOnceAPlaceFrees(Vertx vertx,
                                                                                VertxTestContext ctx) {
    int max = 50;
    net = vertx.createNetClient();
    http = vertx.createHttpClient();
    List<Future<Watched>> held = new ArrayList<>();
    double[] placesFreedWhenAnswered = new double[1];
    InProcessService.start(Map.of("MAX_PENDING_CONNECTIONS", Integer.toString(max), "HTTP_IDLE_TIMEOUT", "3s"))
      .compose(s -> {
        service = s;
        // each holds a place for sure once answered: idle keep-alive connections, both ports
        for (int i = 0; i < max; i++) {
          int port = i % 2 == 0 ? s.httpPort() : s.wsPort();
          held.add(open(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .compose(w -> w.answered.future().map(w)));
        }
        return Future.all(held);
      })
      .compose(all -> open(service.httpPort(), "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
      .compose(extra -> extra.answered.future().map(answered -> {
        placesFreedWhenAnswered[0] = closes("http_idle_timeout");
        return extra;
      }))
      .compose(extra -> {
        ctx.verify(() -> {
          assertTrue(placesFreedWhenAnswered[0] >= 1, "the waiting connection was answered while all " + max
            + " places were held");
          assertFalse(extra.closedByServer.future().isComplete(), "the waiting connection was not refused");
        });
        List<Future<Void>> freed = new ArrayList<>();
        held.forEach(f -> freed.add(f.result().closedByServer.future()));
        return Future.all(freed);
      })
      .compose(freed -> servedThenScraped(ctx, "/health served once the places are free"))
      .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
        assertEquals(0.0, metrics.value("websocket_pending_closes_total", "reason", "pending_limit"),
          "nothing refused");
        assertTrue(metrics.value("websocket_accept_pauses_total") >= 1, "the ports stopped accepting at the limit");
        assertEquals(max, (int) metrics.value("websocket_pending_closes_total", "reason", "http_idle_timeout"),
          "the idle keep-alive connections closed by HTTP_IDLE_TIMEOUT");
        ctx.completeNow();
      })));
  }

  /**
   * A port that stopped accepting at the bound starts again only once a sixteenth of the places are free (32
   * places: at 30 pending), so that a burst does not stop and start it for every connection: with one place free
   * the waiting connection stays unanswered, with two it is answered.
   */
  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void aPortThatStoppedAcceptingStartsAgainOnceASixteenthOfThePlacesAreFree(Vertx vertx, VertxTestContext ctx) {
    int max = 32;
    net = vertx.createNetClient();
    List<NetSocket> held = new CopyOnWriteArrayList<>(); // connected on the client's event loops
    List<Future<Void>> answers = new ArrayList<>();
    InProcessService.start(Map.of("MAX_PENDING_CONNECTIONS", Integer.toString(max), "HTTP_IDLE_TIMEOUT", "50s"))
      .compose(s -> {
        service = s;
        for (int i = 0; i < max; i++) {
          answers.add(net.connect(s.httpPort(), "127.0.0.1").compose(socket -> {
            held.add(socket);
            Promise<Void> answered = Promise.promise();
            socket.handler(data -> answered.tryComplete());
            socket.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            return answered.future();
          }));
        }
        return Future.all(answers);
      })
      .compose(all -> awaitPending(vertx, max))
      .compose(full -> open(service.httpPort(), "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
      .compose(waiting -> held.get(0).close()
        // were the port started again at once, the waiting connection would take the place: the count stays at 32
        .compose(v -> awaitPending(vertx, max - 1))
        // one place free: the port stays stopped, so nothing answers the waiting connection in this window
        .compose(v -> observe(vertx, 500))
        .compose(v -> {
          ctx.verify(() -> assertFalse(waiting.answered.future().isComplete(),
            "answered with one place of " + max + " free"));
          return held.get(1).close();
        })
        .compose(v -> waiting.answered.future()))
      .onComplete(ctx.succeeding(answered -> ctx.verify(() -> {
        assertEquals(0.0, closes("pending_limit"), "nothing refused");
        ctx.completeNow();
      })));
  }

  /** Completes after {@code millis}: a window in which something must not happen. */
  private static Future<Void> observe(Vertx vertx, long millis) {
    Promise<Void> over = Promise.promise();
    vertx.setTimer(millis, id -> over.complete());
    return over.future();
  }

  /** The service's count of pending connections closed for {@code reason}, read in process. */
  private double closes(String reason) {
    return Metrics.of(service.vertx()).registry().get("websocket.pending.closes").tag("reason", reason).counter()
      .count();
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void overTlsTheHandshakeAndTheRequestAreBothUnderTheDeadline(Vertx vertx, VertxTestContext ctx, @TempDir Path dir)
    throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    net = vertx.createNetClient();
    NetClient tls = vertx.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true)
      .setHostnameVerificationAlgorithm(""));
    http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
    List<Future<Void>> closes = new ArrayList<>();
    InProcessService.start(Map.of("TLS_CERT", cert.certPem().toString(), "TLS_KEY", cert.keyPem().toString(),
        "HANDSHAKE_TIMEOUT", "3s"))
      // an https request first: the JVM's first TLS handshakes are slow (class loading, JIT, the TLS context)
      .compose(s -> {
        service = s;
        return health(s.httpPort());
      })
      .compose(warm -> {
        InProcessService s = service;
        // never starts TLS; starts a TLS record and stops; finishes TLS, then sends half a request
        Future<Watched> silent = open(s.httpPort(), "");
        Future<Watched> halfHello = net.connect(s.wsPort(), "127.0.0.1").map(socket -> watch(socket,
          Buffer.buffer(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01})));
        Future<Watched> halfRequest = tls.connect(s.httpPort(), "127.0.0.1").map(socket -> watch(socket,
          Buffer.buffer("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n")));
        return Future.all(silent, halfHello, halfRequest);
      })
      .compose(all -> {
        for (int i = 0; i < 3; i++) {
          closes.add(all.<Watched>resultAt(i).closedByServer.future());
        }
        return Future.all(closes);
      })
      .compose(closed -> servedThenScraped(ctx, "https still served after the attack"))
      .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
        // the two that never finished TLS are closed by the TLS handshake deadline, before the HTTP server sees them
        assertEquals(1.0, metrics.value("websocket_pending_closes_total", "reason", "handshake_timeout"));
        ctx.completeNow();
      })));
  }

  /**
   * Stalled TLS handshakes (connections that never send a ClientHello) take places like any pending connection,
   * from the accept: with all places taken by them the next connection is not refused but waits to be
   * accepted, and its https request is answered once they are closed by the TLS handshake timeout (which
   * Vert.x enforces; those closes are not counted as {@code handshake_timeout}, see the test above).
   */
  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void stalledTlsHandshakesCountFromTheAcceptAndTheNextConnectionWaitsForAPlace(Vertx vertx, VertxTestContext ctx,
                                                                              @TempDir Path dir) throws Exception {
    int max = 20;
    SelfSignedCert cert = SelfSignedCert.create(dir);
    net = vertx.createNetClient();
    // no keep-alive: the warm-up request's connection must not keep a place
    http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
      .setKeepAlive(false));
    List<Future<Watched>> stalled = new ArrayList<>();
    int[] pendingWhenAnswered = new int[1];
    long[] stalledClosedWhenAnswered = new long[1];
    InProcessService.start(Map.of("TLS_CERT", cert.certPem().toString(), "TLS_KEY", cert.keyPem().toString(),
        "MAX_PENDING_CONNECTIONS", Integer.toString(max), "HANDSHAKE_TIMEOUT", "5s"))
      .compose(s -> {
        service = s;
        return health(s.httpPort()); // the JVM's first TLS handshake is slow: not under test here
      })
      .compose(status -> awaitPending(vertx, 0))
      .compose(none -> {
        for (int i = 0; i < max; i++) {
          stalled.add(open(i % 2 == 0 ? service.httpPort() : service.wsPort(), ""));
        }
        return Future.all(stalled);
      })
      .compose(all -> awaitPending(vertx, max)) // counted as accepted, before any TLS
      .compose(full -> health(service.httpPort()).map(status -> {
        pendingWhenAnswered[0] = (int) pendingGauge().value();
        stalledClosedWhenAnswered[0] = stalled.stream().filter(f -> f.result().closedByServer.future().isComplete())
          .count();
        return status;
      }))
      .compose(status -> {
        ctx.verify(() -> {
          assertEquals(200, status, "the waiting https request is answered");
          // the server closed a stalled handshake (its FIN came in long before this answer's TLS handshake and
          // request could), and the waiting connection, once accepted, kept to the bound
          assertTrue(stalledClosedWhenAnswered[0] >= 1, "answered while every stalled handshake held its place");
          assertTrue(pendingWhenAnswered[0] <= max, "answered with " + pendingWhenAnswered[0] + " pending");
        });
        List<Future<Void>> timedOut = new ArrayList<>();
        stalled.forEach(f -> timedOut.add(f.result().closedByServer.future()));
        return Future.all(timedOut);
      })
      .compose(all -> awaitPending(vertx, 0))
      .compose(free -> servedThenScraped(ctx, "https served once the stalled handshakes are gone"))
      .onComplete(ctx.succeeding(metrics -> ctx.verify(() -> {
        assertEquals(0.0, metrics.value("websocket_pending_closes_total", "reason", "pending_limit"),
          "nothing refused");
        assertTrue(metrics.value("websocket_accept_pauses_total") >= 1, "the ports stopped accepting at the limit");
        ctx.completeNow();
      })));
  }

  /** Completes once the service's pending-connection gauge reads {@code expected}; fails after 15 s. */
  private Future<Void> awaitPending(Vertx vertx, int expected) {
    Gauge gauge = pendingGauge();
    return awaitCount(vertx, () -> (int) gauge.value(), expected);
  }

  private Gauge pendingGauge() {
    return Metrics.of(service.vertx()).registry().get("websocket.pending.connections").gauge();
  }

  /** Completes once {@code count} reads {@code expected}; fails after 15 s. */
  private static Future<Void> awaitCount(Vertx vertx, IntSupplier count, int expected) {
    Promise<Void> reached = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    vertx.setPeriodic(0, 20, id -> {
      if (count.getAsInt() == expected) {
        vertx.cancelTimer(id);
        reached.tryComplete();
      } else if (System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        reached.tryFail("websocket_pending_connections stayed at " + count.getAsInt() + ", not " + expected);
      }
    });
    return reached.future();
  }

  /**
   * Where a server's listening channel is out of reach (no {@code guardAccepts}, as when Vert.x's internals
   * change), connections are still counted and refused, from their first HTTP moment.
   */
  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void withoutTheAcceptGateConnectionsAreCountedAndRefusedFromTheirHttpConnection(Vertx vertx,
                                                                                 VertxTestContext ctx) {
    PendingConnections pending = PendingConnections.of(vertx, 20_000, 20_000, 1);
    net = vertx.createNetClient();
    int[] port = new int[1];
    List<Watched> opened = new ArrayList<>();
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setHttp2ClearTextEnabled(false)) // as both servers: h2c would hold silent connections before HTTP
      .connectionHandler(pending::track)
      .requestHandler(request -> request.response().end())
      .listen()
      .compose(server -> {
        port[0] = server.actualPort();
        return open(port[0], "");
      })
      .compose(first -> {
        opened.add(first);
        return awaitCount(vertx, pending::pending, 1);
      })
      .compose(one -> open(port[0], "").compose(extra -> extra.closedByServer.future()))
      .compose(refused -> {
        ctx.verify(() -> {
          assertFalse(opened.get(0).closedByServer.future().isComplete(), "the counted connection stays open");
          assertEquals(1, pending.pending());
        });
        return Future.succeededFuture();
      })
      .onComplete(ctx.succeedingThenComplete());
  }

  private static Watched watch(NetSocket socket, Buffer first) {
    Watched watched = new Watched();
    socket.handler(data -> watched.bytesReceived.addAndGet(data.length()));
    socket.closeHandler(v -> watched.closedByServer.tryComplete());
    socket.write(first);
    return watched;
  }

  /** GET /health on the HTTP port must answer 200 ({@code why} otherwise); then the metrics, scraped. */
  private Future<PrometheusText> servedThenScraped(VertxTestContext ctx, String why) {
    return health(service.httpPort()).compose(status -> {
      ctx.verify(() -> assertEquals(200, status, why));
      return PrometheusText.scrape(http, service.httpPort());
    });
  }

  private Future<Integer> health(int port) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI("/health").setTimeout(20_000))
      .compose(request -> request.send())
      .compose(response -> response.body().map(body -> response.statusCode()));
  }
}
