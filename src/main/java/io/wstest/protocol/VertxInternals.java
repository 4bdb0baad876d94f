package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.http.impl.websocket.ServerWebSocketImpl;
import io.vertx.core.http.impl.websocket.WebSocketFrameImpl;
import io.vertx.core.http.impl.websocket.WebSocketImplBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one door to Vert.x and Netty internals ({@code impl} and {@code internal} packages, reflection): checked
 * against Vert.x 5.1.6. Nothing else in the code base may use them (ArchitectureTest), so a Vert.x upgrade
 * needs a look at this file only; {@code SocketFootprintTest} is its canary (and, for the listening channel,
 * {@code PendingConnectionsTest}'s stalled TLS handshakes).
 *
 * <p>What it offers the protocol engine: the Netty channel under a server WebSocket (to write bytes and to put
 * {@link Rfc6455Guard} in front of Vert.x's handler) and under an HTTP connection (for {@link PendingConnections}),
 * the byte buffer inside a {@link Buffer} (so echo replies are spliced as bytes), finished frames written below
 * Vert.x's frame path ({@link #writeEncodedFrame}), text frames from bytes (Vert.x has no public factory
 * for them), and the per-socket footprint trimming below. For the server's watchdog: the Netty event loop groups
 * of a Vert.x instance (no public API tells when an event loop thread ends). For {@link PendingConnections}: the
 * listening channel of an HTTP server, to see connections as they are accepted, before any TLS handshake.
 *
 * <p>Drops what Vert.x 5.1.6 keeps for every upgraded server WebSocket although this service never uses it again:
 * about 8 of the 13 KB of heap an idle connection took (docs/performance.md, "RSS per idle connection"). Found
 * with heap histograms and a reference walk from the channel of a held socket:
 * <ul>
 *   <li>{@code VertxHandler.connectionFactory}: the upgrade installs the WebSocket's handler with a lambda that
 *   captures the HTTP/1 connection, the upgrade request and response with both header maps, the handshaker and
 *   the HTTP connection's pipeline context. Vert.x calls it once, when the handler is added, and keeps it for the
 *   channel's life. Nulled here: about 2 KB per socket.</li>
 *   <li>{@code VertxConnection.outboundMessageQueue}: the WebSocket connection is always built with a
 *   multi-producer queue ({@code MpscUnboundedArrayQueue}, a fixed 1024-slot chunk, about 4.7 KB) so that any
 *   thread may write. HTTP connections skip it under {@code HttpServerOptions.setStrictThreadMode(true)}, which
 *   both servers set, but WebSocket connections ignore that option. Replaced here by Vert.x's own direct queue,
 *   the one strict thread mode uses: writes go straight to the channel, and {@code writeQueueFull()} means "the
 *   channel is above its write-buffer high-water mark" ({@code ConnectionOptions.WRITE_QUEUE_MAX_BYTES}) instead of
 *   "16 writes are queued behind an unwritable channel". It also saves the queue's offer/poll on every write.
 *   Safe only because this service writes to a socket on the socket's own event loop and nowhere else (see
 *   {@link ConnectionHandler}); the swap happens before anything is written.</li>
 *   <li>The request headers the socket keeps for {@code headers()}: read once for the welcome message and then
 *   replaced by an empty read-only map, through the public setter of Vert.x's socket class.</li>
 *   <li>The parsed Host header {@code ServerWebSocketImpl} keeps for {@code authority()} (about 80 bytes): the
 *   welcome and {@code info} report the request from {@link Handshake}'s copy.</li>
 *   <li>The local address Netty's channel keeps ({@code AbstractEpollChannel.local}, and
 *   {@code AbstractChannel.localAddress} once asked): every socket accepted on one address of one port has an
 *   equal one, each its own {@code InetSocketAddress} with its {@code InetAddress} (96 bytes). Replaced by one
 *   shared, equal, immutable instance per address (at most {@value #MAX_SHARED_LOCAL_ADDRESSES} of them).</li>
 * </ul>
 * All but the headers are private fields of Vert.x, set by reflection because no option reaches them. When a Vert.x
 * upgrade renames them, the lookup fails once, a warning says so, and sockets keep Vert.x's defaults (correct,
 * only bigger); {@code SocketFootprintTest} fails on such an upgrade so it does not go unnoticed.
 */
public final class VertxInternals {

  private static final Logger LOG = LoggerFactory.getLogger(VertxInternals.class);
  private static final MultiMap NO_HEADERS = HttpHeaders.headers().copy(false);
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final AtomicBoolean LISTENER_WARNED = new AtomicBoolean();

  private static final Field CONNECTION_FACTORY;
  private static final Field OUTBOUND_QUEUE;
  private static final Constructor<?> DIRECT_QUEUE;
  private static final Field AUTHORITY;
  private static final Field EPOLL_LOCAL_ADDRESS;
  private static final Field CHANNEL_LOCAL_ADDRESS;
  /** A server has one address per interface and port it listens on: far fewer than this. */
  private static final int MAX_SHARED_LOCAL_ADDRESSES = 64;
  private static final ConcurrentMap<SocketAddress, SocketAddress> SHARED_LOCAL_ADDRESSES = new ConcurrentHashMap<>();

  static {
    Field factory = null;
    Field queue = null;
    Constructor<?> direct = null;
    Field authority = null;
    try {
      factory = VertxHandler.class.getDeclaredField("connectionFactory");
      factory.setAccessible(true);
      queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
      queue.setAccessible(true);
      direct = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue")
        .getDeclaredConstructor(VertxConnection.class);
      direct.setAccessible(true);
      // a final field, but of an ordinary class: settable through reflection, not trusted as a constant by the JIT
      authority = ServerWebSocketImpl.class.getDeclaredField("authority");
      authority.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      warnOnce("Vert.x internals changed (" + e + ")");
      factory = null;
      queue = null;
      direct = null;
      authority = null;
    }
    CONNECTION_FACTORY = factory;
    OUTBOUND_QUEUE = queue;
    DIRECT_QUEUE = direct;
    AUTHORITY = authority;
    Field epollLocal = null;
    Field channelLocal = null;
    try {
      channelLocal = AbstractChannel.class.getDeclaredField("localAddress");
      channelLocal.setAccessible(true);
      epollLocal = Class.forName("io.netty.channel.epoll.AbstractEpollChannel").getDeclaredField("local");
      epollLocal.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // no epoll classes (another transport) or Netty changed: the other trimming still applies
      LOG.debug("sockets keep their own local address: {}", e.toString());
      channelLocal = null;
      epollLocal = null;
    }
    EPOLL_LOCAL_ADDRESS = epollLocal;
    CHANNEL_LOCAL_ADDRESS = channelLocal;
  }

  private VertxInternals() {
  }

  /**
   * The Netty pipeline context of Vert.x's handler of a server WebSocket: its channel, and the place to add
   * handlers in front of Vert.x's. Vert.x's own socket (not vertx-web's wrapper): the servers upgrade outside the
   * router.
   */
  /** The event loops and the acceptor loops of {@code vertx}. */
  public static List<EventLoopGroup> eventLoopGroups(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    return List.of(internal.nettyEventLoopGroup(), internal.acceptorEventLoopGroup());
  }

  /**
   * The Netty channel an HTTP server listens on (one for every verticle instance listening on the port), or
   * {@code null} with a warning, once, when Vert.x's internals are not as in 5.1.6. Call once the server listens.
   * Vert.x keeps it four private fields deep: the server the verticle got wraps the TCP HTTP server
   * ({@code server}), which owns a TCP server ({@code tcpServer}), which shares the first one bound to the port
   * ({@code actualServer}), which holds the bind's result ({@code bindFuture}).
   */
  static Channel listeningChannel(HttpServer server) {
    try {
      Object http = fieldOrSelf(server, "server");
      Object tcp = field(http, "tcpServer");
      Object actual = fieldOrSelf(tcp, "actualServer");
      if (field(actual, "bindFuture") instanceof Future<?> bound && bound.result() instanceof Channel channel) {
        return channel;
      }
      throw new NoSuchFieldException("bindFuture of " + actual.getClass().getName() + " holds no channel");
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (LISTENER_WARNED.compareAndSet(false, true)) {
        LOG.warn("Connections are counted in MAX_PENDING_CONNECTIONS only once their TLS handshake is done: Vert.x "
          + "internals changed ({})", e.toString());
      }
      return null;
    }
  }

  /** The value of {@code target}'s field {@code name}, declared in its class or a superclass. */
  private static Object field(Object target, String name) throws ReflectiveOperationException {
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException notHere) {
        // look in the superclass
      }
    }
    throw new NoSuchFieldException(name + " in " + target.getClass().getName());
  }

  /** {@link #field}, or {@code target} itself when it has no such field or the field is null (not a wrapper). */
  private static Object fieldOrSelf(Object target, String name) throws ReflectiveOperationException {
    try {
      Object value = field(target, name);
      return value == null ? target : value;
    } catch (NoSuchFieldException notAWrapper) {
      return target;
    }
  }

  /** Vert.x's handler in the pipeline of an HTTP server connection; {@code null} for other connections. */
  static ChannelHandlerContext handlerContext(HttpConnection connection) {
    return connection instanceof HttpServerConnection internal ? internal.channelHandlerContext() : null;
  }

  static ChannelHandlerContext handlerContext(ServerWebSocket ws) {
    return ((WebSocketInternal) ws).channelHandlerContext();
  }

  /** The bytes of a buffer without a copy (Vert.x 5 keeps {@code getByteBuf()} internal). */
  static ByteBuf byteBuf(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf();
  }

  /** A final text frame that takes over {@code utf8}; Vert.x 5 has no public factory for a text frame from bytes. */
  static WebSocketFrame textFrame(ByteBuf utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
  }

  /**
   * Writes a finished WebSocket frame (header and payload, bytes the frame encoder would have written) to a server
   * WebSocket and flushes it, through Vert.x's connection below its frame path: no frame object, no future and no
   * copy into the encoder's buffer, and Vert.x still counts the bytes for its metrics. Netty's encoders pass bytes
   * through untouched. Call on the socket's event loop, only for a socket without a negotiated extension (its
   * encoder would not see the frame); false if Vert.x's connection is not where this expects it (write a frame).
   */
  static boolean writeEncodedFrame(ServerWebSocket ws, ByteBuf frame) {
    if (!(ws instanceof WebSocketInternal internal)
      || !(internal.channelHandlerContext().handler() instanceof VertxHandler<?> handler)
      || handler.getConnection() == null) {
      return false;
    }
    handler.getConnection().unsafeWrite(frame, true);
    return true;
  }

  /**
   * Releases the upgrade's leftovers and the multi-producer write queue of a freshly upgraded socket, and points
   * its local address at the shared one. Call on the socket's event loop before anything is written to it. Returns
   * whether the leftovers and the queue were released.
   */
  static boolean trimConnection(ServerWebSocket ws) {
    if (CONNECTION_FACTORY == null || !(ws instanceof WebSocketInternal internal)) {
      return false;
    }
    ChannelHandlerContext ctx = internal.channelHandlerContext();
    if (!(ctx.handler() instanceof VertxHandler<?> handler) || handler.getConnection() == null
      || !ctx.executor().inEventLoop() || !Context.isOnEventLoopThread()) {
      return false;
    }
    VertxConnection connection = handler.getConnection();
    try {
      // only read when the handler is added, which has happened: the connection exists
      CONNECTION_FACTORY.set(handler, null);
      OUTBOUND_QUEUE.set(connection, DIRECT_QUEUE.newInstance(connection));
      shareLocalAddress(ctx.channel());
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      warnOnce("could not release a socket's upgrade state (" + e + ")");
      return false;
    }
  }

  /** Points the channel's cached local address at the shared instance equal to it (see the class comment). */
  private static void shareLocalAddress(Channel channel) throws IllegalAccessException {
    if (EPOLL_LOCAL_ADDRESS == null || !EPOLL_LOCAL_ADDRESS.getDeclaringClass().isInstance(channel)
      || !(EPOLL_LOCAL_ADDRESS.get(channel) instanceof InetSocketAddress own)) {
      return;
    }
    SocketAddress shared = SHARED_LOCAL_ADDRESSES.get(own);
    if (shared == null) {
      // the first socket on an address keeps its own, which becomes the shared one
      if (SHARED_LOCAL_ADDRESSES.size() < MAX_SHARED_LOCAL_ADDRESSES) {
        SHARED_LOCAL_ADDRESSES.putIfAbsent(own, own);
      }
      return;
    }
    if (shared != own) {
      EPOLL_LOCAL_ADDRESS.set(channel, shared);
      if (CHANNEL_LOCAL_ADDRESS.get(channel) == own) {
        CHANNEL_LOCAL_ADDRESS.set(channel, shared);
      }
    }
  }

  /**
   * Forgets what the socket keeps of its upgrade request: the headers ({@code headers()} is empty afterwards) and
   * the parsed Host ({@code authority()} is null afterwards, as for a request without one). Call once nothing
   * reads them any more: the welcome was the last reader.
   */
  static void releaseUpgradeRequest(ServerWebSocket ws) {
    if (ws instanceof WebSocketImplBase<?> socket) {
      socket.headers(NO_HEADERS);
    }
    if (AUTHORITY == null || !(ws instanceof ServerWebSocketImpl)) {
      return;
    }
    try {
      AUTHORITY.set(ws, null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      warnOnce("could not release a socket's Host (" + e + ")");
    }
  }

  private static void warnOnce(String problem) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn("WebSockets keep Vert.x's default per-connection state (about 7 KB more heap each): {}", problem);
    }
  }
}
