package io.wstest.lab;

import io.wstest.options.Durations;
import io.wstest.options.InvalidOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code lab}: replicas of this jar behind a real nginx or HAProxy on this machine, for trying test-lb; see
 * docs/lab.md.
 */
@Command(name = "lab",
  description = {"Start N replicas of this service (child processes of this jar, POD_NAME=replica-1.., "
    + "SERVICE_VERSION v1) on free loopback ports behind a real nginx or HAProxy configured for WebSockets, print "
    + "the URLs and the test-lb commands to try, and run until Ctrl-C or SIGTERM, which stops every process it "
    + "started (SIGTERM, then SIGKILL after " + Lab.STOP_BOUND_SECONDS + " s).",
    "The load balancer's configuration and every log go to a directory it prints (--dir): read and tweak them.",
    "Typical: java -jar websocket-test-service.jar lab --replicas 3 --lb haproxy --sticky"},
  footer = {"", "Replicas inherit this environment (any service setting, e.g. PING_INTERVAL, applies to all), with "
    + "INSTANCES=1 and DRAIN_DELAY=2s unless set. LAB_NGINX_BIN / LAB_HAPROXY_BIN name the load balancer's "
    + "executable instead of looking it up on PATH and in /usr/sbin.",
    "Exit codes: 0 stopped by Ctrl-C/SIGTERM; 1 a replica or the load balancer failed to start or died (everything "
    + "started is stopped, the reason printed); 2 bad flag, or the load balancer is not installed."})
public final class LabCommand implements Callable<Integer> {

  static final int DEFAULT_LB_HTTP_PORT = 8080;
  static final int DEFAULT_LB_WS_PORT = 8765;
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

  @Spec
  CommandSpec spec;

  @Option(names = "--lb", paramLabel = "nginx|haproxy",
    description = "The load balancer in front of the replicas (default: nginx when installed, else haproxy).")
  String lb;

  @Option(names = "--no-lb", description = "Start the replicas only, without a load balancer.")
  boolean noLb;

  @Option(names = "--replicas", paramLabel = "N", defaultValue = "3",
    description = "Replicas to start, 1-" + LabSettings.MAX_REPLICAS + " (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--sticky",
    description = "Sticky sessions: HAProxy inserts a cookie SRV naming the replica; nginx hashes the client "
      + "address (hash $remote_addr consistent).")
  boolean sticky;

  @Option(names = "--least-conn",
    description = "Send each new connection to the replica with the fewest open ones (nginx least_conn, "
      + "HAProxy balance leastconn) instead of round robin.")
  boolean leastConn;

  @Option(names = "--canary", paramLabel = "K", defaultValue = "0",
    description = "Weighted canary: the last K replicas run SERVICE_VERSION=v2 with weight " + Replica.CANARY_WEIGHT
      + ", the others v1 with weight " + Replica.STABLE_WEIGHT + " (3 replicas, --canary 1: v2 gets 1 of 19 "
      + "connections; the printed test-lb weights command says so). Default: 0, every replica v1, equal weights.")
  int canary;

