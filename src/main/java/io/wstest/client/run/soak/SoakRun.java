package io.wstest.client.run.soak;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.wstest.options.Durations;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.socket.ClientSocket;
import io.wstest.client.socket.WsTarget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The soak itself: N sockets, each a well-behaved client that sends sequence-numbered messages at the rate and
 * reconnects whenever its connection ends. On a {@code shutdown} message a socket stops sending on that
 * connection and opens the next one at once (make before break) while the old one collects its outstanding
 * answers and its close; after a close without one it waits a backoff with jitter. Everything runs on one
 * Vert.x context, so no state here is shared between threads; every timer stops by itself at the end.
 */
public final class SoakRun {

  /** Abnormal closes printed as they happen; the rest are only counted. */
  private static final int MAX_ABNORMAL_LINES = 20;

  final Vertx vertx;
  private final Context context;
  /** Kept in a field: a client only referenced from a local variable can be cleaned up mid-handshake. */
  final WebSocketClient client;
  final SoakSettings settings;
  final ConsoleReport console;
  final long timeoutMs;
  private final Slot[] slots;
  private final Promise<SoakOutcome> done = Promise.promise();
  private final List<Long> timers = new ArrayList<>();

  /** Connections that got their welcome and are not closed yet. */
  final Set<SoakConnection> open = new LinkedHashSet<>();
  /** Instances that sent a shutdown to some socket of this soak. */
  final Set<String> shutdownFrom = new HashSet<>();
  final List<SoakDisconnect.Builder> disconnects = new ArrayList<>();
  private final List<SoakOutcome.TimelineSample> timeline = new ArrayList<>();
  private final List<SoakInstance> after = new ArrayList<>();
  final SoakTally tally = new SoakTally();
  /** Null unless --cluster-broadcast-every was given. */
  final ClusterBroadcasts clusterBroadcasts;
  private long startNanos;
  int socketsConnected;
  private int abnormalLines;
  boolean stopping;
  boolean closingAll;
  private long endMs;

