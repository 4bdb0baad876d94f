package io.wstest.client.socket;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Opens protocol WebSockets and reports each one as a {@link ConnectionResult}: handshake, {@code welcome}
 * (who served it), one {@code ping}/{@code pong} round trip. Every step is limited by the timeout, so every run
 * ends by itself. All work happens on one Vert.x context, so no state here is shared between threads.
 * Scenarios beyond the even-spread test (sticky, soak ...) reuse this runner: an attempt can carry its own request
 * headers (a sticky client's cookies), and each result keeps the handshake response's headers (its Set-Cookie).
 */
public final class ConnectionRunner {

  /** After this many connect failures in a row with no success at all, a run stops: the target is not there. */
  public static final int GIVE_UP_AFTER = 3;

  private static final IntFunction<List<Map.Entry<String, String>>> NO_EXTRA_HEADERS = index -> List.of();

  private final Vertx vertx;
  private final Context context;
  /** Kept in a field: a client only referenced from a local variable can be cleaned up mid-handshake. */
  private final WebSocketClient client;
  private final List<Map.Entry<String, String>> headers;
  private final long timeoutMs;

  public ConnectionRunner(Vertx vertx, List<Map.Entry<String, String>> headers, Duration timeout, boolean insecure,
                          int maxOpenSockets) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.timeoutMs = timeout.toMillis();
    this.headers = headers;
    this.client = ClientSocket.client(vertx, maxOpenSockets, timeoutMs, insecure);
  }

  /**
   * One run of a phase: n connections to one target, at most {@code concurrency} connecting at once.
   *
   * @param peakOpenSockets the most sockets open or opening at the same moment (N with --hold)
   */
  public record Run(WsTarget target, List<ConnectionResult> results, int notAttempted, int peakOpenSockets) {
  }

  /**
   * Connects {@code count} times to the target, calling {@code onResult} as each connection finishes. Without
   * {@code hold} each socket is closed as soon as its pong arrived; with it, all stay open until the last one
   * finished, then all are closed. Stops early when the first attempts all fail to reach the target.
   */
  public Future<Run> run(WsTarget target, int count, int concurrency, boolean hold, Consumer<ConnectionResult> onResult) {
    return run(target, count, concurrency, hold, NO_EXTRA_HEADERS, onResult);
  }

  /**
   * As {@link #run(WsTarget, int, int, boolean, Consumer)}, with request headers of each attempt's own after the
   * runner's: {@code headersFor} gets the attempt's index (from 1) on this runner's context just before the
   * attempt connects. With concurrency 1 that is after the previous attempt's {@code onResult}, so a client can
   * send what the previous handshake answered (the cookies a load balancer set).
   */
  public Future<Run> run(WsTarget target, int count, int concurrency, boolean hold,
                         IntFunction<List<Map.Entry<String, String>>> headersFor, Consumer<ConnectionResult> onResult) {
    Promise<Run> done = Promise.promise();
    context.runOnContext(v -> new Phase(target, count, concurrency, hold, headersFor, onResult, done).launchMore());
    return done.future();
  }

  public Future<Void> close() {
    return client.close();
  }

  private final class Phase {
    private final WsTarget target;
    private final int count;
    private final int concurrency;
    private final boolean hold;
    private final IntFunction<List<Map.Entry<String, String>>> headersFor;
    private final Consumer<ConnectionResult> onResult;
    private final Promise<Run> done;
    private final List<ConnectionResult> results = new ArrayList<>();
    private final List<Attempt> open = new ArrayList<>();
    private int launched;
    private int inFlight;
    private int succeeded;
    private int connectFailures;
    private boolean givenUp;
    private int peakOpen;

    Phase(WsTarget target, int count, int concurrency, boolean hold,
          IntFunction<List<Map.Entry<String, String>>> headersFor, Consumer<ConnectionResult> onResult,
          Promise<Run> done) {
      this.target = target;
      this.count = count;
      this.concurrency = concurrency;
      this.hold = hold;
      this.headersFor = headersFor;
      this.onResult = onResult;
      this.done = done;
    }

    void launchMore() {
      while (!givenUp && launched < count && inFlight < concurrency) {
        launched++;
        inFlight++;
        peakOpen = Math.max(peakOpen, inFlight + open.size());
        Attempt attempt = new Attempt(launched, target, List.copyOf(headersFor.apply(launched)));
        attempt.start().compose(result -> hold || !result.ok() ? Future.succeededFuture(result)
          : attempt.close().map(result)).onComplete(ar -> finished(attempt, ar.result()));
      }
      if (inFlight == 0) {
        Future.join(open.stream().map(Attempt::close).toList()).onComplete(ar ->
          done.complete(new Run(target, List.copyOf(results), count - launched, peakOpen)));
      }
    }

    private void finished(Attempt attempt, ConnectionResult result) {
      inFlight--;
      results.add(result);
      if (result.ok()) {
        succeeded++;
        if (hold) {
          open.add(attempt);
        }
      } else if (result.failure().unreachable()) {
        connectFailures++;
        givenUp = succeeded == 0 && connectFailures >= Math.min(GIVE_UP_AFTER, count);
      }
      onResult.accept(result);
      launchMore();
    }
  }

  /** One connection attempt: the handshake, the welcome, one ping and its pong. */
  private final class Attempt implements ClientSocket.Events {
    private final int index;
    private final WsTarget target;
    /** This attempt's own request headers, sent after the runner's. */
    private final List<Map.Entry<String, String>> extraHeaders;
    private final Promise<ConnectionResult> result = Promise.promise();
    private final ClientSocket socket;
    private long pingSentNanos;

    Attempt(int index, WsTarget target, List<Map.Entry<String, String>> extraHeaders) {
      this.index = index;
      this.target = target;
      this.extraHeaders = extraHeaders;
      this.socket = new ClientSocket(vertx, target, timeoutMs, this);
    }

    Future<ConnectionResult> start() {
      List<Map.Entry<String, String>> all = new ArrayList<>(headers);
      all.addAll(extraHeaders);
      socket.connect(client, all);
      return result.future();
    }

    @Override
    public void welcome(Welcome welcome) {
      pingSentNanos = System.nanoTime();
      socket.request(new JsonObject().put(Fields.TYPE, MessageTypes.PING).put("client", "test-lb").put("index", index),
        MessageTypes.PONG);
    }

    @Override
    public void message(JsonObject message) {
      if (!MessageTypes.PONG.equals(message.getValue(Fields.TYPE))) {
        return; // not an answer (a broadcast from another client of the same instance); keep waiting
      }
      JsonObject original = message.getValue(Fields.ORIGINAL_DATA) instanceof JsonObject o ? o : new JsonObject();
      if (!(original.getValue("index") instanceof Number n) || n.intValue() != index) {
        failed(Failure.of(FailureKind.PROTOCOL, socket.stage(), "pong does not answer this connection's ping: "
          + Failure.excerpt(message.encode())));
        socket.close();
        return;
      }
      socket.settle();
      result.complete(new ConnectionResult(index, target.name(), target.url(), socket.welcome(), socket.connectMs(),
        millisSince(pingSentNanos), null, handshake()));
    }

    @Override
    public void failed(Failure failure) {
      result.tryComplete(new ConnectionResult(index, target.name(), target.url(), socket.welcome(),
        socket.connectMs(), null, failure, handshake()));
    }

    private ConnectionResult.Handshake handshake() {
      return new ConnectionResult.Handshake(extraHeaders, socket.responseHeaders());
    }

    /** Closes the socket with 1000 and waits (bounded by the client's closing timeout) for the close handshake. */
    Future<Void> close() {
      return socket.close();
    }
  }

  private static double millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000.0;
  }
}
