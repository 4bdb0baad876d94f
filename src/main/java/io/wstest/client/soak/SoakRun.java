package io.wstest.client.soak;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.wstest.client.Durations;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.socket.ConnectionRunner;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.FailureKind;
import io.wstest.client.socket.WsTarget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
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

  private final Vertx vertx;
  private final Context context;
  /** Kept in a field: a client only referenced from a local variable can be cleaned up mid-handshake. */
  private final WebSocketClient client;
  private final SoakSettings settings;
  private final ConsoleReport console;
  private final long timeoutMs;
  private final Slot[] slots;
  private final Promise<SoakOutcome> done = Promise.promise();
  private final List<Long> timers = new ArrayList<>();

  /** Connections that got their welcome and are not closed yet. */
  private final Set<Connection> open = new LinkedHashSet<>();
  /** Instances that sent a shutdown to some socket of this soak. */
  private final Set<String> shutdownFrom = new HashSet<>();
  private final List<SoakDisconnect.Builder> disconnects = new ArrayList<>();
  private final List<SoakOutcome.TimelineSample> timeline = new ArrayList<>();
  private final List<SoakInstance> after = new ArrayList<>();
  private final SoakTally tally = new SoakTally();
  private long startNanos;
  private int socketsConnected;
  private int abnormalLines;
  private boolean stopping;
  private boolean closingAll;
  private long endMs;

  SoakRun(Vertx vertx, SoakSettings settings, ConsoleReport console) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.console = console;
    this.timeoutMs = settings.connect().timeout().toMillis();
    // make before break: a socket briefly holds two connections
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(2 * settings.sockets() + 10)
      .setConnectTimeout((int) timeoutMs)
      .setClosingTimeout((int) Math.max(1, Math.ceil(timeoutMs / 1000.0)))
      .setTrustAll(settings.connect().insecure())
      .setVerifyHost(!settings.connect().insecure()));
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

  private long nowMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private String at(long ms) {
    return String.format(Locale.ROOT, "t=%.1fs", ms / 1000.0);
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
    timers.add(vertx.setPeriodic(1000, t -> tick()));
    timers.add(vertx.setTimer(settings.duration().toMillis(), t -> stop()));
  }

  /** Once a second: a timeline sample, the unanswered-message check, and the progress line. */
  private void tick() {
    sample();
    long now = nowMs();
    for (Connection connection : List.copyOf(open)) {
      connection.checkAnswers(now);
    }
    console.status(String.format(Locale.ROOT, "%s/%s | open %d | sent %d, answered %d | disconnects %d, reconnects %d",
      Durations.format(Duration.ofSeconds(now / 1000)), Durations.format(settings.duration()), open.size(),
      tally.sent, tally.acknowledged, disconnects.size(), disconnects.stream().filter(d -> d.reconnectedAtMs != null).count()));
  }

  private void sample() {
    Map<String, Integer> byInstance = new TreeMap<>();
    open.forEach(c -> byInstance.merge(c.instance.displayName(), 1, Integer::sum));
    timeline.add(new SoakOutcome.TimelineSample(nowMs() / 1000.0, byInstance));
  }

  /** The duration is over: no more sends or reconnects; wait (bounded) for the answers still owed, then close. */
  private void stop() {
    stopping = true;
    endMs = nowMs();
    timers.forEach(vertx::cancelTimer);
    for (Slot slot : slots) {
      slot.cancelReconnect();
      after.add(slot.current == null ? null : slot.current.instance);
    }
    sample();
    timers.clear();
    timers.add(vertx.setTimer(timeoutMs, t -> closeAll()));
    stopWhenSettled();
  }

  /** After the end: close everything once no answer and no server close is owed any more. */
  private void stopWhenSettled() {
    if (!stopping || closingAll) {
      return;
    }
    for (Connection c : open) {
      if (!c.outstanding.isEmpty() || c.shutdownAtMs != null) {
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
    List.copyOf(open).forEach(Connection::closeAtEnd);
    // the client's closing timeout ends every close handshake; this only guards against a lost close event
    vertx.setTimer(2 * timeoutMs + 1000, t -> finish());
  }

  private void finish() {
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
  private final class Slot {
    final int index;
    final WsTarget target;
    /** The connection this socket sends on; null while it is (re)connecting. */
    Connection current;
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
      new Connection(this).start();
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
      Connection c = current;
      // isClosed() first: writeQueueFull() throws once the socket is closed
      if (c == null || c.ws.isClosed() || c.ws.writeQueueFull()) {
        tally.notSent++;
        return;
      }
      long n = ++nextMessage;
      c.outstanding.put(n, nowMs());
      tally.sent++;
      c.ws.writeTextMessage("{\"type\":\"echo\",\"client\":\"test-lb soak\",\"socket\":" + index + ",\"n\":" + n + "}");
    }
  }

  /** One WebSocket of a slot, from the connection attempt to its close. */
  private final class Connection {
    final Slot slot;
    /** Message number → when it was sent (ms), in sending order: the answers still owed on this connection. */
    final LinkedHashMap<Long, Long> outstanding = new LinkedHashMap<>();
    WebSocket ws;
    SoakInstance instance;
    String connectionId;
    boolean welcomed;
    boolean attemptOver;
    boolean resetSeen;
    /** Why the client closed it itself; null when it did not. */
    String closedByClient;
    boolean closedAtEnd;
    long lastSeq;
    long lastAnswered;
    Long shutdownAtMs;
    SoakDisconnect.Builder disconnect;
    long timer = -1;

    Connection(Slot slot) {
      this.slot = slot;
    }

    void start() {
      WsTarget target = slot.target;
      timer = vertx.setTimer(timeoutMs, t -> attemptFailed(ConnectionRunner.timeout(ws == null ? "connect" : "welcome",
        target, timeoutMs)));
      client.connect(target.connectOptions(settings.connect().headers(), timeoutMs)).onComplete(ar -> {
        if (ar.failed()) {
          attemptFailed(Failure.ofConnect(ar.cause(), target.hostPort()));
        } else {
          opened(ar.result());
        }
      });
    }

    private void opened(WebSocket socket) {
      if (attemptOver || stopping) {
        socket.close();
        return;
      }
      ws = socket;
      ws.exceptionHandler(e -> {
        if (String.valueOf(Failure.rootMessage(e)).toLowerCase(Locale.ROOT).contains("reset")) {
          resetSeen = true;
        }
      });
      ws.closeHandler(v -> closed());
      ws.textMessageHandler(this::onText);
      ws.binaryMessageHandler(b -> { });
    }

    private void attemptFailed(Failure failure) {
      if (attemptOver) {
        return;
      }
      attemptOver = true;
      cancelTimer();
      if (ws != null && !ws.isClosed()) {
        ws.close();
      }
      slot.connecting = false;
      if (stopping) {
        return;
      }
      if (tally.attemptFailed(failure, socketsConnected > 0)) {
        // nothing answers at all: soaking for the whole duration would only repeat this
        console.line(Glyph.FAIL, "Giving up: " + tally.unreachableFailures()
          + " connection attempts in a row reached nothing");
        stop();
        return;
      }
      slot.failures++;
      if (slot.awaitingReplacement != null) {
        slot.awaitingReplacement.failedAttempts++;
      }
      slot.reconnectAfterBackoff();
    }

    private void onText(String text) {
      JsonObject message;
      try {
        message = new JsonObject(text);
      } catch (RuntimeException e) {
        if (!welcomed) {
          attemptFailed(Failure.of(FailureKind.PROTOCOL, "welcome", "not a JSON object: " + Failure.excerpt(text)));
        }
        return;
      }
      if (!welcomed) {
        if (!"welcome".equals(message.getValue("type")) || message.getString("instance_id") == null) {
          attemptFailed(Failure.of(FailureKind.PROTOCOL, "welcome",
            "first message is not a welcome with an instance_id: " + Failure.excerpt(text)));
        } else {
          welcomed(message);
        }
        return;
      }
      checkSeq(message.getValue("seq"));
      Object type = message.getValue("type");
      if ("echo".equals(type)) {
        answered(message.getJsonObject("original_message"));
      } else if ("shutdown".equals(type)) {
        shutdown(message);
      }
      // anything else (a broadcast by another client of the same instance) only counts for the seq check
    }

    private void welcomed(JsonObject welcome) {
      attemptOver = true;
      cancelTimer();
      slot.connecting = false;
      if (stopping) {
        ws.close();
        return;
      }
      welcomed = true;
      instance = SoakInstance.of(welcome);
      connectionId = welcome.getString("connection_id");
      checkSeq(welcome.getValue("seq"));
      open.add(this);
      List<String> evidence = new ArrayList<>();
      if (Boolean.TRUE.equals(welcome.getValue("draining"))) {
        evidence.add("welcome");
      }
      if (shutdownFrom.contains(instance.instanceId())) {
        evidence.add("earlier_shutdown");
      }
      tally.welcomesOnDraining += evidence.isEmpty() ? 0 : 1;
      if (slot.first == null) {
        slot.first = instance;
        socketsConnected++;
      }
      if (slot.awaitingReplacement != null) {
        slot.awaitingReplacement.replaced(nowMs(), instance, evidence);
        slot.awaitingReplacement = null;
      }
      slot.failures = 0;
      slot.current = this;
    }

    private void checkSeq(Object value) {
      lastSeq = tally.seq(lastSeq, value);
    }

    private void answered(JsonObject original) {
      if (original == null || original.getInteger("socket", -1) != slot.index) {
        tally.unexpectedAnswers++;
        return;
      }
      long n = original.getLong("n", -1L);
      if (outstanding.remove(n) == null) {
        tally.unexpectedAnswers++;
        return;
      }
      tally.acknowledged++;
      if (n < lastAnswered) {
        tally.answersOutOfOrder++;
      }
      lastAnswered = Math.max(lastAnswered, n);
      stopWhenSettled();
    }

    /** Make before break: stop sending here, connect the replacement now, let this one finish. */
    private void shutdown(JsonObject message) {
      if (shutdownAtMs != null) {
        return;
      }
      shutdownAtMs = nowMs();
      if (shutdownFrom.add(instance.instanceId())) {
        console.line(Glyph.PLUG, at(shutdownAtMs) + " " + instance.displayName() + " sent shutdown (\""
          + message.getString("reason", "") + "\"): its sockets reconnect");
      }
      // the server closes after its grace; if it never does, the client gives up waiting after the timeout
      timer = vertx.setTimer(timeoutMs, t -> closeByClient(SoakDisconnect.CLIENT_AFTER_SHUTDOWN));
      if (slot.current == this) {
        disconnect = startDisconnect(shutdownAtMs);
        slot.current = null;
        slot.connect();
      }
    }

    private SoakDisconnect.Builder startDisconnect(Long shutdownAt) {
      SoakDisconnect.Builder d = new SoakDisconnect.Builder(slot.index, slot.target.name(), instance, connectionId,
        shutdownAt);
      disconnects.add(d);
      slot.awaitingReplacement = d;
      return d;
    }

    /** No answer to the oldest outstanding message within the timeout: the connection is dead to this client. */
    void checkAnswers(long now) {
      if (closedByClient != null || shutdownAtMs != null || outstanding.isEmpty()) {
        return;
      }
      Iterator<Long> oldest = outstanding.values().iterator();
      if (now - oldest.next() > timeoutMs) {
        closeByClient(SoakDisconnect.ACK_TIMEOUT);
      }
    }

    private void closeByClient(String why) {
      if (ws.isClosed() || closedByClient != null || closedAtEnd) {
        return;
      }
      closedByClient = why;
      ws.close((short) 1000, why);
    }

    void closeAtEnd() {
      closedAtEnd = true;
      if (!ws.isClosed()) {
        ws.close((short) 1000, "soak finished");
      }
    }

    private void closed() {
      cancelTimer();
      if (!welcomed) {
        Short code = ws.closeStatusCode();
        attemptFailed(Failure.closed("welcome", code, ws.closeReason()));
        return;
      }
      open.remove(this);
      int owed = outstanding.size();
      outstanding.clear();
      if (closedAtEnd && closedByClient == null) {
        tally.unansweredAtEnd += owed;
        if (disconnect != null && disconnect.close == null) {
          disconnect.closed(nowMs(), SoakDisconnect.END_OF_RUN, null, null, owed);
        }
        if (open.isEmpty()) {
          finish();
        }
        return;
      }
      tally.lostAtClose += owed;
      Short code = ws.closeStatusCode();
      String how = closedByClient != null ? closedByClient
        : code != null ? code.toString() : resetSeen ? SoakDisconnect.RESET : SoakDisconnect.NO_CLOSE_FRAME;
      long now = nowMs();
      if (disconnect == null) {
        disconnect = startDisconnect(null);
      }
      disconnect.closed(now, how, closedByClient == null ? code : null, ws.closeReason(), owed);
      if (slot.current == this) {
        slot.current = null;
        slot.reconnectAfterBackoff();
      }
      if (!SoakDisconnect.NORMAL.contains(how) && ++abnormalLines <= MAX_ABNORMAL_LINES) {
        console.line(Glyph.WARN, at(now) + " socket " + slot.index + " on " + instance.displayName() + " ended "
          + describe(how) + (owed > 0 ? ", " + owed + " messages lost" : ""));
        if (abnormalLines == MAX_ABNORMAL_LINES) {
          console.detail("(further abnormal closes are only counted in the summary)");
        }
      }
      if (stopping) {
        stopWhenSettled();
        if (closingAll && open.isEmpty()) {
          finish();
        }
      }
    }

    private void cancelTimer() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  public static String describe(String close) {
    return switch (close) {
      case SoakDisconnect.NO_CLOSE_FRAME -> "without a close frame (1006)";
      case SoakDisconnect.RESET -> "with a TCP reset";
      case SoakDisconnect.ACK_TIMEOUT -> "unanswered: the client closed it after --timeout";
      case SoakDisconnect.CLIENT_AFTER_SHUTDOWN -> "without the server's close after its shutdown message";
      default -> "with close code " + close;
    };
  }
}
