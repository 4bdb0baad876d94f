package io.wstest.deploy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Container smoke test with podman: the repository's Dockerfile builds an image (runtime stage, jar from the build
 * context via {@code JAR_FROM=prebuilt}, base image a local jlink'd JRE because no registry is reachable), the
 * container runs on the host network bound to 127.0.0.1 on free ports, /health says environment "docker", the JVM
 * runs with docker/jvm.options, the image's own HEALTHCHECK passes ({@code podman healthcheck run}) and a stop
 * drains and exits 0.
 *
 * <p>Everything lives in a podman storage of its own (a temp {@code --root}/{@code --runroot}), so the test can
 * neither see nor remove anybody else's images, and removing that storage cleans up every layer it made. Every
 * podman command has a time limit. Skipped, with the reason, when podman is missing or cannot run containers.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageIT {

  private static final String RUN_ID = UUID.randomUUID().toString().substring(0, 8);
  private static final String BASE_IMAGE = "localhost/wstest-it-jre:" + RUN_ID;
  private static final String IMAGE = "localhost/wstest-it:" + RUN_ID;
  private static final String CONTAINER = "wstest-it-" + RUN_ID;

  private static Path work;
  private static List<String> podman;
  private static Process container;
  private static final List<String> containerOutput = Collections.synchronizedList(new ArrayList<>());
  private static int httpPort;

  @BeforeAll
  static void buildAndRun() throws Exception {
    Path binary = Path.of("/usr/bin/podman");
    assumeTrue(Files.isExecutable(binary), "podman is not installed: apt-get install -y podman runc (CI's .ci/run does)");
    Path jdk = Path.of(System.getProperty("java.home"));
    assumeTrue(Files.isExecutable(jdk.resolve("bin/jlink")), "no jlink in " + jdk + ": the local base image needs a JDK");
    work = Files.createTempDirectory("wstest-podman-");
    Path conf = work.resolve("containers.conf");
    // Without explicit ulimits podman's setrlimit fails on this kind of machine; crun is not installed, runc is.
    Files.writeString(conf, String.join("\n", "[containers]",
      "default_ulimits = [\"nofile=4096:4096\", \"nproc=4096:4096\"]", "[engine]", "runtime = \"runc\"", ""));
    podman = List.of(binary.toString(), "--root", work.resolve("root").toString(),
      "--runroot", work.resolve("run").toString());

    Result info = podman(Duration.ofSeconds(60), "info");
    assumeTrue(info.code == 0, "podman cannot run here: " + info);

    Path rootfs = work.resolve("jre-rootfs.tar");
    Result jre = run(Duration.ofSeconds(180), List.of("bash", "src/test/podman/make-jre-rootfs.sh", rootfs.toString(),
      jdk.toString()));
    check(jre, "building the JRE root filesystem");
    check(podman(Duration.ofSeconds(120), "import", "--quiet",
      "--change", "ENV PATH=/opt/java/openjdk/bin:/usr/bin:/bin", "--change", "ENV JAVA_HOME=/opt/java/openjdk",
      rootfs.toString(), BASE_IMAGE), "podman import");
    // Can this machine run a container at all (runtime, cgroups, ulimits)? If not, that is the environment.
    Result probe = podman(Duration.ofSeconds(60), "run", "--rm", "--network", "none", BASE_IMAGE, "java", "-version");
    assumeTrue(probe.code == 0, "podman cannot run containers here: " + probe);

    assertTrue(Files.isRegularFile(ServiceProcess.jar()), "fat jar missing: " + ServiceProcess.jar());
    // docker format: the OCI format has no HEALTHCHECK and podman would drop it.
    // --network none: the build's AppCDS training run listens on 8080/8765 of its own loopback, not the host's
    check(podman(Duration.ofSeconds(240), "build", "--format", "docker", "--network", "none",
      "--build-arg", "RUNTIME_IMAGE=" + BASE_IMAGE, "--build-arg", "JAR_FROM=prebuilt",
      "-t", IMAGE, "-f", "Dockerfile", "."), "podman build");

    httpPort = FreePorts.next();
    int wsPort = FreePorts.next();
    List<String> command = new ArrayList<>(podman);
    // Locked down as the Kubernetes manifest runs it: read-only root with a writable /tmp, no capabilities,
    // no privilege escalation.
    command.addAll(List.of("run", "--rm", "--name", CONTAINER, "--network", "host",
      "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
      "-e", "HTTP_PORT=" + httpPort, "-e", "WS_PORT=" + wsPort, "-e", "BIND_HOST=127.0.0.1", "-e", "INSTANCES=2",
      IMAGE));
    ProcessBuilder runner = new ProcessBuilder(command).redirectErrorStream(true);
    runner.environment().put("CONTAINERS_CONF", conf.toString());
    container = runner.start();
    CompletableFuture<Void> started = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(container.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          containerOutput.add(line);
          if (line.contains(ServiceProcess.STARTED_LINE)) {
            started.complete(null);
          }
        }
      } catch (IOException e) {
        started.completeExceptionally(e);
      }
      started.completeExceptionally(new IllegalStateException("container exited before it started"));
    }, "container-output");
    reader.setDaemon(true);
    reader.start();
    try {
      started.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("container did not start: " + e + "\n" + String.join("\n", containerOutput), e);
    }
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (podman == null) {
      return;
    }
    podman(Duration.ofSeconds(60), "rm", "--force", "--time", "5", CONTAINER);
    if (container != null) {
      container.destroy();
      if (!container.waitFor(15, TimeUnit.SECONDS)) {
        container.destroyForcibly();
      }
    }
    // The storage is the test's own: every image in it, intermediate build layers included, is the test's.
    podman(Duration.ofSeconds(60), "rmi", "--all", "--force");
    try (var files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Test
  @Order(1)
  void healthSaysDockerAndComesFromTheImagesUser(Vertx vertx, VertxTestContext test) throws Exception {
    Result user = podman(Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Config.User}}", IMAGE);
    Result size = podman(Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Size}}", IMAGE);
    System.out.println("image " + IMAGE + " user " + user.output.strip() + ", size " + size.output.strip() + " bytes");
    assertEquals("10001:0", user.output.strip());
    WebClient.create(vertx).get(httpPort, "127.0.0.1", "/health").send()
      .onComplete(test.succeeding(response -> test.verify(() -> {
        JsonObject health = response.bodyAsJsonObject();
        assertEquals(200, response.statusCode());
        assertEquals("healthy", health.getString("status"));
        assertEquals("docker", health.getJsonObject("service_identity").getString("environment"));
        test.completeNow();
      })));
  }

  /**
   * PID 1 is java with the default JAVA_OPTS, the argument file /app/jvm.options; that file is docker/jvm.options
   * byte for byte, and the JVM applied it: its heap pools are the serial collector's (-XX:+UseSerialGC).
   */
  @Test
  @Order(1)
  void javaRunsAsPid1WithDockerJvmOptions(Vertx vertx, VertxTestContext test) throws Exception {
    Result top = podman(Duration.ofSeconds(30), "top", CONTAINER, "pid", "args");
    check(top, "podman top");
    String pid1 = top.output.lines().filter(l -> l.strip().startsWith("1 ")).findFirst().orElse("");
    assertTrue(pid1.contains("java @/app/jvm.options -XX:SharedArchiveFile=/app/app.jsa -jar "),
      "PID 1 should be java with JAVA_OPTS:\n" + top.output);
    Path copied = work.resolve("jvm.options-from-image");
    check(podman(Duration.ofSeconds(30), "cp", CONTAINER + ":/app/jvm.options", copied.toString()), "podman cp");
    assertEquals(Files.readString(Path.of("docker/jvm.options")), Files.readString(copied),
      "the image's /app/jvm.options is docker/jvm.options");
    WebClient.create(vertx).get(httpPort, "127.0.0.1", "/metrics").send()
      .onComplete(test.succeeding(response -> test.verify(() -> {
        assertEquals(200, response.statusCode());
        assertTrue(response.bodyAsString().contains("jvm_memory_max_bytes{area=\"heap\",id=\"Tenured Gen\"}"),
          "the serial collector's old generation: -XX:+UseSerialGC from /app/jvm.options is in effect");
        test.completeNow();
      })));
  }

  /**
   * The image build trained an AppCDS archive and the JVM started from it: PID 1 has /app/app.jsa mapped (a JVM that
   * cannot use an archive starts without it, silently, so the mapping is the proof). Read with the shell's own
   * {@code read}: the base image has no cat or grep.
   */
  @Test
  @Order(1)
  void javaStartedFromTheImagesAppCdsArchive() throws Exception {
    Result maps = podman(Duration.ofSeconds(30), "exec", CONTAINER, "/bin/sh", "-c",
      "while read -r line; do case \"$line\" in *app.jsa*) echo \"$line\";; esac; done < /proc/1/maps");
    check(maps, "reading /proc/1/maps");
    assertTrue(maps.output.contains("/app/app.jsa"), "PID 1 has not mapped the AppCDS archive:\n" + maps.output);
  }

  @Test
  @Order(1)
  void imageHealthcheckPasses() throws Exception {
    Result health = podman(Duration.ofSeconds(60), "healthcheck", "run", CONTAINER);
    assertEquals(0, health.code, "HEALTHCHECK failed: " + health + "\n" + String.join("\n", containerOutput));
  }

  /**
   * SIGTERM must reach the JVM (sh exec'd it), not a shell that ignores it until podman's SIGKILL (137), and the
   * JVM drains and exits 0 (143 would be a JVM killed by the signal without the drain).
   */
  @Test
  @Order(2)
  void stopDeliversSigtermToTheJvmWhichDrainsAndExitsZero() throws Exception {
    check(podman(Duration.ofSeconds(90), "stop", "--time", "60", CONTAINER), "podman stop");
    assertTrue(container.waitFor(30, TimeUnit.SECONDS), "podman run did not return after the stop");
    String output = String.join("\n", containerOutput);
    assertEquals(0, container.exitValue(), "exit code of podman run\n" + output);
    assertTrue(output.contains("GracefulShutdown - INFO - Stopped"), output);
  }

  /** A finished command: exit code (-1 when killed at its time limit), its output, and what ran. */
  private record Result(int code, String output, String command) {
    @Override
    public String toString() {
      return (code == -1 ? "timed out: " : "exit " + code + ": ") + command + "\n" + output;
    }
  }

  private static void check(Result result, String what) {
    assertEquals(0, result.code, what + " failed: " + result);
  }

  private static Result podman(Duration limit, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(podman);
    command.addAll(List.of(args));
    return run(limit, command);
  }

  /** Runs a command to completion (output to a file, so a chatty command cannot block), killed at the limit. */
  private static Result run(Duration limit, List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(work, "cmd-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("CONTAINERS_CONF", work.resolve("containers.conf").toString());
    Process process = builder.start();
    boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    return new Result(finished ? process.exitValue() : -1, output, String.join(" ", command));
  }
}
