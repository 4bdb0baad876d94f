package io.wstest.testsupport;

import io.wstest.lab.HaproxyRuntime;
import io.wstest.lab.LbTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;




import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import java.util.stream.Collectors;

/**
 * Real HAProxy (Debian package) from the jar's haproxy-lb.cfg.template (the one {@code lab --lb haproxy} runs),
 * with its runtime API socket for drain experiments ({@link #runtimeCommand}). Servers are named after the backends
 * ({@code be_http/<name>}).
 */
public final class HaproxyProcess {

  public static final String INSTALL_HINT = "haproxy is not installed: apt-get install -y haproxy (CI's .ci/run does)";

  private HaproxyProcess() {
  }

  public static boolean available() {
    return binary() != null;
  }

  private static Path binary() {
    return LoadBalancerProcess.executable("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy");
  }

  /** Settings beyond the backends; the defaults are plain round robin with no health checks. */
  public record Options(String balance, boolean stickyCookie, boolean readinessChecks, String tunnelTimeout) {
    public static Options roundRobin() {
      return new Options("roundrobin", false, false, "1h");
    }

    public Options withStickyCookie() {
      return new Options(balance, true, readinessChecks, tunnelTimeout);
    }

    /** HAProxy polls each server's /readyz on its HTTP port every 500 ms and stops sending to failing ones. */
    public Options withReadinessChecks() {
      return new Options(balance, stickyCookie, true, tunnelTimeout);
    }

    public Options withTunnelTimeout(String timeout) {
      return new Options(balance, stickyCookie, readinessChecks, timeout);
    }

    public Options withBalance(String method) {
      return new Options(method, stickyCookie, readinessChecks, tunnelTimeout);
    }
  }

  public static LoadBalancerProcess start(List<Backend> backends, Options options) {
    Path binary = binary();
    if (binary == null) {
      throw new IllegalStateException(INSTALL_HINT);
    }
    try {
      Path dir = Files.createTempDirectory("wstest-haproxy-");
      int httpPort = FreePorts.next();
      int wsPort = FreePorts.next();
      String config = LoadBalancerProcess.fill(LbTemplate.HAPROXY,
        Map.of(
          "RUNTIME_DIR", dir.toString(),
          "LISTEN_HTTP", "127.0.0.1:" + httpPort,
          "LISTEN_WS", "127.0.0.1:" + wsPort,
          "BALANCE", options.balance(),
          "TUNNEL_TIMEOUT", options.tunnelTimeout(),
          "COOKIE", options.stickyCookie() ? "  cookie SRV insert indirect nocache" : "",
          "HEALTH_CHECK", options.readinessChecks() ? "  option httpchk GET /readyz" : "",
          "HTTP_SERVERS", servers(backends, true, options),
          "WS_SERVERS", servers(backends, false, options)));
      Path cfg = dir.resolve("haproxy.cfg");
      Files.writeString(cfg, config, StandardCharsets.UTF_8);
      return LoadBalancerProcess.start("haproxy", List.of(binary.toString(), "-db", "-f", cfg.toString()),
        httpPort, wsPort, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * HAProxy in TCP mode in front of one service, with {@code serverOptions} on both server lines: for example
   * {@code send-proxy} or {@code send-proxy-v2} towards the service's PROXY protocol ports.
   */
  public static LoadBalancerProcess startTcp(int httpBackend, int wsBackend, String serverOptions) {
    Path binary = binary();
    if (binary == null) {
      throw new IllegalStateException(INSTALL_HINT);
    }
    try {
      Path dir = Files.createTempDirectory("wstest-haproxy-");
      int httpPort = FreePorts.next();
      int wsPort = FreePorts.next();
      String config = String.join("\n",
        "global", "  maxconn 200", "  stats socket " + dir + "/admin.sock level admin",
        "defaults", "  mode tcp", "  timeout connect 2s", "  timeout client 30s", "  timeout server 30s",
        "frontend http_in", "  bind 127.0.0.1:" + httpPort, "  default_backend be_http",
        "frontend ws_in", "  bind 127.0.0.1:" + wsPort, "  default_backend be_raw",
        "backend be_http", "  server s1 127.0.0.1:" + httpBackend + " " + serverOptions,
        "backend be_raw", "  server s1 127.0.0.1:" + wsBackend + " " + serverOptions, "");
      Path cfg = dir.resolve("haproxy.cfg");
      Files.writeString(cfg, config, StandardCharsets.UTF_8);
      return LoadBalancerProcess.start("haproxy", List.of(binary.toString(), "-db", "-f", cfg.toString()),
        httpPort, wsPort, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String servers(List<Backend> backends, boolean http, Options options) {
    return backends.stream().map(b -> {
      StringBuilder line = new StringBuilder("  server ").append(b.name())
        .append(" 127.0.0.1:").append(http ? b.httpPort() : b.wsPort());
      if (b.weight() != null) {
        line.append(" weight ").append(b.weight());
      }
      if (options.stickyCookie()) {
        line.append(" cookie ").append(b.name());
      }
      if (options.readinessChecks()) {
        // Checks always go to the HTTP port, where /readyz lives, for both backends.
        line.append(" check port ").append(b.httpPort()).append(" inter 500ms fall 1 rise 1");
      }
      return line.toString();
    }).collect(Collectors.joining("\n"));
  }

  /**
   * With readiness checks HAProxy sends nothing to a server until its first check passed; this waits (a bounded
   * poll of the runtime API: HAProxy raises no event a test could wait for) until every server of both backends
   * is UP.
   */
  public static void awaitServersUp(LoadBalancerProcess haproxy, Duration timeout) {
    String notUp = runtime(haproxy).awaitServersUp(System.nanoTime() + timeout.toNanos());
    if (notUp != null) {
      throw new IllegalStateException("HAProxy servers not all UP within " + timeout + ":\n" + notUp);
    }
  }

  /** Sends one command to HAProxy's runtime API (for example {@code set server be_http/b1 state drain}). */
  public static String runtimeCommand(LoadBalancerProcess haproxy, String command) {
    String reply = runtime(haproxy).command(command);
    if (reply.isEmpty()) { // HAProxy answers every command with at least a newline: the socket did not answer
      throw new IllegalStateException("HAProxy's runtime socket did not answer '" + command + "'");
    }
    return reply;
  }

  private static HaproxyRuntime runtime(LoadBalancerProcess haproxy) {
    return new HaproxyRuntime(haproxy.runtimeDir().resolve(HaproxyRuntime.SOCKET));
  }
}
