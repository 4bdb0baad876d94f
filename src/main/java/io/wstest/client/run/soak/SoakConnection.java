package io.wstest.client.run.soak;

import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Glyph;
import io.wstest.client.socket.ClientSocket;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.Welcome;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;
import io.wstest.wire.Scopes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One WebSocket of a soak's socket slot, from the connection attempt to its close: it counts the answers owed on it,
 * checks the server's sequence numbers, and on a {@code shutdown} hands its slot to a new connection (make before
 * break). Runs on the soak's context, like everything of {@link SoakRun}.
 */
final class SoakConnection implements ClientSocket.Events {

  private final SoakRun run;
  private final SoakRun.Slot slot;
  private final ClientSocket socket;
  /** Message number → when it was sent (ms), in sending order: the answers still owed on this connection. */
  private final LinkedHashMap<Long, Long> outstanding = new LinkedHashMap<>();
  private SoakInstance instance;
  private String connectionId;
  private boolean attemptOver;
  /** Why the client closed it itself; null when it did not. */
  private String closedByClient;
  private boolean closedAtEnd;
  private long lastSeq;
  private long lastAnswered;
  private Long shutdownAtMs;
  private SoakDisconnect.Builder disconnect;
  private long timer = -1;
  /** The cluster broadcasts sent on this connection whose ack has not arrived, in sending order. */
  private final ArrayDeque<Long> clusterAcksOwed = new ArrayDeque<>();

  SoakConnection(SoakRun run, SoakRun.Slot slot) {
    this.run = run;
    this.slot = slot;
    this.socket = new ClientSocket(run.vertx, slot.target, run.timeoutMs, this);
  }

  void start() {
    socket.connect(run.client, run.settings.connect().headers());
  }

  /** Sends message {@code n} of the slot; false when it could not be sent (not connected, or no room to queue). */
  boolean send(long n) {
    if (socket.cannotWrite()) {
      return false;
    }
    outstanding.put(n, run.nowMs());
    socket.write("{\"type\":\"echo\",\"client\":\"test-lb soak\",\"socket\":" + slot.index + ",\"n\":" + n + "}");
    return true;
  }

  /** Sends cluster broadcast, counting {@code expected} open sockets; false when this connection cannot write. */
  boolean sendClusterBroadcast(ClusterBroadcasts broadcasts, long nowMs, int expected) {
    if (socket.cannotWrite() || shutdownAtMs != null) {
      return false;
    }
    long n = broadcasts.sending(nowMs, expected);
    clusterAcksOwed.add(n);
    socket.write(broadcasts.message(n));
    return true;
  }

  SoakInstance instance() {
    return instance;
  }

  /** Answers or a server close are still owed on this connection. */
  boolean owed() {
    return !outstanding.isEmpty() || shutdownAtMs != null || !clusterAcksOwed.isEmpty();
  }

  @Override
  public void failed(Failure failure) {
    if (attemptOver) {
      return;
    }
    attemptOver = true;
    slot.connecting = false;
    if (run.stopping) {
      return;
    }
    if (run.tally.attemptFailed(failure, run.socketsConnected > 0)) {
      // nothing answers at all: soaking for the whole duration would only repeat this
      run.console.line(Glyph.FAIL, "Giving up: " + run.tally.unreachableFailures()
        + " connection attempts in a row reached nothing");
      run.stop();
      return;
    }
    slot.failures++;
    if (slot.awaitingReplacement != null) {
      slot.awaitingReplacement.failedAttempts++;
    }
    slot.reconnectAfterBackoff();
  }

  @Override
  public void welcome(Welcome welcome) {
    attemptOver = true;
    slot.connecting = false;
    if (run.stopping) {
      socket.close();
      return;
    }
    socket.established();
    instance = SoakInstance.of(welcome);
    connectionId = welcome.connectionId();
    lastSeq = run.tally.seq(lastSeq, welcome.seq());
    run.open.add(this);
    List<String> evidence = new ArrayList<>();
    if (welcome.draining()) {
      evidence.add("welcome");
    }
    if (run.shutdownFrom.contains(instance.instanceId())) {
      evidence.add("earlier_shutdown");
    }
    run.tally.welcomesOnDraining += evidence.isEmpty() ? 0 : 1;
    if (slot.first == null) {
      slot.first = instance;
      run.socketsConnected++;
    }
    if (slot.awaitingReplacement != null) {
      slot.awaitingReplacement.replaced(run.nowMs(), instance, evidence);
      slot.awaitingReplacement = null;
    }
    slot.failures = 0;
    slot.current = this;
  }