  @Option(names = "--idle-timeout", paramLabel = "DURATION",
    description = "The load balancer's idle timeout for WebSockets: nginx proxy_read_timeout and "
      + "proxy_send_timeout, HAProxy timeout tunnel; e.g. 5s to see test-lb idle-timeout find it (1s-24h, "
      + "default: 1h).")
  String idleTimeout;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
    description = "Address the replicas and the load balancer listen on (default: ${DEFAULT-VALUE}, this "
      + "machine only; 0.0.0.0 opens the lab to the network).")
  String bind;

  @Option(names = "--port", paramLabel = "PORT",
    description = "The load balancer's HTTP port: /, /health, /ws, /echo, /ui/ (default: 8080 when 8080 and 8765 "
      + "are both free, so test-lb's defaults reach it; else a free port).")
  Integer port;

  @Option(names = "--ws-port", paramLabel = "PORT",
    description = "The load balancer's raw WebSocket port (default: 8765 together with --port's 8080, else a "
      + "free port).")
  Integer wsPort;

  @Option(names = "--dir", paramLabel = "DIR",
    description = "Directory for the load balancer's configuration and all logs (created if missing; default: a "
      + "new wstest-lab-* directory in the temp directory). Left in place after the lab stops.")
  Path dir;

  private final Map<String, String> env;
  private final List<Path> sbinDirs;

  public LabCommand() {
    this(System.getenv(), Executables.SBIN_DIRS);
  }

  /** With the environment and extra directories the load-balancer lookup uses (tests give ones without it). */
  LabCommand(Map<String, String> env, List<Path> sbinDirs) {
    this.env = env;
    this.sbinDirs = sbinDirs;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    checkFlags();
    Duration idle = idleTimeout == null ? LabSettings.DEFAULT_IDLE_TIMEOUT
      : option(() -> Durations.parse("--idle-timeout", idleTimeout, Duration.ofSeconds(1), Duration.ofHours(24)));
    InetAddress address = bindAddress();

    Balancer balancer = null;
    Path lbBinary = null;
    if (!noLb) {
      Executables executables = new Executables(env, sbinDirs);
      List<Balancer> candidates = lb == null ? List.of(Balancer.NGINX, Balancer.HAPROXY) : List.of(Balancer.parse(lb));
      Executables.Lookup first = null;
      for (Balancer candidate : candidates) {
        Executables.Lookup found = executables.find(candidate);
        if (found.binary() != null) {
          balancer = candidate;
          lbBinary = found.binary();
          break;
        }
        first = first == null ? found : first;
      }
      if (balancer == null) {
        err.println("lab: " + (lb == null ? "neither nginx nor haproxy is installed: apt-get install nginx (or "
          + "haproxy), or run lab --no-lb" : first.problem()));
        err.flush();
        return 2;
      }
    }

    Path jar = runningJar();
    if (jar == null) {
      err.println("lab: lab starts its replicas from the fat jar; run it as java -jar websocket-test-service.jar lab");
      err.flush();
      return 1;
    }

    Ports ports = new Ports(address);
    int lbHttp = 0;
    int lbWs = 0;
    if (balancer != null) {
      if (port == null && wsPort == null && ports.isFree(DEFAULT_LB_HTTP_PORT) && ports.isFree(DEFAULT_LB_WS_PORT)) {
        lbHttp = ports.take(DEFAULT_LB_HTTP_PORT);
        lbWs = ports.take(DEFAULT_LB_WS_PORT);
      } else {
        Integer busy = port != null && !ports.isFree(port) ? port
          : wsPort != null && !ports.isFree(wsPort) ? wsPort : null;
        if (busy != null) {
          err.println("lab: Port " + busy + " is already in use ("
            + (busy.equals(port) ? "--port" : "--ws-port") + ")");
          err.flush();
          return 1;
        }
        lbHttp = port != null ? ports.take(port) : ports.next();
        lbWs = wsPort != null ? ports.take(wsPort) : ports.next();
      }
    }
    Path directory = dir != null ? dir.toAbsolutePath() : Files.createTempDirectory("wstest-lab-");
    LabSettings settings = new LabSettings(balancer, replicas, sticky, leastConn, canary, idle, address, lbHttp, lbWs,
      directory);
    out.println("Starting " + replicas + (replicas == 1 ? " replica" : " replicas")
      + (balancer == null ? "" : " and " + balancer.binaryName()) + "; configuration and logs in " + directory);
    out.flush();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new Lab(settings, java, jar, lbBinary, out, err).run(ports);
  }

  private void checkFlags() {
    if (lb != null && Balancer.parse(lb) == null) {
      throw usage("Invalid value for option '--lb': '" + lb + "' (expected nginx or haproxy)");
    }
    if (replicas < 1 || replicas > LabSettings.MAX_REPLICAS) {
      throw usage("Invalid value for option '--replicas': " + replicas + " is outside 1.." + LabSettings.MAX_REPLICAS);
    }
    if (canary < 0 || canary >= replicas) {
      throw usage("Invalid value for option '--canary': " + canary + " must be 0.." + (replicas - 1)
        + " (at least one stable replica of --replicas " + replicas + ")");
    }
    if (sticky && leastConn) {
      throw usage("--sticky and --least-conn exclude each other: choose one balancing");
    }
    if (noLb) {
      for (var flag : Map.of("--lb", lb != null, "--sticky", sticky, "--least-conn", leastConn,
        "--idle-timeout", idleTimeout != null, "--port", port != null, "--ws-port", wsPort != null).entrySet()) {
        if (flag.getValue()) {
          throw usage(flag.getKey() + " configures the load balancer, which --no-lb leaves out");
        }
      }
    }
    for (var flag : Map.of("--port", port == null ? 1 : port, "--ws-port", wsPort == null ? 1 : wsPort).entrySet()) {
      if (flag.getValue() < 1 || flag.getValue() > 65535) {
        throw usage("Invalid value for option '" + flag.getKey() + "': " + flag.getValue() + " is outside 1..65535");
      }
    }
    if (port != null && port.equals(wsPort)) {
      throw usage("--port and --ws-port must differ: " + port);
    }
  }

  private InetAddress bindAddress() {
    if (!IP_LITERAL.matcher(bind).matches()) {
      throw usage("Invalid value for option '--bind': '" + bind + "' (expected an IP address such as 127.0.0.1)");
    }
    try {
      return InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw usage("Invalid value for option '--bind': '" + bind + "' (expected an IP address such as 127.0.0.1)");
    }
  }

  private <T> T option(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (InvalidOption e) {
      throw usage(e.getMessage());
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** This jar's path, or null when the classes do not come from a jar (an IDE, the test classpath). */
  private static Path runningJar() {
    try {
      var source = LabCommand.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return null;
      }
      Path path = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(path) && path.toString().endsWith(".jar") ? path : null;
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return null;
    }
  }
}
