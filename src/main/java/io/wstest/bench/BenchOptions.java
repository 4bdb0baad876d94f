package io.wstest.bench;

import picocli.CommandLine.Option;

import io.wstest.options.DurationConverter;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Options every scenario shares: where the server is, how to start it, where the report goes. */
public final class BenchOptions {

  @Option(names = "--url", paramLabel = "ws://HOST:PORT/PATH",
    description = "WebSocket URL of a running server, ws:// or wss:// (loopback only unless --allow-remote). "
      + "The service's protocol is on ws://127.0.0.1:8765/ or ws://127.0.0.1:8080/ws.")
  URI url;

  @Option(names = "--server-pid", paramLabel = "PID",
    description = "pid of the server behind --url, to read its RSS and CPU from /proc")
  Long serverPid;

  @Option(names = "--spawn", description = "start the service from this jar on free loopback ports, pinned to "
    + "--server-cpus, and stop it afterwards")
  boolean spawn;

  @Option(names = "--baseline", description = "also run the scenario against a bare Vert.x echo server (spawned "
    + "the same way) and print the ratio service/baseline; needs --spawn")
  boolean baseline;

  @Option(names = "--peer", paramLabel = "NAME=COMMAND",
    description = {"also run the scenario against another server that speaks the seed protocol (welcome, ping, "
      + "echo, broadcast, /health), started by this command for every run like the service: pinned to "
      + "--server-cpus, ready when GET /health/ready on {http} answers 200 (GET /health where that path is 404) and "
      + "{ws} accepts connections (30 s at most), WebSockets at ws://127.0.0.1:{ws}/, stopped with SIGTERM. Repeatable; needs --spawn. COMMAND is split into arguments "
      + "without a shell: whitespace separates, '...' and \"...\" group, a backslash escapes the next character "
      + "(in \"...\" only \" and \\); {http} and {ws} are replaced by free loopback ports and must both appear. "
      + "Use env NAME=VALUE ... for environment variables. "
      + "Example: --peer \"go=/opt/peer-go -http {http} -ws {ws}\""})
  List<String> peers = new ArrayList<>();

  @Option(names = "--client-warmup", defaultValue = "3s", paramLabel = "DURATION", converter = DurationConverter.class,
    description = "before the first measured run, warm this load generator's own JVM (its JIT) with an unmeasured, "
      + "shortened run of the same scenario against a bare Vert.x server inside this process (not against any "
      + "server under test, so broadcast's first round stays cold); echo and connect run for DURATION at up to "
      + "50 connections, broadcast sends about one round per 50 ms of DURATION to up to 1000 receivers, hold opens "
      + "and closes up to 1000 connections; 0 turns it off (default: ${DEFAULT-VALUE})")
  Duration clientWarmup;

  @Option(names = "--server-cpus", paramLabel = "LIST", defaultValue = "0",
    description = "CPU list spawned servers are pinned to with taskset, or 'none' (default: ${DEFAULT-VALUE})")
  String serverCpus;

  @Option(names = "--client-cpus", paramLabel = "LIST", defaultValue = "1",
    description = "CPU list this load generator pins itself to when it spawns the server, or 'none' "
      + "(default: ${DEFAULT-VALUE})")
  String clientCpus;

  @Option(names = "--server-jvm-options", paramLabel = "FLAGS",
    description = "JVM flags of spawned servers, space separated (default: the recommended docker/jvm.options)")
  String serverJvmOptions;

  @Option(names = "--server-cds", description = "start spawned servers from an AppCDS archive of their classes, as "
    + "the container image starts the service; made once per jar, JVM and flags by a training run (start, a few "
    + "WebSockets, stop) and kept in the temp directory (websocket-test-service-cds/)")
  boolean serverCds;

  @Option(names = "--tls", description = "spawned servers (the service and --baseline) serve wss with a self-signed "
    + "certificate for 127.0.0.1 made for this run with this JDK's keytool, and the load generator, its own warm-up "
    + "included, connects over TLS (with --server-cds, the archive's training run too); needs --spawn, not with "
    + "--peer (peers serve plain ws). With "
    + "--url, a wss:// URL is enough. The load generator never checks certificates: it measures, it does not "
    + "authenticate")
  boolean tls;

  @Option(names = "--tls-engine", paramLabel = "ENGINE", converter = SpawnSettings.TlsEngineName.class,
    description = "with --tls: how the spawned service and --baseline alike terminate TLS: jdk (the JVM's) or "
      + "openssl (BoringSSL, bundled for linux x86_64 and aarch64; the service's TLS_ENGINE). Without it the service "
      + "takes TLS_ENGINE from bench's environment and the baseline uses the JVM's")
  String tlsEngine;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON to FILE")
  Path json;

  @Option(names = "--allow-remote", description = "allow a --url that is not a loopback address (your own load "
    + "balancer); never used by the tests")
  boolean allowRemote;

  @Option(names = "--repeat", defaultValue = "1", paramLabel = "N",
    description = "run the scenario N times (service, baseline and each peer alternating, each on a fresh server "
      + "unless --interleave) and report the median of every figure (default: ${DEFAULT-VALUE})")
  int repeat;

  // On a shared host the CPU per handshake moves with the host for minutes at a time, and fresh servers each warmed
  // for connect's 30 s put about 35 s between two servers' windows: a slowed minute lands on one server only. Kept
  // servers put one window between them (docs/performance.md, "How bench measures").
  @Option(names = "--interleave",
    description = "connect and echo: start every server once and warm each once, then take the --repeat measured "
      + "windows of the servers in turn, back to back, after one unmeasured window each (with --spawn; "
      + "start_to_ready_ms is each server's one start)")
  boolean interleave;

  @Option(names = "--label", paramLabel = "TEXT", description = "free text stored in the JSON report")
  String label;

  String label() {
    return label;
  }
}
