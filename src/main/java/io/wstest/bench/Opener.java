package io.wstest.bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * Opens {@code count} sockets at about {@code rate} per second and completes when each has either received its
 * first message (the welcome) or failed. Bounded: sockets not welcomed within the deadline count as failures.
 */
final class Opener {

  /** Called for every text message after a socket's welcome. */
  interface Receiver {
    void onMessage(int index, String text);
  }

  private final LoadClient client;
  private final ServerUnderTest server;
  private final int count;
  private final int rate;
  private final Receiver receiver;
  private final Promise<Void> done = Promise.promise();
  final List<ClientWebSocket> sockets = new ArrayList<>();
  int established;
  int failed;
  /** Why the first socket that failed did, for the error message; null while none has. */
  String firstFailure;
  long firstStart;
  long lastWelcome;
  private int started;

  Opener(LoadClient client, ServerUnderTest server, int count, int rate, Receiver receiver) {
    this.client = client;
    this.server = server;
    this.count = count;
    this.rate = rate;
    this.receiver = receiver;
  }

  /** Deadline: twice the time the rate needs, plus 30 s. */
  static long deadlineMs(int count, int rate) {
    return 2000L * count / rate + 30_000;
  }

  Future<Void> start() {
    firstStart = System.nanoTime();
    long perTick = Math.max(1, rate / 100);
    long tickMs = Math.max(1, 1000 * perTick / rate);
    client.vertx().setPeriodic(0, tickMs, id -> {
      for (int i = 0; i < perTick && started < count; i++) {
        openOne(started++);
      }
      if (started >= count) {
        client.vertx().cancelTimer(id);
      }
    });
    long deadline = client.vertx().setTimer(deadlineMs(count, rate), id -> {
      failed = count - established;
      done.tryComplete();
    });
    done.future().onComplete(v -> client.vertx().cancelTimer(deadline));
    return done.future();
  }

  private void openOne(int index) {
    boolean[] welcomed = new boolean[1];
    Handler<String> onText = text -> {
      if (!welcomed[0]) {
        welcomed[0] = true;
        established++;
        lastWelcome = System.nanoTime();
        check();
      } else if (receiver != null) {
        receiver.onMessage(index, text);
      }
    };
    client.open(server.url(), onText)
      .onSuccess(sockets::add)
      .onFailure(e -> {
        if (firstFailure == null) {
          firstFailure = String.valueOf(e.getMessage());
        }
        failed++;
        check();
      });
  }

  private void check() {
    if (established + failed >= count) {
      done.tryComplete();
    }
  }

  double connectSeconds() {
    return Math.max(1e-9, (lastWelcome - firstStart) / 1e9);
  }

  Future<Void> closeAll() {
    List<Future<Void>> closed = new ArrayList<>();
    for (ClientWebSocket ws : sockets) {
      closed.add(ws.close().otherwiseEmpty());
    }
    return Future.join(closed).otherwiseEmpty().mapEmpty();
  }
}
