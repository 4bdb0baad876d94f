package io.wstest.server;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wstest.identity.ServiceIdentity;
import io.wstest.net.LoopbackPorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * WARMUP: before the replica reports ready, loopback traffic through a private copy of both servers, so the JIT
 * has compiled the connect, welcome, echo and broadcast paths before the first real clients need them.
 *
 * <p>Why: a fresh JVM runs those paths in the interpreter and compiles them while its first clients wait, on the
 * same CPU. Measured with {@code bench broadcast --spawn --receivers 2000}, one pinned CPU, 3 alternating runs each
 * (docs/performance.md, "Warm-up before ready"): the first broadcast of a fresh replica took 106 ms, 3.0 times the
 * warm median; with {@code WARMUP=5s} 52.6 ms, 2.0 times (10 s bought nothing more), and over the first 5 s of a
 * reconnect storm it completed 913 instead of 444 handshakes per second. Compiled code belongs to the JVM, not to
 * a Vert.x instance, so a private instance (its own event loops, metrics registry, connection registry and
 * loopback ports) warms the real servers' code without a warm-up socket ever showing in their counters,
 * broadcasts or {@code /metrics}. With TLS on, the copy serves wss with the same certificate, so the TLS handshake
 * is warmed too.
 *
 * <p>The traffic: {@value #SOCKETS} WebSockets, half on the HTTP server's {@code /ws}, half on the raw server; with
 * WS_COMPRESSION on, half of each offer permessage-deflate, as browsers always do, so the compressing encoder and
 * decoder are warmed too. Round N: min(N, {@value #SENDERS}) of them broadcast and every socket receives every
 * broadcast; every {@value #ECHO_EVERY}nd round each socket also sends {@value #ECHOES} echoes; every
 * {@value #CHURN_EVERY}th round {@value #CHURN} sockets are closed and opened again. Rounds run until the duration is
 * up (the round under way finishes) or {@value #MAX_ROUNDS} have run. A step that fails or takes more than
 * {@value #STEP_TIMEOUT_MS} ms ends the warm-up early, with a WARN line, and the service starts anyway.
 *
 * <p>The warm-up takes the branches real traffic will, because a branch it never took is one the JIT leaves out of
 * the compiled code, and the first real client to take it throws that code away (a deoptimization: JFR's
 * {@code jdk.Deoptimization} events showed three at the first real broadcast, docs/performance.md): the copy's
 * MAX_CONNECTIONS and BROADCAST_RATE are on when the replica's are, at limits that never bite; the messages' lengths
 * take every remainder of 8 (the frame decoder unmasks 8 bytes at a time, then 4, then single bytes); and a third
 * server that no warm-up socket connects to gets every broadcast and delivers it to nobody, as a real replica's does
 * on a port its clients do not use.
 *
 * <p>After it, {@link CompilerThreads} lowers the JIT compiler threads' priority, so the compilation the first real
 * clients still set off does not take turns with the event loops.
 */
final class WarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
  static final int SOCKETS = 200;
  static final int SENDERS = 50;
  static final int ECHOES = 4;
  static final int ECHO_EVERY = 2;
  static final int CHURN_EVERY = 8;
  static final int CHURN = 25;
  static final int MAX_ROUNDS = 100_000;
  static final long STEP_TIMEOUT_MS = 10_000;

  /** What the warm-up did; {@code problem} is null when it ran its time (or {@value #MAX_ROUNDS} rounds). */
  record Summary(long elapsedMs, int rounds, int connects, int deflateConnects, long messages, String problem) {

    Summary logged() {
      if (problem == null) {
        LOG.info("Warm-up done in {} ms: {} rounds, {} connects{}, {} messages received", elapsedMs, rounds,
          connects, deflateConnects == 0 ? "" : " (" + deflateConnects + " with permessage-deflate)", messages);
      } else {
        LOG.warn("Warm-up ended early after {} ms ({} rounds, {} connects): {}; starting anyway", elapsedMs,
          rounds, connects, problem);
      }
      return this;
    }
  }

  private final Vertx vertx;
  private final WebSocketClient client;
  /** With WS_COMPRESSION on, a client offering permessage-deflate (as browsers do) for half the sockets. */
  private final WebSocketClient deflateClient;
  private final int httpPort;
  private final int wsPort;
  private final long deadline;
  private final List<WarmSocket> sockets = new ArrayList<>();
  private int round;
  private int connects;
  private int deflateConnects;
  private long messages;
  private int steps;
  private String marker = "";
  private Promise<Void> step;
  private int awaited;

  private WarmUp(Vertx vertx, int httpPort, int wsPort, boolean tls, boolean compression, long durationMs) {
    this.vertx = vertx;
    this.httpPort = httpPort;
    this.wsPort = wsPort;
    this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxConnections(SOCKETS)
      .setConnectTimeout((int) STEP_TIMEOUT_MS);
    if (tls) {
      // the peer is this process's own private server on 127.0.0.1, with the replica's certificate, which need not
      // name 127.0.0.1 nor chain to anything this JVM trusts: there is nothing to verify
      options.setSsl(true).setTrustAll(true).setVerifyHost(false);
    }
    this.client = vertx.createWebSocketClient(options);
    this.deflateClient = compression
      ? vertx.createWebSocketClient(new WebSocketClientOptions(options).setTryUsePerMessageCompression(true))
      : null;
  }

  /**
   * Runs the warm-up for about {@code durationMs} in a Vert.x instance of its own, closed before this completes,
   * and logs what it did. Never fails: a problem is in the summary (and a WARN line).
   */
  static Future<Summary> run(ServerConfig config, ServiceIdentity identity, long durationMs) {
    long started = System.nanoTime();
    int[] ports;
    ServerConfig loopback;
    ServerConfig idle;
    CompletableFuture<Vertx> created = new CompletableFuture<>();
    try {
      // on 127.0.0.1: the warm-up's servers listen there only while it runs
      ports = LoopbackPorts.free(3);
      loopback = config.forWarmUp(ports[0], ports[1]);
      idle = config.forWarmUp(ports[0], ports[2]);
      // on a thread of its own: Vert.x warns when an instance is created on another instance's thread
      new Thread(() -> {
        try {
          created.complete(ServiceVertx.create(loopback));
        } catch (RuntimeException e) {
          created.completeExceptionally(e);
        }
      }, "warmup-start").start();
    } catch (RuntimeException e) {
      return Future.succeededFuture(notStarted(started, e).logged());
    }
    return Future.fromCompletionStage(created).transform(vertx -> vertx.failed()
      ? Future.succeededFuture(notStarted(started, vertx.cause()))
      : run(vertx.result(), loopback, idle, identity, ports, durationMs, started)).map(Summary::logged);
  }

  private static Future<Summary> run(Vertx vertx, ServerConfig loopback, ServerConfig idle,
                                     ServiceIdentity identity, int[] ports, long durationMs, long started) {
    DeploymentOptions instances = new DeploymentOptions().setInstances(loopback.instances());
    Promise<Summary> done = Promise.promise();
    vertx.deployVerticle(() -> new HttpVerticle(loopback, identity), instances)
      .compose(d -> vertx.deployVerticle(() -> new RawWebSocketVerticle(loopback, identity), instances))
      // the server no warm-up socket connects to (see the class comment)
      .compose(d -> vertx.deployVerticle(new RawWebSocketVerticle(idle, identity)))
      .compose(d -> {
        WarmUp warmUp = new WarmUp(vertx, ports[0], ports[1], loopback.tls(), loopback.compression(), durationMs);
        return warmUp.traffic().transform(ended -> Future.succeededFuture(new Summary(elapsedMs(started),
          warmUp.round, warmUp.connects, warmUp.deflateConnects, warmUp.messages,
          ended.succeeded() ? null : ended.cause().getMessage())));
      })
      .recover(failed -> Future.succeededFuture(notStarted(started, failed)))
      .onComplete(summary -> vertx.close().onComplete(closed -> done.complete(summary.result())));
    return done.future();
  }

  private static Summary notStarted(long started, Throwable failure) {
    return new Summary(elapsedMs(started), 0, 0, 0, 0, "could not start: " + failure.getMessage());
  }

  private static long elapsedMs(long started) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  private Future<Void> traffic() {
    List<Future<Void>> opened = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      WarmSocket socket = new WarmSocket(i);
      sockets.add(socket);
      opened.add(socket.open());
    }
    Promise<Void> rounds = Promise.promise();
    Future.all(opened).onSuccess(all -> nextRound(rounds)).onFailure(rounds::fail);
    return rounds.future().eventually(this::closeAll);
  }

  /** Each round starts from the last one's callback: no chain of futures that grows with the rounds. */
  private void nextRound(Promise<Void> rounds) {
    if (System.nanoTime() - deadline >= 0 || round >= MAX_ROUNDS) {
      rounds.complete();
      return;
    }
    round++;
    Future<Void> roundDone = broadcastRound();
    if (round % ECHO_EVERY == 0) {
      roundDone = roundDone.compose(v -> echoRound());
    }
    if (round % CHURN_EVERY == 0) {
      roundDone = roundDone.compose(v -> churn());
    }
    roundDone.onSuccess(v -> nextRound(rounds)).onFailure(rounds::fail);
  }

  /** The first rounds, run by the interpreter, have fewer senders: they stay well inside the step timeout. */
  private Future<Void> broadcastRound() {
    int senders = Math.min(round, SENDERS);
    String message = broadcastMessage(nextMarker());
    Future<Void> delivered = awaitMessages(senders * sockets.size());
    for (int i = 0; i < senders; i++) {
      sockets.get((round * SENDERS + i) % SOCKETS).socket.writeTextMessage(message);
    }
    return delivered;
  }

  private Future<Void> echoRound() {
    String message = echoMessage(nextMarker());
    Future<Void> answered = awaitMessages(ECHOES * sockets.size());
    for (WarmSocket socket : sockets) {
      for (int i = 0; i < ECHOES; i++) {
        socket.socket.writeTextMessage(message);
      }
    }
    return answered;
  }

  /** Closes {@value #CHURN} sockets and opens new ones in their places. */
  private Future<Void> churn() {
    List<Future<Void>> reopened = new ArrayList<>();
    int first = (round * CHURN) % SOCKETS;
    for (int i = 0; i < CHURN; i++) {
      WarmSocket old = sockets.get((first + i) % SOCKETS);
      WarmSocket fresh = new WarmSocket(old.index);
      sockets.set(old.index, fresh);
      reopened.add(old.socket.close().recover(f -> Future.succeededFuture()).compose(v -> fresh.open()));
    }
    return Future.all(reopened).mapEmpty();
  }

  /**
   * A text only the next step's messages contain ("warmup-12." never matches inside "warmup-123."), then 0 to 7
   * filler characters, so that the messages' lengths take every remainder of 8: the frame decoder unmasks a
   * payload 8 bytes at a time, then 4, then byte by byte, and a remainder the warm-up never sent was a branch the
   * JIT left out of the compiled decoder until a real client's message took it.
   */
  private String nextMarker() {
    marker = "warmup-" + (++steps) + ".";
    return withFiller(marker, steps);
  }

  static String withFiller(String marker, int step) {
    return marker + "-".repeat(step % 8);
  }

  static String broadcastMessage(String text) {
    return "{\"type\":\"broadcast\",\"message\":\"" + text + "\"}";
  }

  static String echoMessage(String text) {
    return "{\"type\":\"echo\",\"data\":\"" + text + "\"}";
  }

  /** Completes once the sockets have received this many messages carrying the current marker. */
  private Future<Void> awaitMessages(int count) {
    awaited = count;
    step = Promise.promise();
    return withTimeout(step.future(), "round " + round + ": " + count + " messages not all delivered");
  }

  private void received(String text) {
    messages++;
    if (step != null && text.contains(marker) && --awaited == 0) {
      Promise<Void> finished = step;
      step = null;
      finished.complete();
    }
  }

  /**
   * Not {@code Future.timeout}: for a promise made outside a Vert.x context (as these are) its timer fires on
   * Netty's global executor, and the failure would then run the warm-up's next steps off the event loop that owns
   * its state.
   */
  private <T> Future<T> withTimeout(Future<T> future, String what) {
    Promise<T> bounded = Promise.promise();
    long timer = vertx.setTimer(STEP_TIMEOUT_MS, t -> bounded.tryFail(what + " within " + STEP_TIMEOUT_MS + " ms"));
    future.onComplete(result -> {
      vertx.cancelTimer(timer);
      if (result.succeeded()) {
        bounded.tryComplete(result.result());
      } else {
        bounded.tryFail(result.cause());
      }
    });
    return bounded.future();
  }

  /** Closes the sockets (the close path is warmed too); the clients go with the warm-up's Vert.x instance. */
  private Future<Void> closeAll() {
    List<Future<Void>> closed = new ArrayList<>();
    for (WarmSocket socket : sockets) {
      closed.add(socket.socket.close().recover(f -> Future.succeededFuture()));
    }
    return Future.join(closed).mapEmpty();
  }

  /** One warm-up WebSocket: even ones on the HTTP server's /ws, odd ones on the raw server. */
  private final class WarmSocket {
    final int index;
    final ClientWebSocket socket;
    /** Every other pair of sockets: half of those on /ws and half of those on the raw server. */
    final boolean offersDeflate;

    WarmSocket(int index) {
      this.index = index;
      this.offersDeflate = deflateClient != null && (index / 2) % 2 == 1;
      this.socket = (offersDeflate ? deflateClient : client).webSocket();
    }

    Future<Void> open() {
      Promise<Void> welcomed = Promise.promise();
      // handlers before the connect completes: the welcome is the first frame
      socket.textMessageHandler(text -> {
        if (!welcomed.tryComplete()) {
          received(text);
        }
      });
      socket.exceptionHandler(welcomed::tryFail);
      boolean raw = index % 2 == 1;
      connects++;
      socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(raw ? wsPort : httpPort)
          .setURI(raw ? "/" : "/ws"))
        .onSuccess(connected -> {
          String extensions = offersDeflate ? socket.headers().get("Sec-WebSocket-Extensions") : null;
          if (extensions != null && extensions.contains("permessage-deflate")) {
            deflateConnects++;
          }
        })
        .onFailure(welcomed::tryFail);
      return withTimeout(welcomed.future(), "no welcome on a warm-up socket");
    }
  }
}
