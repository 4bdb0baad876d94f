package io.wstest.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.time.Duration;

/**
 * A TCP proxy on a loopback port that treats idle connections the ways real middleboxes do, for the cases nginx and
 * HAProxy do not show: a TCP reset (SO_LINGER 0) after the idle time, a connection forgotten after the idle time
 * and reset on the next packet (cloud NAT and network load balancers), or one that goes silent for good. Any byte
 * in either direction counts as activity. Traffic here is a handful of small frames, so it is written through
 * without flow control.
 */
public final class IdleCuttingProxy {

  public enum Behaviour {
    /** Resets the client connection once it has been idle for the idle time. */
    RESET,
    /** After the idle time, resets the client connection when the client next sends something. */
    FORGET_THEN_RESET,
    /** After the idle time, forwards nothing any more and closes nothing. */
    BLACKHOLE
  }

  private final NetServer server;
  private final NetClient backends;

  private IdleCuttingProxy(NetServer server, NetClient backends) {
    this.server = server;
    this.backends = backends;
  }

  public static Future<IdleCuttingProxy> start(Vertx vertx, int targetPort, Duration idle, Behaviour behaviour) {
    NetClient backends = vertx.createNetClient();
    // SO_LINGER 0: closing the client side sends a TCP reset instead of a FIN
    NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setSoLinger(0));
    server.connectHandler(client -> {
      client.pause();
      backends.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          client.close();
          return;
        }
        new Link(vertx, client, ar.result(), idle.toMillis(), behaviour).start();
        client.resume();
      });
    });
    return server.listen().map(s -> new IdleCuttingProxy(server, backends));
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return Future.join(server.close(), backends.close()).mapEmpty();
  }

  /** One proxied connection; all its callbacks run on the server connection's event loop. */
  private static final class Link {
    private final Vertx vertx;
    private final NetSocket client;
    private final NetSocket backend;
    private final long idleMillis;
    private final Behaviour behaviour;
    private long lastActivity = System.currentTimeMillis();
    private boolean idleExpired;
    private long timer;

    Link(Vertx vertx, NetSocket client, NetSocket backend, long idleMillis, Behaviour behaviour) {
      this.vertx = vertx;
      this.client = client;
      this.backend = backend;
      this.idleMillis = idleMillis;
      this.behaviour = behaviour;
    }

    void start() {
      client.handler(this::fromClient);
      backend.handler(this::fromBackend);
      client.closeHandler(v -> end());
      backend.closeHandler(v -> end());
      client.exceptionHandler(e -> end());
      backend.exceptionHandler(e -> end());
      // an external peer's silence has no event: check it a few times per idle period
      timer = vertx.setPeriodic(Math.max(10, idleMillis / 20), id -> checkIdle());
    }

    private void fromClient(Buffer data) {
      if (!idleExpired) {
        lastActivity = System.currentTimeMillis();
        backend.write(data);
      } else if (behaviour == Behaviour.FORGET_THEN_RESET) {
        end();
      }
    }

    private void fromBackend(Buffer data) {
      if (!idleExpired) {
        lastActivity = System.currentTimeMillis();
        client.write(data);
      }
    }

    private void checkIdle() {
      if (!idleExpired && System.currentTimeMillis() - lastActivity >= idleMillis) {
        idleExpired = true;
        if (behaviour == Behaviour.RESET) {
          end();
        }
      }
    }

    private void end() {
      vertx.cancelTimer(timer);
      client.close();
      backend.close();
    }
  }
}
