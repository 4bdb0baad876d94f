package io.wstest.protocol;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.spi.tls.SslContextFactory;
import io.wstest.runtime.Metrics;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the connections of both servers that are not (yet) WebSockets, so that peers which open a connection and
 * then send half a request, nothing, or one byte every few seconds cannot hold file descriptors forever:
 * <ul>
 *   <li>the head of a connection's first request (for a WebSocket: the upgrade request) must have fully arrived
 *   within HANDSHAKE_TIMEOUT of the accept. Over TLS the TLS handshake counts: Vert.x's TLS handshake timeout,
 *   set to the same value, bounds it from the accept, and the request head gets what is left. The HTTP server
 *   only sees a TLS connection once its handshake is done, so {@link #tlsEngineOptions} notes when each TLS
 *   engine was created, which Vert.x does as it accepts the connection;</li>
 *   <li>between keep-alive requests, the head of the next request must have fully arrived within
 *   HTTP_IDLE_TIMEOUT of the end of the previous response;</li>
 *   <li>at most MAX_PENDING_CONNECTIONS such connections exist in the process; the next one is closed at once.</li>
 * </ul>
 * While a request is being answered no deadline runs: the answer is the server's own work (an admin drain
 * answers once the sockets have closed, which CLOSE_TIMEOUT bounds), and a response the peer does not read is
 * already written, as far as this handler sees, so the idle deadline starts. Every deadline is absolute: a timer
 * armed when the wait starts and never pushed back by incoming bytes, so a byte-dribbler cannot extend it
 * (Vert.x's {@code idleTimeout} restarts on every byte, and it would also cut upgraded WebSockets, which have
 * their own ping and IDLE_TIMEOUT). The handler watches the HTTP objects between
 * Netty's codec and Vert.x: a decoded {@link HttpRequest} is a complete request head, an outgoing
 * {@link LastHttpContent} the end of a response, an outgoing 101 the upgrade, after which it removes itself.
 * It reaches the channel through {@link VertxInternals}, like {@link Rfc6455Guard} does for WebSockets.
 */
public final class PendingConnections implements Shareable {

  private static final String MAP = "wstest.process";
  private static final String KEY = "pending-connections";
  private static final String NAME = "wstest-pending-deadline";
  /**
   * When each TLS connection was accepted (System.nanoTime), by its engine. Weak keys: a connection that dies in
   * its TLS handshake leaves nothing behind once its engine is collected.
   */
  private static final Map<SSLEngine, Long> TLS_ACCEPTED = Collections.synchronizedMap(new WeakHashMap<>());

  private final long handshakeTimeoutMillis;
  private final long httpIdleTimeoutMillis;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();
  private final Counter handshakeTimeouts;
  private final Counter httpIdleCloses;
  private final Counter rejected;

  private PendingConnections(MeterRegistry registry, long handshakeTimeoutMillis, long httpIdleTimeoutMillis,
                             int maxPending) {
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.httpIdleTimeoutMillis = httpIdleTimeoutMillis;
    this.maxPending = maxPending;
    Gauge.builder("websocket.pending.connections", pending, AtomicInteger::get)
      .description("Connections on both ports that are not WebSockets: waiting for or inside an HTTP request, "
        + "or idle between keep-alive requests").register(registry);
    handshakeTimeouts = closes(registry, "handshake_timeout");
    httpIdleCloses = closes(registry, "http_idle_timeout");
    rejected = closes(registry, "pending_limit");
  }

