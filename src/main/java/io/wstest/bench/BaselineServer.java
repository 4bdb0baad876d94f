package io.wstest.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.wstest.options.TlsEngine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The yardstick for {@code --baseline}: a bare Vert.x WebSocket server with no features. It sends a fixed
 * welcome on open, echoes text and binary messages unchanged, and relays a text message starting with
 * {@code {"type":"broadcast"} to every socket, so the four scenarios run against it unchanged. Same transport,
 * event loop and instance count and compression setting as the service.
 */
@Command(name = "baseline-server", hidden = true,
  description = "Bare Vert.x echo server used as the benchmark baseline (started by `bench --baseline`).")
public final class BaselineServer implements Callable<Integer> {

  static final String READY_LINE = "baseline server ready";
  static final String WELCOME = "{\"type\":\"welcome\"}";
  private static final String BROADCAST_PREFIX = "{\"type\":\"broadcast\"";
  private static final String ADDRESS = "bench.baseline.broadcast";

  @Option(names = "--port", required = true, description = "port to listen on")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  /** Both or neither: picocli refuses one without the other (exit 2, naming the missing one). */
  @ArgGroup(exclusive = false)
  TlsFiles tlsFiles;

  static final class TlsFiles {
    @Option(names = "--tls-cert", paramLabel = "PEM", required = true,
      description = "serve wss with this certificate (needs --tls-key)")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "PEM", required = true, description = "the private key of --tls-cert")
    Path key;
  }

  @Option(names = "--tls-engine", paramLabel = "ENGINE", converter = SpawnSettings.TlsEngineName.class,
    description = "with --tls-cert: jdk (the JVM's, default) or openssl (Netty's OpenSSL engine over the bundled "
      + "BoringSSL), as the service's TLS_ENGINE")
  String tlsEngine = "jdk";

  @Option(names = "--event-loops", description = "event loops and verticle instances (default: one per CPU, as the "
    + "service, so the ratio compares features and not threading)")
  Integer eventLoops;

  @Override
  public Integer call() throws Exception {
    int count = eventLoops != null ? eventLoops : Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(BenchVertx.options().setEventLoopPoolSize(count));
    SelfSignedCertificate tls = tlsFiles == null ? null : new SelfSignedCertificate(tlsFiles.cert, tlsFiles.key);
    boolean openSsl = TlsEngine.OPENSSL.value().equals(tlsEngine);
    vertx.deployVerticle(() -> new EchoVerticle(port, bind, tls, openSsl), new DeploymentOptions().setInstances(count))
      .toCompletionStage().toCompletableFuture().get();
    System.out.println(READY_LINE + " on " + bind + ":" + port + " (" + count + " instances, native transport "
      + vertx.isNativeTransportEnabled() + (tls != null ? ", TLS (" + tlsEngine + ")" : "") + ")");
    System.out.flush();
    new CountDownLatch(1).await();
    return 0;
  }

  /**
   * The same server inside this process on one event loop and a free loopback port: what the load generator warms
   * its own JIT against before it measures anything (--client-warmup).
   */
  static final class InProcess implements AutoCloseable {
    private final Vertx vertx;
    private final URI url;

    private InProcess(Vertx vertx, URI url) {
      this.vertx = vertx;
      this.url = url;
    }

    /** @param tls the certificate to serve wss with, so that a --tls run warms the TLS path; null for ws */
    static InProcess start(SelfSignedCertificate tls) {
      Vertx vertx = Vertx.vertx(BenchVertx.options().setEventLoopPoolSize(1));
      try {
        EchoVerticle verticle = new EchoVerticle(0, "127.0.0.1", tls, false);
        vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new InProcess(vertx, URI.create((tls == null ? "ws" : "wss") + "://127.0.0.1:"
          + verticle.server.actualPort() + "/"));
      } catch (Exception e) {
        vertx.close();
        throw new IllegalStateException("cannot start the load generator's warm-up server: " + e.getMessage(), e);
      }
    }

    URI url() {
      return url;
    }

    @Override
    public void close() {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the warm-up is over; its threads end with the JVM at the latest
      }
    }
  }

  static final class EchoVerticle extends VerticleBase {
    private final int port;
    private final String bind;
    private final Set<ServerWebSocket> sockets = new HashSet<>();
    private MessageConsumer<String> broadcasts;
    /** Set once listening; its actual port when started on port 0. */
    HttpServer server;

    private final SelfSignedCertificate tls;
    /** With {@link #tls}: Netty's OpenSSL engine instead of the JVM's. */
    private final boolean openSsl;

    EchoVerticle(int port, String bind, SelfSignedCertificate tls, boolean openSsl) {
      this.port = port;
      this.bind = bind;
      this.tls = tls;
      this.openSsl = openSsl;
    }

    @Override
    public Future<?> start() {
      broadcasts = vertx.eventBus().localConsumer(ADDRESS, m -> {
        for (ServerWebSocket ws : sockets) {
          if (!ws.writeQueueFull()) {
            ws.writeTextMessage(m.body());
          }
        }
      });
      HttpServerOptions options = new HttpServerOptions().setPort(port).setHost(bind).setTcpNoDelay(true)
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false);
      if (tls != null) {
        options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPem().toString())
          .setKeyPath(tls.keyPem().toString()));
        if (openSsl) {
          options.setSslEngineOptions(new OpenSSLEngineOptions());
        }
      }
      return broadcasts.completion().compose(v -> vertx.createHttpServer(options)
        .webSocketHandler(this::accept)
        .listen())
        .onSuccess(listening -> server = listening);
    }

    private void accept(ServerWebSocket ws) {
      sockets.add(ws);
      ws.exceptionHandler(e -> ws.close());
      ws.closeHandler(v -> sockets.remove(ws));
      ws.textMessageHandler(text -> {
        if (text.startsWith(BROADCAST_PREFIX)) {
          vertx.eventBus().publish(ADDRESS, text);
        } else {
          ws.writeTextMessage(text);
        }
      });
      ws.binaryMessageHandler((Buffer data) -> ws.writeBinaryMessage(data));
      ws.writeTextMessage(WELCOME);
    }
  }
}
