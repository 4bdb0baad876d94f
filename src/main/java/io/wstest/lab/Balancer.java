package io.wstest.lab;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The load balancers lab can put in front of the replicas: how each is found, configured and started. */
enum Balancer {

  NGINX("nginx", "LAB_NGINX_BIN", "nginx.conf") {
    @Override
    String config(LabSettings settings, List<Replica> replicas, Path dir) {
      String balance = settings.sticky() ? "hash $remote_addr consistent;" : settings.leastConn() ? "least_conn;" : "";
      return LbTemplate.fill(LbTemplate.NGINX, Map.of(
        "RUNTIME_DIR", dir.toString(),
        "LISTEN_HTTP", settings.bindText() + ":" + settings.lbHttpPort(),
        "LISTEN_WS", settings.bindText() + ":" + settings.lbWsPort(),
        "BALANCE", balance,
        "HTTP_SERVERS", servers(replicas, settings, true),
        "WS_SERVERS", servers(replicas, settings, false),
        "PROXY_SNIPPET", dir.resolve(LbTemplate.WEBSOCKET_PROXY).toString(),
        "READ_TIMEOUT", settings.idleTimeoutText()));
    }

    private String servers(List<Replica> replicas, LabSettings settings, boolean http) {
      return replicas.stream()
        .map(r -> "    server " + settings.connectHost() + ":" + (http ? r.httpPort() : r.wsPort())
          + (settings.canary() > 0 ? " weight=" + r.weight() : "") + ";")
        .collect(Collectors.joining("\n"));
    }

    @Override
    List<String> command(Path binary, Path dir) {
      return List.of(binary.toString(), "-p", dir.toString(), "-c", dir.resolve(configFile()).toString());
    }

    @Override
    String describe(LabSettings settings) {
      return settings.sticky() ? "hash $remote_addr consistent" : settings.leastConn() ? "least_conn" : "round robin";
    }
  },

  HAPROXY("haproxy", "LAB_HAPROXY_BIN", "haproxy.cfg") {
    @Override
    String config(LabSettings settings, List<Replica> replicas, Path dir) {
      return LbTemplate.fill(LbTemplate.HAPROXY, Map.of(
        "RUNTIME_DIR", dir.toString(),
        "LISTEN_HTTP", settings.bindText() + ":" + settings.lbHttpPort(),
        "LISTEN_WS", settings.bindText() + ":" + settings.lbWsPort(),
        "BALANCE", settings.leastConn() ? "leastconn" : "roundrobin",
        "TUNNEL_TIMEOUT", settings.idleTimeoutText(),
        "COOKIE", settings.sticky() ? "  cookie SRV insert indirect nocache" : "",
        "HEALTH_CHECK", "  option httpchk GET /readyz",
        "HTTP_SERVERS", servers(replicas, settings, true),
        "WS_SERVERS", servers(replicas, settings, false)));
    }

    private String servers(List<Replica> replicas, LabSettings settings, boolean http) {
      return replicas.stream().map(r -> {
        StringBuilder line = new StringBuilder("  server ").append(r.name())
          .append(' ').append(settings.connectHost()).append(':').append(http ? r.httpPort() : r.wsPort());
        if (settings.canary() > 0) {
          line.append(" weight ").append(r.weight());
        }
        if (settings.sticky()) {
          line.append(" cookie ").append(r.name());
        }
        // Readiness (/readyz) lives on the HTTP port for both backends: a draining replica leaves both at once.
        line.append(" check port ").append(r.httpPort()).append(" inter 500ms fall 1 rise 1");
        return line.toString();
      }).collect(Collectors.joining("\n"));
    }

    @Override
    List<String> command(Path binary, Path dir) {
      return List.of(binary.toString(), "-db", "-f", dir.resolve(configFile()).toString());
    }

    @Override
    String describe(LabSettings settings) {
      return (settings.leastConn() ? "leastconn" : "roundrobin") + (settings.sticky() ? ", cookie SRV" : "")
        + ", readiness checks on /readyz";
    }
  };

  private final String binaryName;
  private final String binaryEnv;
  private final String configFile;

  Balancer(String binaryName, String binaryEnv, String configFile) {
    this.binaryName = binaryName;
    this.binaryEnv = binaryEnv;
    this.configFile = configFile;
  }

  /** The configuration file's text for these replicas, listening where the settings say. */
  abstract String config(LabSettings settings, List<Replica> replicas, Path dir);

  /** The foreground command line that runs the written configuration. */
  abstract List<String> command(Path binary, Path dir);

  /** The balancing as the configuration does it, in the load balancer's own words. */
  abstract String describe(LabSettings settings);

  /** The executable's name, which is also the Debian package's. */
  String binaryName() {
    return binaryName;
  }

  /** The environment variable that names the executable instead of a lookup. */
  String binaryEnv() {
    return binaryEnv;
  }

  String configFile() {
    return configFile;
  }

  static Balancer parse(String text) {
    for (Balancer balancer : values()) {
      if (balancer.binaryName.equals(text.toLowerCase(Locale.ROOT))) {
        return balancer;
      }
    }
    return null;
  }
}
