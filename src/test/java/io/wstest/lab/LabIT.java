package io.wstest.lab;

import io.vertx.core.json.JsonObject;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.HaproxyProcess;
import io.wstest.testsupport.NginxProcess;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.TestLbRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code lab} as a user runs it: the fat jar as a process, its "Lab ready" line awaited, test-lb run against the URL
 * it printed, then SIGTERM: it must exit 0 with every process it started gone and every port it used free again.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LabIT {

  private static final Pattern LB_HTTP = Pattern.compile("^  http  http://127\\.0\\.0\\.1:(\\d+)/ ");
  private static final Pattern LB_RAW = Pattern.compile("^  raw   ws://127\\.0\\.0\\.1:(\\d+)/$");
  private static final Pattern REPLICA = Pattern.compile(
    "^  (replica-\\d+)\\s+pid (\\d+)\\s+(v\\d)\\S*.*http://127\\.0\\.0\\.1:(\\d+)/  ws://127\\.0\\.0\\.1:(\\d+)/");

  @TempDir
  Path dir;

  @Test
  void nginxSpreadsOverThreeReplicasAndSigtermLeavesNothingBehind() throws Exception {
    assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    spreadThenStop("nginx");
  }

  @Test
  void haproxySpreadsOverThreeReplicasAndSigtermLeavesNothingBehind() throws Exception {
    assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    spreadThenStop("haproxy");
  }

  private void spreadThenStop(String lb) throws Exception {
    Path labDir = dir.resolve("lab");
    try (LabProcess lab = LabProcess.start(List.of("lab", "--lb", lb, "--replicas", "3",
      "--port", Integer.toString(FreePorts.next()), "--ws-port", Integer.toString(FreePorts.next()),
      "--dir", labDir.toString()), Map.of())) {
      lab.awaitReady();
      int http = lab.port(LB_HTTP);
      int raw = lab.port(LB_RAW);
      List<Long> pids = lab.allDescendants();
      assertTrue(pids.size() >= 4, "3 replicas and " + lb + ": " + pids);
      assertTrue(Files.isRegularFile(labDir.resolve(lb.equals("nginx") ? "nginx.conf" : "haproxy.cfg")));
      assertTrue(lab.output().contains("test-lb --host 127.0.0.1 --http-port " + http + " --ws-port " + raw),
        "prints the test-lb command for its own ports:\n" + lab.output());

      JsonObject report = TestLbRuns.testLb(dir, "lab-" + lb, 0, "--host", "127.0.0.1", "--http-port",
        Integer.toString(http), "--ws-port", Integer.toString(raw), "-n", "12", "--expect-instances", "3");
      for (JsonObject endpoint : TestLbRuns.objects(report, "endpoints")) {
        JsonObject stats = endpoint.getJsonObject("stats");
        assertEquals(3, stats.getInteger("distinct_instances"), stats.encodePrettily());
        Set<String> pods = stats.getJsonArray("instances").stream()
          .map(o -> ((JsonObject) o).getString("pod_name")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("replica-1", "replica-2", "replica-3"), pods);
      }

      List<Integer> ports = new ArrayList<>(List.of(http, raw));
      ports.addAll(lab.replicaPorts());
      assertEquals(0, lab.sigtermAndWait(), lab.output());
      assertNothingLeft(pids, ports, lab);
    }
  }

  @Test
  void noLbStartsReplicasOnlyWithTheirIdentity() throws Exception {
    try (LabProcess lab = LabProcess.start(List.of("lab", "--no-lb", "--replicas", "2", "--dir",
      dir.resolve("lab").toString()), Map.of())) {
      lab.awaitReady();
      assertFalse(lab.output().contains("Load balancer:"), lab.output());
      List<Long> pids = lab.allDescendants();
      HttpClient client = HttpClient.newHttpClient();
      List<Matcher> replicas = lab.replicas();
      assertEquals(2, replicas.size(), lab.output());
      for (Matcher replica : replicas) {
        assertTrue(pids.contains(Long.parseLong(replica.group(2))), "replica pid is a child of lab: " + pids);
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + replica.group(4) + "/health")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
        JsonObject identity = new JsonObject(health.body()).getJsonObject("service_identity");
        assertEquals(replica.group(1), identity.getString("pod_name"));
        assertEquals("v1", identity.getString("version"));
      }
      // A replica stopped by hand (a rollout experiment) drains and exits; lab reports it and keeps the others.
      long second = Long.parseLong(replicas.get(1).group(2));
      ProcessHandle.of(second).orElseThrow().destroy();
      String exited = lab.lineContaining("replica-2 (pid " + second + ") exited with code 0");
      assertTrue(exited.contains("replica-2.log"), exited);
      assertTrue(lab.isAlive(), "lab keeps running without replica-2");
      List<Integer> ports = lab.replicaPorts();
      assertEquals(0, lab.sigtermAndWait(), lab.output());
      assertNothingLeft(pids, ports, lab);
    }
  }

  /** A replica that cannot start stops the whole lab with the reason and exit 1. */
  @Test
  void aReplicaThatFailsToStartStopsTheLab() throws Exception {
    // The replicas' settings come from the environment; an unusable one makes every replica fail at start-up.
    try (LabProcess lab = LabProcess.start(List.of("lab", "--no-lb", "--replicas", "2",
      "--dir", dir.resolve("lab").toString()), Map.of("MAX_MESSAGE_BYTES", "not-a-number"))) {
      assertEquals(1, lab.waitForExit(), lab.output());
      assertTrue(lab.output().contains("replica-1 exited with code"), lab.output());
      assertTrue(lab.output().contains("MAX_MESSAGE_BYTES"),
        "the replica's own reason, from its log:\n" + lab.output());
      assertStoppedAreGone(lab);
    }
  }

  /**
   * A load balancer that fails at start (here an executable that only prints an error) after the replicas are up:
   * lab stops the running replicas, names them and exits 1 with the load balancer's own words.
   */
  @Test
  void aLoadBalancerThatFailsToStartStopsTheRunningReplicas() throws Exception {
    Path fakeNginx = dir.resolve("nginx");
    Files.writeString(fakeNginx, "#!/bin/sh\necho 'nginx: [emerg] this nginx always fails' >&2\nexit 1\n");
    Files.setPosixFilePermissions(fakeNginx, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    try (LabProcess lab = LabProcess.start(List.of("lab", "--lb", "nginx", "--replicas", "2",
      "--port", Integer.toString(FreePorts.next()), "--ws-port", Integer.toString(FreePorts.next()),
      "--dir", dir.resolve("lab").toString()), Map.of("LAB_NGINX_BIN", fakeNginx.toString()))) {
      assertEquals(1, lab.waitForExit(), lab.output());
      assertTrue(lab.output().contains("nginx exited with code 1 at start"), lab.output());
      assertTrue(lab.output().contains("this nginx always fails"), lab.output());
      List<Long> stopped = assertStoppedAreGone(lab);
      assertEquals(3, stopped.size(), "2 replicas and nginx: " + lab.output());
    }
  }

  /** The pids lab says it stopped are gone; returns them. */
  private static List<Long> assertStoppedAreGone(LabProcess lab) {
    Matcher line = Pattern.compile("stopped everything it had started: (.*); configuration").matcher(lab.output());
    assertTrue(line.find(), lab.output());
    List<Long> pids = new ArrayList<>();
    Matcher pid = Pattern.compile("\\(pid (\\d+)\\)").matcher(line.group(1));
    while (pid.find()) {
      pids.add(Long.parseLong(pid.group(1)));
    }
    for (long p : pids) {
      assertFalse(ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false), "pid " + p + " left running");
    }
    return pids;
  }

  @Test
  void missingLoadBalancerExitsTwoNamingThePackage() {
    ServiceProcess.Exit exit = ServiceProcess.run(List.of("lab", "--lb", "nginx"),
      Map.of("LAB_NGINX_BIN", dir.resolve("no-nginx-here").toString()), Duration.ofSeconds(60));
    assertEquals(2, exit.code(), exit.output());
    assertTrue(exit.output().contains("LAB_NGINX_BIN=" + dir.resolve("no-nginx-here")), exit.output());
    assertTrue(exit.output().contains("apt-get install nginx"), exit.output());
  }

  @Test
  void badFlagExitsTwoFromTheJar() {
    ServiceProcess.Exit exit = ServiceProcess.run(List.of("lab", "--replicas", "21"), Map.of(), Duration.ofSeconds(60));
    assertEquals(2, exit.code(), exit.output());
    assertTrue(exit.output().contains("--replicas"), exit.output());
  }

  private static void assertNothingLeft(List<Long> pids, List<Integer> ports, LabProcess lab) throws IOException {
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "pid " + pid + " still alive after lab stopped:\n" + lab.output());
    }
    for (int port : ports) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      } catch (IOException e) {
        throw new AssertionError("port " + port + " still in use after lab stopped", e);
      }
    }
  }

  /** The lab as a child process of this test, its output read line by line. */
  private static final class LabProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final Map<String, CompletableFuture<String>> awaited = new java.util.HashMap<>();

    private LabProcess(Process process) {
      this.process = process;
      Thread reader = new Thread(this::pump, "lab-output-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    static LabProcess start(List<String> args, Map<String, String> env) {
      return new LabProcess(ServiceProcess.launch(args, env, null));
    }

    private void pump() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
            for (var entry : awaited.entrySet()) {
              if (line.contains(entry.getKey())) {
                entry.getValue().complete(line);
              }
            }
          }
          if (line.startsWith(Lab.READY)) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IllegalStateException("lab ended before it was ready"));
      drained.complete(null);
    }

    void awaitReady() {
      try {
        ready.get(3, TimeUnit.MINUTES);
      } catch (Exception e) {
        throw new AssertionError("lab not ready: " + e + "\n" + output(), e);
      }
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** The first output line containing {@code text}, printed already or awaited (at most a minute). */
    String lineContaining(String text) throws Exception {
      CompletableFuture<String> line;
      synchronized (lines) {
        line = awaited.computeIfAbsent(text, t -> new CompletableFuture<>());
        lines.stream().filter(l -> l.contains(text)).findFirst().ifPresent(line::complete);
      }
      try {
        return line.get(1, TimeUnit.MINUTES);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("no line containing '" + text + "' within a minute:\n" + output(), e);
      }
    }

    String output() {
      synchronized (lines) {
        return String.join("\n", lines);
      }
    }

    int port(Pattern pattern) {
      synchronized (lines) {
        for (String line : lines) {
          Matcher m = pattern.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
      }
      throw new AssertionError("no line matching " + pattern + " in:\n" + output());
    }

    List<Matcher> replicas() {
      List<Matcher> found = new ArrayList<>();
      synchronized (lines) {
        for (String line : lines) {
          Matcher m = REPLICA.matcher(line);
          if (m.find()) {
            found.add(m);
          }
        }
      }
      return found;
    }

    List<Integer> replicaPorts() {
      List<Integer> ports = new ArrayList<>();
      for (Matcher m : replicas()) {
        ports.add(Integer.parseInt(m.group(4)));
        ports.add(Integer.parseInt(m.group(5)));
      }
      return ports;
    }

    List<Long> allDescendants() {
      return process.descendants().map(ProcessHandle::pid).toList();
    }

    /** SIGTERM to the lab alone (as kill -TERM does); its exit code. */
    int sigtermAndWait() {
      process.toHandle().destroy();
      return waitForExit();
    }

    int waitForExit() {
      try {
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "lab did not exit:\n" + output());
        drained.get(10, TimeUnit.SECONDS);
        return process.exitValue();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new AssertionError("lab's output not read to its end", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        List<ProcessHandle> left = process.descendants().toList();
        process.destroyForcibly();
        left.forEach(ProcessHandle::destroyForcibly);
      }
    }
  }
}
