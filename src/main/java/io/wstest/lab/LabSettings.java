package io.wstest.lab;

import io.wstest.options.Durations;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A checked lab: which load balancer ({@code null} with --no-lb), how many replicas and how they are balanced,
 * the addresses and ports everything listens on, and the directory for configuration and logs.
 */
record LabSettings(Balancer balancer, int replicas, boolean sticky, boolean leastConn, int canary,
                   Duration idleTimeout, InetAddress bind, int lbHttpPort, int lbWsPort, Path dir) {

  static final int MAX_REPLICAS = 20;
  /** Long enough that no experiment but an idle-timeout one notices it. */
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

  /** The address to listen on, as the load balancers' configurations spell it. */
  String bindText() {
    String text = bind.getHostAddress();
    return text.contains(":") ? "[" + text + "]" : text;
  }

  /** Where the replicas and the load balancer are reached: loopback when listening on every address. */
  String connectHost() {
    if (!bind.isAnyLocalAddress()) {
      return bindText();
    }
    return bind.getAddress().length == 4 ? "127.0.0.1" : "[::1]";
  }

  /** The idle timeout in a spelling nginx and HAProxy both read (1h, 5s, 1500ms). */
  String idleTimeoutText() {
    return Durations.format(idleTimeout);
  }

  /** The replicas with their names (replica-1 ...), versions and weights; the last {@code canary} ones are v2. */
  Replica replica(int index, int httpPort, int wsPort) {
    boolean isCanary = index >= replicas - canary;
    return new Replica("replica-" + (index + 1), isCanary ? Replica.CANARY : Replica.STABLE,
      isCanary ? Replica.CANARY_WEIGHT : Replica.STABLE_WEIGHT, httpPort, wsPort);
  }
}
