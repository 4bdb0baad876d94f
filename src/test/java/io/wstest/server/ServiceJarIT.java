package io.wstest.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InstalledJdks;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real fat jar as a process: /health over HTTP and the protocol on both ports. */
@ExtendWith(VertxExtension.class)
class ServiceJarIT {

  private static ServiceProcess service;

  @BeforeAll
  static void start() {
    service = ServiceProcess.builder().podName("jar-it").start();
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void healthAndBothWebSocketPorts(Vertx vertx, VertxTestContext test) {
    WebClient http = WebClient.create(vertx);
    Future<JsonObject> health = http.get(service.httpPort(), "127.0.0.1", "/health").send()
      .map(response -> response.bodyAsJsonObject());
    Future<JsonObject> viaHttp = WsTestClient.connect(vertx, service.httpPort(), "/ws")
      .compose(c -> c.next().compose(welcome -> c.request(new JsonObject().put("type", "ping"))
        .map(pong -> new JsonObject().put("welcome", welcome).put("pong", pong))));
    Future<JsonObject> viaRaw = WsTestClient.connect(vertx, service.wsPort(), "/any/path")
      .compose(c -> c.next().compose(welcome -> c.request(new JsonObject().put("type", "ping"))
        .map(pong -> new JsonObject().put("welcome", welcome).put("pong", pong))));
    Future.all(health, viaHttp, viaRaw).onComplete(test.succeeding(all -> test.verify(() -> {
      JsonObject identity = health.result().getJsonObject("service_identity");
      assertEquals("healthy", health.result().getString("status"));
      assertEquals("jar-it", identity.getString("pod_name"));
      assertEquals("websocket-test-service-jar-it", identity.getString("display_name"));
      for (JsonObject exchange : new JsonObject[] {viaHttp.result(), viaRaw.result()}) {
        JsonObject welcome = exchange.getJsonObject("welcome");
        assertEquals("welcome", welcome.getString("type"));
        assertEquals(identity.getString("instance_id"), welcome.getString("instance_id"));
        assertEquals("pong", exchange.getJsonObject("pong").getString("type"));
        assertEquals(2L, exchange.getJsonObject("pong").getLong("seq"));
      }
      assertEquals("http", viaHttp.result().getJsonObject("welcome").getString("server"));
      assertEquals("raw", viaRaw.result().getJsonObject("welcome").getString("server"));
      assertTrue(service.output().contains("Environment: "), service.output());
      test.completeNow();
    })));
  }

  /**
   * A normal start and ordinary traffic log no WARN line: warnings are for operators, and a start that always
   * warns teaches them to ignore it. Several connections on each port and a broadcast, because Vert.x's metrics
   * used to make Micrometer warn at the second connection or at start-up (ops/LogConfigurator).
   */
  @Test
  void startAndTrafficLogNoWarning(Vertx vertx, VertxTestContext test) {
    List<Future<JsonObject>> exchanges = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      exchanges.add(WsTestClient.connect(vertx, service.httpPort(), "/ws")
        .compose(c -> c.next().compose(welcome -> c.request(new JsonObject().put("type", "broadcast")
          .put("message", "hello")))));
      exchanges.add(WsTestClient.connect(vertx, service.wsPort(), "/")
        .compose(c -> c.next().compose(welcome -> c.request(new JsonObject().put("type", "ping")))));
    }
    Future.all(exchanges).onComplete(test.succeeding(all -> test.verify(() -> {
      assertEquals(6, exchanges.stream().filter(Future::succeeded).count());
      List<String> warnings = service.output().lines().filter(line -> line.contains(" - WARN - ")).toList();
      assertEquals(List.of(), warnings, service.output());
      // without a warm-up the compilers are what makes a fresh replica fast: they keep the process's priority
      Map<Long, Integer> niceByPs = CompilerThreadsTest.niceByPs(service.pid());
      for (long id : CompilerThreadsTest.compilersAlsoListed(service.pid(), niceByPs)) {
        assertEquals(niceByPs.get(service.pid()), niceByPs.get(id), "compiler thread " + id + ": " + niceByPs);
      }
      test.completeNow();
    })));
  }