  public SoakRun(Vertx vertx, SoakSettings settings, ConsoleReport console) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.console = console;
    this.timeoutMs = settings.connect().timeout().toMillis();
    this.clusterBroadcasts = settings.clusterBroadcastEvery() == null ? null : new ClusterBroadcasts();
    // make before break: a socket briefly holds two connections
    this.client = ClientSocket.client(vertx, 2 * settings.sockets() + 10, timeoutMs, settings.connect().insecure());
    List<WsTarget> targets = settings.connect().targets();
    this.slots = new Slot[settings.sockets()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot(i + 1, targets.get(i % targets.size()));
    }
  }

  /**
   * Starts the soak; completes once it ended and every socket is closed: after the duration, at most --timeout for
   * the answers still owed and twice --timeout for the closes. Fails, rather than never completing, past that.
   */
  public Future<SoakOutcome> run() {
    context.runOnContext(v -> begin());
    return done.future().timeout(settings.duration().toMillis() + 4 * timeoutMs + 10_000, TimeUnit.MILLISECONDS);
  }

  /** When the soak stopped sending, in ms after it started. */
  public long endMs() {
    return endMs;
  }

  public Future<Void> close() {
    return client.close();
  }

  long nowMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  String at(long ms) {
    return String.format(Locale.ROOT, "t=%.3fs", ms / 1000.0);
  }

  private void begin() {
    startNanos = System.nanoTime();
    long interval = settings.sendIntervalMillis();
    long rampMs = settings.rampUp().toMillis();
    for (Slot slot : slots) {
      // spread like real clients: arrivals over the ramp-up, sends at a random phase of the interval
      long arrival = rampMs * (slot.index - 1) / slots.length;
      timers.add(vertx.setTimer(Math.max(1, arrival), t -> slot.connect()));
      if (interval > 0) {
        long phase = arrival + ThreadLocalRandom.current().nextLong(interval) + 1;
        timers.add(vertx.setPeriodic(phase, interval, t -> slot.send()));
      }
    }
    if (clusterBroadcasts != null) {
      long every = settings.clusterBroadcastEvery().toMillis();
      timers.add(vertx.setPeriodic(every, every, t -> clusterBroadcast()));
    }
    timers.add(vertx.setPeriodic(1000, t -> tick()));
    timers.add(vertx.setTimer(settings.duration().toMillis(), t -> stop()));
  }

  /** One cluster broadcast from the first socket that can send; every socket of the soak open now should get it. */
  private void clusterBroadcast() {
    for (Slot slot : slots) {
      if (slot.current != null && slot.current.sendClusterBroadcast(clusterBroadcasts, nowMs(), open.size())) {
        return;
      }
    }
    clusterBroadcasts.notSent();
  }

  /** The cluster broadcast counts, or null when the soak sent none. */
  public ClusterBroadcasts.Counts clusterBroadcastCounts() {
    return clusterBroadcasts == null ? null : clusterBroadcasts.counts();
  }

  /** Once a second: a timeline sample, the unanswered-message check, and the progress line. */
  private void tick() {
    sample();
    long now = nowMs();
    for (SoakConnection connection : List.copyOf(open)) {
      connection.checkAnswers(now);
    }
    console.status(String.format(Locale.ROOT, "%s/%s | open %d | sent %d, answered %d | disconnects %d, reconnects %d",
      Durations.format(Duration.ofSeconds(now / 1000)), Durations.format(settings.duration()), open.size(),
      tally.sent, tally.acknowledged, disconnects.size(), disconnects.stream().filter(d -> d.reconnectedAtMs != null).count()));
  }

  private void sample() {
    Map<String, Integer> byInstance = new TreeMap<>();
    open.forEach(c -> byInstance.merge(c.instance().displayName(), 1, Integer::sum));
    timeline.add(new SoakOutcome.TimelineSample(nowMs() / 1000.0, byInstance));
  }

  /** The duration is over: no more sends or reconnects; wait (bounded) for the answers still owed, then close. */
  void stop() {
    stopping = true;
    endMs = nowMs();
    timers.forEach(vertx::cancelTimer);
    for (Slot slot : slots) {
      slot.cancelReconnect();
      after.add(slot.current == null ? null : slot.current.instance());
    }
    sample();
    timers.clear();
    timers.add(vertx.setTimer(timeoutMs, t -> closeAll()));
    stopWhenSettled();
  }

  /** After the end: close everything once no answer and no server close is owed any more. */
  void stopWhenSettled() {
    if (!stopping || closingAll) {
      return;
    }
    for (SoakConnection c : open) {
      if (c.owed()) {
        return;
      }
    }
    closeAll();
  }

  private void closeAll() {
    if (closingAll) {
      return;
    }
    closingAll = true;
    timers.forEach(vertx::cancelTimer);
    if (open.isEmpty()) {
      finish();
      return;
    }
    List.copyOf(open).forEach(SoakConnection::closeAtEnd);
    // the client's closing timeout ends every close handshake; this only guards against a lost close event
    vertx.setTimer(2 * timeoutMs + 1000, t -> finish());
  }

  void finish() {
    if (done.future().isComplete()) {
      return;
    }
    List<SoakInstance> before = new ArrayList<>();
    for (Slot slot : slots) {
      before.add(slot.first);
    }
    done.complete(tally.outcome(slots.length, socketsConnected,
      disconnects.stream().map(SoakDisconnect.Builder::build).toList(), before, after, timeline));
  }

  /** One client of the soak: the connection it sends on, and the reconnects that keep it connected. */
  final class Slot {
    final int index;
    final WsTarget target;
    /** The connection this socket sends on; null while it is (re)connecting. */
    SoakConnection current;
    boolean connecting;
    /** Failed attempts since the last welcome: the backoff doubles with each. */
    int failures;
    /** The disconnect whose replacement is being connected. */
    SoakDisconnect.Builder awaitingReplacement;
    SoakInstance first;
    long nextMessage;
    long reconnectTimer = -1;

    Slot(int index, WsTarget target) {
      this.index = index;
      this.target = target;
    }

    void connect() {
      if (stopping || connecting || current != null) {
        return;
      }
      connecting = true;
      new SoakConnection(SoakRun.this, this).start();
    }

    void reconnectAfterBackoff() {
      if (stopping) {
        return;
      }
      long delay = settings.backoffMillis(failures, ThreadLocalRandom.current().nextDouble());
      reconnectTimer = vertx.setTimer(Math.max(1, delay), t -> {
        reconnectTimer = -1;
        connect();
      });
    }

    void cancelReconnect() {
      if (reconnectTimer >= 0) {
        vertx.cancelTimer(reconnectTimer);
        reconnectTimer = -1;
      }
    }

    void send() {
      if (stopping) {
        return;
      }
      if (current == null || !current.send(nextMessage + 1)) {
        tally.notSent++;
        return;
      }
      nextMessage++;
      tally.sent++;
    }
  }

  /** An abnormal close is printed as it happens (the first {@value #MAX_ABNORMAL_LINES}); the rest are counted. */
  void abnormalClose(String how, long atMs, int socket, SoakInstance instance, int owed) {
    if (SoakDisconnect.NORMAL.contains(how) || ++abnormalLines > MAX_ABNORMAL_LINES) {
      return;
    }
    console.line(Glyph.WARN, at(atMs) + " socket " + socket + " on " + instance.displayName() + " ended "
      + describe(how) + (owed > 0 ? ", " + owed + " messages lost" : ""));
    if (abnormalLines == MAX_ABNORMAL_LINES) {
      console.detail("(further abnormal closes are only counted in the summary)");
    }
  }

  static String describe(String close) {
    return switch (close) {
      case SoakDisconnect.NO_CLOSE_FRAME -> "without a close frame (1006)";
      case SoakDisconnect.RESET -> "with a TCP reset";
      case SoakDisconnect.ACK_TIMEOUT -> "unanswered: the client closed it after --timeout";
      case SoakDisconnect.CLIENT_AFTER_SHUTDOWN -> "without the server's close after its shutdown message";
      default -> "with close code " + close;
    };
  }
}
