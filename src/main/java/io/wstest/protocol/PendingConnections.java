package io.wstest.protocol;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.shareddata.Shareable;
import io.wstest.runtime.Metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the connections of both servers that are not (yet) WebSockets, so that peers which open a connection and
 * then send half a request, nothing, or one byte every few seconds cannot hold file descriptors forever:
 * <ul>
 *   <li>the head of a connection's first request (for a WebSocket: the upgrade request) must have fully arrived
 *   within HANDSHAKE_TIMEOUT of the accept. Over TLS the TLS handshake counts: Vert.x's TLS handshake timeout,
 *   set to the same value, bounds it from the accept, and the request head gets what is left;</li>
 *   <li>between keep-alive requests, the head of the next request must have fully arrived within
 *   HTTP_IDLE_TIMEOUT of the end of the previous response;</li>
 *   <li>at most MAX_PENDING_CONNECTIONS such connections exist in the process, counted from the accept (TLS
 *   connections in their handshake included). When the last place is taken, every listening port stops
 *   accepting until a sixteenth of the places (at least one) are free again: new connections wait in the
 *   kernel's listen backlog, as at nginx's and HAProxy's connection limits, so a burst of legitimate clients (a
 *   cold replica behind in a reconnect storm) is served late instead of refused, and nothing of theirs is in the
 *   process meanwhile. A connection accepted before a port's pause took effect (the same read, or another port)
 *   is closed as it is accepted.</li>
 * </ul>
 * The count and the accept time come from {@link #guardAccepts}, a handler on each server's listening channel
 * that sees every connection as it is accepted, before TLS (the HTTP server only sees a TLS connection once its
 * handshake is done). Should Vert.x's internals ever hide that channel, connections are counted and refused from
 * their first HTTP moment instead ({@link #track}), nothing pauses accepting, and TLS handshakes are bounded by
 * their timeout only.
 * While a request is being answered no deadline runs: the answer is the server's own work (an admin drain
 * answers once the sockets have closed, which CLOSE_TIMEOUT bounds), and a response the peer does not read is
 * already written, as far as this handler sees, so the idle deadline starts. Every deadline is absolute: a timer
 * armed when the wait starts and never pushed back by incoming bytes, so a byte-dribbler cannot extend it
 * (Vert.x's {@code idleTimeout} restarts on every byte, and it would also cut upgraded WebSockets, which have
 * their own ping and IDLE_TIMEOUT). The handler watches the HTTP objects between
 * Netty's codec and Vert.x: a decoded {@link HttpRequest} is a complete request head, an outgoing
 * {@link LastHttpContent} the end of a response, an outgoing 101 the upgrade, after which it removes itself.
 * It reaches the channels through {@link VertxInternals}, like {@link Rfc6455Guard} does for WebSockets.
 */
public final class PendingConnections implements Shareable {

  private static final String MAP = "wstest.process";
  private static final String KEY = "pending-connections";
  private static final String NAME = "wstest-pending-deadline";
  private static final String GATE = "wstest-accept-gate";
  private static final AttributeKey<Accepted> ACCEPTED = AttributeKey.valueOf("wstest.accepted");
  private static final AttributeKey<String> ACCEPTED_EXTENSIONS = AttributeKey.valueOf("wstest.accepted-extensions");

  private final long handshakeTimeoutMillis;
  private final long httpIdleTimeoutMillis;
  private final int maxPending;
  /**
   * A port that stopped accepting at the bound accepts again once the count is down to this: a sixteenth of the
   * places (at least one) free. Starting again at every single free place made a burst stop and start the ports
   * for every connection over the bound (2,197 times for 12,000 connects at 5,000/s with a bound of 1,000), each
   * time a task for the acceptor's thread and two epoll_ctl calls on the CPU the handshakes need.
   */
  private final int resumeAt;
  private final AtomicInteger pending = new AtomicInteger();
  private final Counter handshakeTimeouts;
  private final Counter httpIdleCloses;
  private final Counter rejected;
  private final Counter acceptPauses;
  /**
   * One per listening port (and per private copy while a warm-up runs); a closed port's gate leaves. An array
   * replaced on change: every upgrade walks it (a place freed), which should allocate nothing.
   */
  private volatile AcceptGate[] gates = new AcceptGate[0];

  private PendingConnections(MeterRegistry registry, long handshakeTimeoutMillis, long httpIdleTimeoutMillis,
                             int maxPending) {
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.httpIdleTimeoutMillis = httpIdleTimeoutMillis;
    this.maxPending = maxPending;
    this.resumeAt = maxPending - Math.max(1, maxPending / 16);
    Gauge.builder("websocket.pending.connections", pending, AtomicInteger::get)
      .description("Connections on both ports that are not WebSockets: in their TLS handshake, waiting for or "
        + "inside an HTTP request, or idle between keep-alive requests").register(registry);
    handshakeTimeouts = closes(registry, "handshake_timeout");
    httpIdleCloses = closes(registry, "http_idle_timeout");
    rejected = closes(registry, "pending_limit");
    acceptPauses = Counter.builder("websocket.accept.pauses")
      .description("Times a listening port stopped accepting because MAX_PENDING_CONNECTIONS connections were "
        + "pending (counted per port); new connections waited in the kernel's listen backlog meanwhile")
      .register(registry);
  }

  /** The process's one instance; the settings of the first caller win (both servers pass the same). */
  public static PendingConnections of(Vertx vertx, long handshakeTimeoutMillis, long httpIdleTimeoutMillis,
                                      int maxPending) {
    MeterRegistry registry = Metrics.of(vertx).registry();
    return vertx.sharedData().<String, PendingConnections>getLocalMap(MAP).computeIfAbsent(KEY,
      k -> new PendingConnections(registry, handshakeTimeoutMillis, httpIdleTimeoutMillis, maxPending));
  }

  /**
   * The {@code Sec-WebSocket-Extensions} of the 101 answer on this channel (what the server accepted), or null
   * when it had none; Vert.x does not tell a server WebSocket which extensions it negotiated.
   */
  static String acceptedExtensions(io.netty.channel.Channel channel) {
    return channel.hasAttr(ACCEPTED_EXTENSIONS) ? channel.attr(ACCEPTED_EXTENSIONS).get() : null;
  }

  /** Connections counted right now. */
  public int pending() {
    return pending.get();
  }

  /**
   * Starts watching a connection the HTTP server just accepted; call from its connection handler, on the
   * connection's event loop. Closes it at once when MAX_PENDING_CONNECTIONS are already pending.
   */
  public void track(HttpConnection connection) {
    ChannelHandlerContext vertxHandler = VertxInternals.handlerContext(connection);
    if (vertxHandler == null) {
      return;
    }
    if (vertxHandler.pipeline().get("httpDecoder") == null) {
      // not HTTP/1 (both servers serve only HTTP/1: no h2c, no ALPN): nothing here for its deadlines to watch
      Accepted accepted = vertxHandler.channel().attr(ACCEPTED).get();
      if (accepted != null) {
        accepted.release();
      }
      return;
    }
    vertxHandler.pipeline().addBefore(vertxHandler.name(), NAME, new Deadline());
  }

  /**
   * Counts the connections {@code server} accepts from the moment they are accepted, and closes those over
   * MAX_PENDING_CONNECTIONS right there, before a TLS handshake or a request could start. Call once it listens;
   * idempotent for the verticle instances sharing one port.
   */
  public void guardAccepts(HttpServer server) {
    Channel listening = VertxInternals.listeningChannel(server);
    if (listening == null) {
      return; // counted from track() on instead
    }
    synchronized (listening) {
      if (listening.pipeline().get(GATE) == null) {
        AcceptGate gate = new AcceptGate(listening);
        listening.pipeline().addFirst(GATE, gate);
        changeGates(gate, true);
        listening.closeFuture().addListener(closed -> changeGates(gate, false));
      }
    }
  }

  private synchronized void changeGates(AcceptGate gate, boolean add) {
    List<AcceptGate> changed = new ArrayList<>(Arrays.asList(gates));
    if (add) {
      changed.add(gate);
    } else {
      changed.remove(gate);
    }
    gates = changed.toArray(new AcceptGate[0]);
  }

  /** Every port stops accepting: the last place was taken. */
  private void pauseAccepts() {
    for (AcceptGate gate : gates) {
      gate.settle();
    }
  }

  /** Places freed, down to {@link #resumeAt}: the ports that stopped accepting look again. */
  private void resumeAccepts() {
    for (AcceptGate gate : gates) {
      if (gate.paused) {
        gate.settle();
      }
    }
  }

  /**
   * On the listening channel, in front of Netty's acceptor: each message is a connection just accepted. Turns
   * its port's accepting off (Netty's auto-read on the listening channel) while every place is taken.
   */
  private final class AcceptGate extends ChannelInboundHandlerAdapter {

    private final Channel listening;
    /**
     * True while the port does not accept, and for a moment whenever {@link #settle} looks; written on the
     * listening channel's loop only, read by {@link #resumeAccepts} on any loop after a place freed.
     */
    private volatile boolean paused;

    AcceptGate(Channel listening) {
      this.listening = listening;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel accepted) {
        Accepted counted = new Accepted();
        boolean admitted = counted.admit();
        if (pending.get() >= maxPending) {
          pauseAccepts(); // this port at once: Netty's accept loop reads auto-read before its next accept
        }
        if (!admitted) {
          accepted.unsafe().closeForcibly(); // not registered yet: what Netty's acceptor does with a refused one
          return;
        }
        accepted.attr(ACCEPTED).set(counted);
        // a connection that dies in its TLS handshake never reaches track(): its close releases the count
        accepted.closeFuture().addListener(counted);
      }
      ctx.fireChannelRead(msg);
    }

    /**
     * Accepting off at the bound, on again at {@link #resumeAt}, by the count as it is now; on the listening
     * channel's loop, so that the last call decides. {@code paused} is set before the count is read: a place freed
     * after that read finds it set and settles again, so no port stays off with places free.
     */
    void settle() {
      if (!listening.eventLoop().inEventLoop()) {
        listening.eventLoop().execute(this::settle);
        return;
      }
      paused = true;
      boolean accepting = listening.config().isAutoRead();
      int now = pending.get();
      boolean stop = accepting ? now >= maxPending : now > resumeAt;
      paused = stop;
      if (accepting == stop) {
        listening.config().setAutoRead(!stop);
        if (stop) {
          acceptPauses.increment();
        }
      }
    }
  }

  /**
   * One connection's place in the count, from its accept (or its first HTTP moment) until it upgrades or closes.
   * Itself the flag and the close listener: a connection that becomes a WebSocket sheds it, attribute slot
   * included (see {@link #forget}), so a held socket keeps nothing of it.
   */
  private final class Accepted extends AtomicBoolean implements ChannelFutureListener {

    final long at = System.nanoTime();

    /** Counts it, or counts a refusal when MAX_PENDING_CONNECTIONS are already pending. */
    boolean admit() {
      if (pending.incrementAndGet() > maxPending) {
        pending.decrementAndGet();
        rejected.increment();
        return false;
      }
      set(true);
      return true;
    }

    boolean counted() {
      return get();
    }

    /** Once, whichever comes first: the upgrade, the close. */
    void release() {
      if (compareAndSet(true, false) && pending.decrementAndGet() <= resumeAt) {
        resumeAccepts();
      }
    }

    /** The channel closed. */
    @Override
    public void operationComplete(ChannelFuture closed) {
      release();
    }

    /** Released, and no longer attached to {@code channel} (the connection is a WebSocket now). */
    @SuppressWarnings("deprecation")
    void forget(Channel channel) {
      release();
      channel.closeFuture().removeListener(this);
      // removed, not set to null: an emptied attribute stays in the channel's map, 48 bytes (the attribute and the
      // map's array) per held WebSocket. Netty deprecates remove() because a holder of the old Attribute would not
      // see a later attr(ACCEPTED); nothing reads this one after the upgrade.
      channel.attr(ACCEPTED).remove();
    }
  }

  private static Counter closes(MeterRegistry registry, String reason) {
    return Counter.builder("websocket.pending.closes")
      .description("Connections closed before becoming WebSockets: first request head not in within "
        + "HANDSHAKE_TIMEOUT (handshake_timeout), next request head not in within HTTP_IDLE_TIMEOUT "
        + "(http_idle_timeout), or over MAX_PENDING_CONNECTIONS (pending_limit)")
      .tag("reason", reason).register(registry);
  }

  /** One connection's deadlines; all its methods run on the connection's event loop. */
  private final class Deadline extends ChannelDuplexHandler {

    private ChannelHandlerContext ctx;
    private Accepted accepted;
    private boolean idle;
    private int unanswered;
    private ScheduledFuture<?> timer;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
      accepted = ctx.channel().attr(ACCEPTED).get();
      if (accepted == null) {
        // no gate on this listener (guardAccepts): counted, and refused at the limit, from here
        accepted = new Accepted();
        if (!accepted.admit()) {
          ctx.channel().close();
          return;
        }
      }
      long left = handshakeTimeoutMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - accepted.at);
      if (left <= 0) {
        expire();
      } else {
        arm(left);
      }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      release(); // the channel closed, or the connection became a WebSocket
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        unanswered++;
        idle = false;
        cancelTimer(); // a whole request head: the server answers it
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      boolean upgraded = msg instanceof HttpResponse response
        && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
      boolean responseEnd = msg instanceof LastHttpContent;
      ctx.write(msg, promise);
      if (upgraded) {
        // read after the write: Netty's extension handler, nearer the socket, has just added the header
        String extensions = ((HttpResponse) msg).headers().get("Sec-WebSocket-Extensions");
        if (extensions != null) {
          ctx.channel().attr(ACCEPTED_EXTENSIONS).set(extensions);
        }
        accepted.forget(ctx.channel());
        ctx.pipeline().remove(this); // a WebSocket now: its own ping and IDLE_TIMEOUT take over
      } else if (responseEnd && accepted.counted()) {
        unanswered = Math.max(0, unanswered - 1);
        if (unanswered == 0) { // else a pipelined request is being answered
          idle = true;
          arm(httpIdleTimeoutMillis);
        }
      }
    }

    private void arm(long millis) {
      cancelTimer();
      timer = ctx.executor().schedule(this::expire, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    private void expire() {
      if (!accepted.counted()) {
        return;
      }
      (idle ? httpIdleCloses : handshakeTimeouts).increment();
      ctx.channel().close();
    }

    private void release() {
      cancelTimer();
      if (accepted != null) {
        accepted.release();
      }
    }
  }
}
