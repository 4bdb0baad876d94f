package io.wstest.protocol;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import io.wstest.runtime.Metrics;

import java.util.concurrent.TimeUnit;

/**
 * PROXY protocol v1 and v2 (HAProxy's, also sent by AWS NLB, GCP and Azure load balancers) on the listeners that
 * require it (PROXY_HTTP_PORT, PROXY_WS_PORT): every connection must start with a PROXY header within
 * PROXY_PROTOCOL_TIMEOUT, else it is closed and counted; the header's version, addresses and ports are kept on the
 * connection for the welcome and {@code /request}.
 *
 * <p>Why not Vert.x's own {@code setUseProxyProtocol}: it takes the addresses but drops the header's version, which
 * is the first thing to check when a balancer is set up ("send-proxy" vs "send-proxy-v2"). Netty's public decoder is
 * put in front of Vert.x's HTTP decoder from the server's connection handler, which runs before the first byte is
 * read; so these listeners are plain TCP (a PROXY header comes before a TLS handshake, which is over by then).
 */
public final class ProxyProtocol implements Shareable {

  private static final String MAP = "wstest.process";
  private static final String KEY = "proxy-protocol";
  private static final AttributeKey<Header> HEADER = AttributeKey.valueOf("wstest.proxy-protocol-header");

  /** What a connection's PROXY header said. Addresses are null for a LOCAL command (a balancer's health check). */
  public record Header(int version, String command, String transport, String sourceIp, int sourcePort,
                       String destinationIp, int destinationPort) {

    public JsonObject toJson() {
      return new JsonObject()
        .put("version", version)
        .put("command", command)
        .put("transport", transport)
        .put("source", hostPort(sourceIp, sourcePort))
        .put("destination", hostPort(destinationIp, destinationPort));
    }

    private static String hostPort(String ip, int port) {
      if (ip == null) {
        return null;
      }
      return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }
  }

  private final long timeoutMillis;
  private final Counter v1;
  private final Counter v2;
  private final Counter timeouts;
  private final Counter invalid;

  private ProxyProtocol(MeterRegistry registry, long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
    v1 = outcome(registry, "v1");
    v2 = outcome(registry, "v2");
    timeouts = outcome(registry, "timeout");
    invalid = outcome(registry, "invalid");
  }

  /** The process's one instance; the settings of the first caller win (both servers pass the same). */
  public static ProxyProtocol of(Vertx vertx, long timeoutMillis) {
    MeterRegistry registry = Metrics.of(vertx).registry();
    return vertx.sharedData().<String, ProxyProtocol>getLocalMap(MAP).computeIfAbsent(KEY,
      k -> new ProxyProtocol(registry, timeoutMillis));
  }

  /** The PROXY header a connection started with, or null when it came to a listener without PROXY protocol. */
  public static Header header(Channel channel) {
    return channel.hasAttr(HEADER) ? channel.attr(HEADER).get() : null;
  }

  /**
   * Requires a PROXY header in front of the connection's first request; call from the HTTP server's connection
   * handler, on the connection's event loop, before any byte is read.
   */
  public void require(HttpConnection connection) {
    ChannelHandlerContext vertxHandler = VertxInternals.handlerContext(connection);
    if (vertxHandler == null || vertxHandler.pipeline().get("httpDecoder") == null) {
      connection.close();
      return;
    }
    vertxHandler.pipeline().addBefore("httpDecoder", "wstest-proxy-decoder", new HAProxyMessageDecoder());
    vertxHandler.pipeline().addBefore("httpDecoder", "wstest-proxy-header", new Receiver());
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder("websocket.proxy.protocol.connections")
      .description("Connections to the PROXY protocol listeners: with a v1 or v2 header, closed because no header "
        + "arrived within PROXY_PROTOCOL_TIMEOUT (timeout), or because the first bytes were not a PROXY header "
        + "(invalid)")
      .tag("outcome", outcome).register(registry);
  }

  /** Sits right after Netty's decoder: takes the one header it produces, then leaves the pipeline. */
  private final class Receiver extends ChannelInboundHandlerAdapter {

    private ScheduledFuture<?> timer;
    private boolean done;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      // absolute: a peer dribbling a header byte by byte does not push it back
      timer = ctx.executor().schedule(() -> {
        if (!done) {
          done = true;
          timeouts.increment();
          ctx.channel().close();
        }
      }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      timer.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof HAProxyMessage message)) {
        ctx.fireChannelRead(msg);
        return;
      }
      try {
        boolean two = message.protocolVersion() == HAProxyProtocolVersion.V2;
        (two ? v2 : v1).increment();
        done = true;
        ctx.channel().attr(HEADER).set(new Header(two ? 2 : 1, message.command().name(),
          message.proxiedProtocol().name(), message.sourceAddress(), message.sourcePort(),
          message.destinationAddress(), message.destinationPort()));
      } finally {
        ReferenceCountUtil.release(message);
      }
      ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!done) { // Netty's decoder has closed the connection: not a PROXY header, or a broken one
        done = true;
        invalid.increment();
        ctx.channel().close();
        return;
      }
      ctx.fireExceptionCaught(cause);
    }
  }
}