  /**
   * Netty loads its native epoll transport with {@code System.loadLibrary}, and from JDK 24 on the JVM prints four
   * WARNING lines about that at every start unless the executable jar enables native access: the manifest does
   * ({@code Enable-Native-Access: ALL-UNNAMED}). Started by a JDK 24 or later installed beside the one the tests
   * run on, the service loads the epoll library (its mapping is the proof) and prints no warning, also once a
   * WebSocket on each port has had its welcome.
   */
  @Test
  void onJdk24AndLaterTheNativeTransportLoadsWithoutWarning(Vertx vertx, VertxTestContext test) throws IOException {
    try (JarFile jar = new JarFile(ServiceProcess.jar().toFile())) {
      assertEquals("ALL-UNNAMED", jar.getManifest().getMainAttributes().getValue("Enable-Native-Access"));
    }
    Optional<Path> java = InstalledJdks.javaOfAtLeast(24);
    assumeTrue(java.isPresent(), "no JDK 24 or later under /usr/lib/jvm to start the jar with");
    ServiceProcess newer = ServiceProcess.builder().podName("newer-jdk").java(java.get()).start();
    Future.all(WsTestClient.connect(vertx, newer.httpPort(), "/ws").compose(WsTestClient::next),
        WsTestClient.connect(vertx, newer.wsPort(), "/").compose(WsTestClient::next))
      .onComplete(welcomes -> test.verify(() -> {
        String maps;
        try {
          maps = Files.readString(Path.of("/proc", String.valueOf(newer.pid()), "maps"));
        } finally {
          newer.close();
        }
        assertTrue(welcomes.succeeded(), welcomes.cause() + "\n" + newer.output());
        assertTrue(maps.contains("netty_transport_native_epoll"), "no epoll library loaded:\n" + newer.output());
        List<String> warnings = newer.output().lines()
          .filter(line -> line.startsWith("WARNING") || line.contains(" - WARN - ")).toList();
        assertEquals(List.of(), warnings, newer.output());
        test.completeNow();
      }));
  }

  /**
   * Started without arguments, as the image starts it, the service takes every setting from the environment and
   * never builds the command line (ServeCommand#serveWithoutFlags: picocli's classes are what made the start
   * slow): no class of picocli is loaded at all, not even by the java launcher, which resolves the types of the
   * main class's public methods before it calls {@code main} (io.wstest.Main's javadoc). Started with a flag, the
   * same jar builds its command line, which shows the class log would tell.
   */
  @Test
  void withoutArgumentsTheCommandLineIsNotBuilt(@TempDir Path dir) throws IOException {
    Path withoutArguments = dir.resolve("without-arguments.log");
    Path withAFlag = dir.resolve("with-a-flag.log");
    try (ServiceProcess started = ServiceProcess.builder().podName("no-arguments")
      .env("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + withoutArguments).start()) {
      assertTrue(started.output().contains(ServiceProcess.STARTED_LINE), started.output());
    }
    try (ServiceProcess started = ServiceProcess.builder().podName("a-flag").arg("--max-connections", "100")
      .env("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + withAFlag).start()) {
      assertTrue(started.output().contains(ServiceProcess.STARTED_LINE), started.output());
    }
    String picocli = " picocli.";
    String optionModel = "picocli.CommandLine$Model$OptionSpec ";
    String loadedWithoutArguments = Files.readString(withoutArguments);
    assertTrue(loadedWithoutArguments.contains(" io.wstest.server.ServeCommand "), "no class log was written");
    assertFalse(loadedWithoutArguments.contains(picocli), "picocli loaded without arguments");
    assertTrue(Files.readString(withAFlag).contains(optionModel));
  }
}
