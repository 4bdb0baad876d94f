package io.wstest.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The AppCDS archive {@code bench --server-cds} starts spawned servers from: the same recipe as the Dockerfile's
 * (start the server with {@code -XX:ArchiveClassesAtExit}, let a few WebSockets through, SIGTERM; the JVM writes the
 * archive as it exits), so start-to-ready is measured as the image starts. An archive only fits the JVM, jar and
 * flags it was made with, so each combination gets its own file in {@code <tmpdir>/websocket-test-service-cds/};
 * made once, reused by later runs. With {@code --tls} the training speaks wss, trusting only the run's certificate,
 * and the archive is kept apart from the plain one.
 */
final class CdsArchive {

  static final String DIRECTORY = "websocket-test-service-cds";
  private static final int TRAINING_SOCKETS = 4;

  private CdsArchive() {
  }

  /**
   * The archive for this server kind ({@code name}), jar, JVM and flags; when there is none yet, trains it first
   * on a server from {@code launches} (its own free ports).
   */
  static synchronized Path of(SpawnSettings spawn, String name, Supplier<ServerUnderTest.Launch> launches) {
    Path archive = Path.of(System.getProperty("java.io.tmpdir"), DIRECTORY, name + "-" + key(spawn) + ".jsa");
    if (Files.isRegularFile(archive)) {
      return archive;
    }
    ServerUnderTest.Launch training = launches.get();
    try {
      Files.createDirectories(archive.getParent());
      Path partial = Files.createTempFile(archive.getParent(), training.name(), ".jsa.partial");
      Files.delete(partial);  // the JVM creates it at exit
      try {
        train(spawn, training, partial);
      } catch (RuntimeException e) {
        Files.deleteIfExists(partial);
        throw e;
      }
      if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
        throw new IllegalStateException("--server-cds: the " + training.name() + " JVM wrote no AppCDS archive ("
          + Path.of(System.getProperty("java.home")) + " may lack a base CDS archive, lib/server/classes.jsa)");
      }
      Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return archive;
    } catch (IOException e) {
      throw new IllegalStateException("--server-cds: cannot write " + archive + ": " + e.getMessage(), e);
    }
  }

  private static void train(SpawnSettings spawn, ServerUnderTest.Launch launch, Path archive) {
    List<String> jvm = new ArrayList<>(spawn.jvmOptions());
    jvm.add("-XX:ArchiveClassesAtExit=" + archive);
    jvm.add("-Xlog:cds*=error");  // classes CDS skips (picocli's Java 5 classes, JFR events) are not news
    // DRAIN_DELAY=0: the service exits at once on SIGTERM, with the shutdown path's classes in the archive too
    ServerUnderTest server = ServerUnderTest.start(spawn, jvm, launch, Map.of("DRAIN_DELAY", "0"));
    try {
      // over TLS with --tls: the archive then holds the TLS classes the measured runs load
      HttpClient http = spawn.tls() == null ? HttpClient.newHttpClient()
        : HttpClient.newBuilder().sslContext(trusting(spawn.tls().certPem())).build();
      for (int i = 0; i < TRAINING_SOCKETS; i++) {
        echoOnce(http, launch);
      }
    } finally {
      int exit = server.stop();
      // 143: a JVM without a SIGTERM handler of its own (the baseline) ends like that, and still writes the archive
      if (exit != 0 && exit != 143) {
        throw new IllegalStateException("--server-cds: the " + launch.name() + " training run exited with " + exit
          + ":\n" + server.recentOutput());
      }
    }
  }

  /** One WebSocket: wait for the server's first message, send an echo request, wait for the answer, close. */
  private static void echoOnce(HttpClient http, ServerUnderTest.Launch launch) {
    CompletableFuture<Void> answered = new CompletableFuture<>();
    WebSocket.Listener listener = new WebSocket.Listener() {
      private int messages;

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        if (last && ++messages == 1) {
          ws.sendText("{\"type\":\"echo\",\"data\":\"cds training\"}", true);
        } else if (last) {
          answered.complete(null);
        }
        ws.request(1);
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        answered.completeExceptionally(error);
      }
    };
    try {
      WebSocket ws = http.newWebSocketBuilder().buildAsync(launch.url(), listener).get(10, TimeUnit.SECONDS);
      answered.get(10, TimeUnit.SECONDS);
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("--server-cds: training WebSocket to " + launch.url() + " failed: " + e, e);
    }
  }

  /** A TLS context that trusts the run's own certificate (made for 127.0.0.1), and nothing else. */
  private static SSLContext trusting(Path certPem) {
    try (InputStream in = Files.newInputStream(certPem)) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("bench", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("--server-cds: cannot trust the --tls certificate " + certPem + ": " + e, e);
    }
  }

  /**
   * What an archive depends on: the JVM, the jar (path, size, time), the flags, whether it was trained on TLS and
   * with which engine ({@code --tls-engine}; the two load different classes).
   */
  static String key(SpawnSettings spawn) {
    try {
      String identity = String.join("\n", System.getProperty("java.home"), System.getProperty("java.vm.version"),
        spawn.jar().toAbsolutePath().toString(), Long.toString(Files.size(spawn.jar())),
        Files.getLastModifiedTime(spawn.jar()).toString(), String.join(" ", spawn.jvmOptions()), spawn.scheme(),
        String.valueOf(spawn.tlsEngine()));
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (IOException e) {
      throw new IllegalStateException("--server-cds: cannot read " + spawn.jar() + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