  @Override
  public void message(JsonObject message) {
    lastSeq = run.tally.seq(lastSeq, message.getValue(Fields.SEQ));
    Object type = message.getValue(Fields.TYPE);
    if (MessageTypes.ECHO.equals(type)) {
      answered(message.getValue(Fields.ORIGINAL_MESSAGE) instanceof JsonObject o ? o : null);
    } else if (MessageTypes.SHUTDOWN.equals(type)) {
      shutdown(message);
    } else if (run.clusterBroadcasts != null && MessageTypes.BROADCAST.equals(type)) {
      run.clusterBroadcasts.arrived(message);
    } else if (run.clusterBroadcasts != null && MessageTypes.BROADCAST_ACK.equals(type)
      && Scopes.CLUSTER.equals(message.getValue(Fields.SCOPE)) && !clusterAcksOwed.isEmpty()) {
      run.clusterBroadcasts.acked(clusterAcksOwed.poll(), message);
      run.stopWhenSettled();
    } else if (MessageTypes.ERROR.equals(type) && "rate_limited".equals(message.getValue(Fields.ERROR))
      && !clusterAcksOwed.isEmpty()) {
      // refused over BROADCAST_RATE: that broadcast gets no ack and reached nobody
      clusterAcksOwed.poll();
      run.stopWhenSettled();
    }
    // anything else (a broadcast by another client of the same instance) only counts for the seq check
  }

  private void answered(JsonObject original) {
    if (original == null || !(original.getValue("socket") instanceof Number s) || s.intValue() != slot.index) {
      run.tally.unexpectedAnswers++;
      return;
    }
    long n = original.getValue("n") instanceof Number number ? number.longValue() : -1L;
    if (outstanding.remove(n) == null) {
      run.tally.unexpectedAnswers++;
      return;
    }
    run.tally.acknowledged++;
    if (n < lastAnswered) {
      run.tally.answersOutOfOrder++;
    }
    lastAnswered = Math.max(lastAnswered, n);
    run.stopWhenSettled();
  }

  /** Make before break: stop sending here, connect the replacement now, let this one finish. */
  private void shutdown(JsonObject message) {
    if (shutdownAtMs != null) {
      return;
    }
    shutdownAtMs = run.nowMs();
    if (run.shutdownFrom.add(instance.instanceId())) {
      run.console.line(Glyph.PLUG, run.at(shutdownAtMs) + " " + instance.displayName() + " sent shutdown (\""
        + (message.getValue("reason") instanceof String reason ? reason : "") + "\"): its sockets reconnect");
    }
    // the server closes after its grace; if it never does, the client gives up waiting after the timeout
    timer = run.vertx.setTimer(run.timeoutMs, t -> closeByClient(SoakDisconnect.CLIENT_AFTER_SHUTDOWN));
    if (slot.current == this) {
      disconnect = startDisconnect(shutdownAtMs);
      slot.current = null;
      slot.connect();
    }
  }

  private SoakDisconnect.Builder startDisconnect(Long shutdownAt) {
    SoakDisconnect.Builder d = new SoakDisconnect.Builder(slot.index, slot.target.name(), instance, connectionId,
      shutdownAt);
    run.disconnects.add(d);
    slot.awaitingReplacement = d;
    return d;
  }

  /** No answer to the oldest outstanding message within the timeout: the connection is dead to this client. */
  void checkAnswers(long now) {
    if (closedByClient != null || shutdownAtMs != null || outstanding.isEmpty()) {
      return;
    }
    Iterator<Long> oldest = outstanding.values().iterator();
    if (now - oldest.next() > run.timeoutMs) {
      closeByClient(SoakDisconnect.ACK_TIMEOUT);
    }
  }

  private void closeByClient(String why) {
    if (socket.isClosed() || closedByClient != null || closedAtEnd) {
      return;
    }
    closedByClient = why;
    socket.close((short) 1000, why);
  }

  void closeAtEnd() {
    closedAtEnd = true;
    socket.close((short) 1000, "soak finished");
  }

  @Override
  public void closed() {
    cancelTimer();
    run.open.remove(this);
    int owed = outstanding.size();
    outstanding.clear();
    if (closedAtEnd && closedByClient == null) {
      run.tally.unansweredAtEnd += owed;
      if (disconnect != null && disconnect.close == null) {
        disconnect.closed(run.nowMs(), SoakDisconnect.END_OF_RUN, null, null, owed);
      }
      if (run.open.isEmpty()) {
        run.finish();
      }
      return;
    }
    run.tally.lostAtClose += owed;
    Short code = socket.closeStatusCode();
    String how = closedByClient != null ? closedByClient
      : code != null ? code.toString() : socket.resetSeen() ? SoakDisconnect.RESET : SoakDisconnect.NO_CLOSE_FRAME;
    long now = run.nowMs();
    if (disconnect == null) {
      disconnect = startDisconnect(null);
    }
    disconnect.closed(now, how, closedByClient == null ? code : null, socket.closeReason(), owed);
    if (slot.current == this) {
      slot.current = null;
      slot.reconnectAfterBackoff();
    }
    run.abnormalClose(how, now, slot.index, instance, owed);
    if (run.stopping) {
      run.stopWhenSettled();
      if (run.closingAll && run.open.isEmpty()) {
        run.finish();
      }
    }
  }

  private void cancelTimer() {
    if (timer >= 0) {
      run.vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