  /** The process's one instance; the settings of the first caller win (both servers pass the same). */
  public static PendingConnections of(Vertx vertx, long handshakeTimeoutMillis, long httpIdleTimeoutMillis,
                                      int maxPending) {
    MeterRegistry registry = Metrics.of(vertx).registry();
    return vertx.sharedData().<String, PendingConnections>getLocalMap(MAP).computeIfAbsent(KEY,
      k -> new PendingConnections(registry, handshakeTimeoutMillis, httpIdleTimeoutMillis, maxPending));
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
      return; // not HTTP/1 (both servers serve only HTTP/1: no h2c, no ALPN)
    }
    vertxHandler.pipeline().addBefore(vertxHandler.name(), NAME, new Deadline());
  }

  /**
   * The JDK TLS engine, which Vert.x uses by default, noting when each TLS connection is accepted (its engine is
   * created then) so that the request deadline can count the TLS handshake in. Only public Vert.x SPI and Netty.
   */
  public static SSLEngineOptions tlsEngineOptions() {
    return TLS_ENGINE;
  }

  /** One instance for every server, like the default engine options Vert.x would use. */
  private static final SSLEngineOptions TLS_ENGINE = new JdkSSLEngineOptions() {
    @Override
    public SslContextFactory sslContextFactory() {
      return new AcceptTiming(super.sslContextFactory());
    }
  };

  /** Vert.x's own factory, whose contexts note each new engine's creation time. */
  private static final class AcceptTiming implements SslContextFactory {

    private final SslContextFactory factory;

    AcceptTiming(SslContextFactory factory) {
      this.factory = factory;
    }

    @Override
    public SslContext create() throws SSLException {
      return new DelegatingSslContext(factory.create()) {
        @Override
        protected void initEngine(SSLEngine engine) {
          TLS_ACCEPTED.put(engine, System.nanoTime());
        }
      };
    }

    @Override
    public SslContextFactory useAlpn(boolean useAlpn) {
      factory.useAlpn(useAlpn);
      return this;
    }

    @Override
    public SslContextFactory forServer(ClientAuth clientAuth) {
      factory.forServer(clientAuth);
      return this;
    }

    @Override
    public SslContextFactory forClient(SNIServerName serverName, String endpointIdentificationAlgorithm) {
      factory.forClient(serverName, endpointIdentificationAlgorithm);
      return this;
    }

    @Override
    public SslContextFactory enabledProtocols(Set<String> enabledProtocols) {
      factory.enabledProtocols(enabledProtocols);
      return this;
    }

    @Override
    public SslContextFactory keyMananagerFactory(KeyManagerFactory kmf) {
      factory.keyMananagerFactory(kmf);
      return this;
    }

    @Override
    public SslContextFactory trustManagerFactory(TrustManagerFactory tmf) {
      factory.trustManagerFactory(tmf);
      return this;
    }

    @Override
    public SslContextFactory enabledCipherSuites(Set<String> enabledCipherSuites) {
      factory.enabledCipherSuites(enabledCipherSuites);
      return this;
    }

    @Override
    public SslContextFactory applicationProtocols(List<String> applicationProtocols) {
      factory.applicationProtocols(applicationProtocols);
      return this;
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
    private boolean counted;
    private boolean idle;
    private int unanswered;
    private ScheduledFuture<?> timer;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
      counted = true;
      if (pending.incrementAndGet() > maxPending) {
        rejected.increment();
        release();
        ctx.channel().close();
        return;
      }
      long left = handshakeTimeoutMillis - tlsHandshakeMillis(ctx);
      if (left <= 0) {
        expire();
      } else {
        arm(left);
      }
    }

    /** How long the TLS handshake took from the accept, or 0 without TLS. */
    private static long tlsHandshakeMillis(ChannelHandlerContext ctx) {
      SslHandler tls = ctx.pipeline().get(SslHandler.class);
      Long acceptedAt = tls == null ? null : TLS_ACCEPTED.remove(tls.engine());
      return acceptedAt == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acceptedAt);
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
        ctx.pipeline().remove(this); // a WebSocket now: its own ping and IDLE_TIMEOUT take over
      } else if (responseEnd && counted) {
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
      if (!counted) {
        return;
      }
      (idle ? httpIdleCloses : handshakeTimeouts).increment();
      ctx.channel().close();
    }

    private void release() {
      cancelTimer();
      if (counted) {
        counted = false;
        pending.decrementAndGet();
      }
    }
  }
}
