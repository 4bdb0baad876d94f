package io.wstest.lab;

import io.wstest.options.Durations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What lab prints once everything runs: the load balancer's URLs, the replicas (pid, version, ports, log), the
 * configuration it wrote, the test-lb commands to try against it, and last the ready line.
 */
final class LabPrintout {

  private final LabSettings settings;
  private final Path jar;
  private final List<Replica> replicas;
  private final List<Long> replicaPids;
  private final long lbPid;
  private final Path lbBinary;

  /** {@code lbPid} and {@code lbBinary} are unused without a load balancer. */
  LabPrintout(LabSettings settings, Path jar, List<Replica> replicas, List<Long> replicaPids, long lbPid,
              Path lbBinary) {
    this.settings = settings;
    this.jar = jar;
    this.replicas = replicas;
    this.replicaPids = replicaPids;
    this.lbPid = lbPid;
    this.lbBinary = lbBinary;
  }

  String text() {
    StringBuilder text = new StringBuilder();
    String host = settings.connectHost();
    Balancer balancer = settings.balancer();
    if (balancer != null) {
      text.append("Load balancer: ").append(balancer.binaryName()).append(" (pid ").append(lbPid).append("), ")
        .append(balancer.describe(settings)).append(", idle timeout ").append(settings.idleTimeoutText())
        .append('\n');
      text.append("  http  http://").append(host).append(':').append(settings.lbHttpPort())
        .append("/   (/health, ws /ws, ws /echo, dashboard /ui/)\n");
      text.append("  raw   ws://").append(host).append(':').append(settings.lbWsPort()).append("/\n");
    }
    text.append("Replicas (java -jar ").append(jar).append(" serve):\n");
    for (int i = 0; i < replicas.size(); i++) {
      Replica r = replicas.get(i);
      text.append(String.format("  %-11s pid %-8d %s%s  http://%s:%d/  ws://%s:%d/  log %s%n", r.name(),
        replicaPids.get(i), r.version(), settings.canary() > 0 ? " weight " + r.weight() : "",
        host, r.httpPort(), host, r.wsPort(), settings.dir().resolve(r.name() + ".log")));
    }
    if (balancer != null) {
      Path config = settings.dir().resolve(balancer.configFile());
      text.append("Configuration: ").append(config).append('\n');
      if (balancer == Balancer.NGINX) {
        text.append("  after editing it: ").append(lbBinary).append(" -p ").append(settings.dir()).append(" -c ")
          .append(config).append(" -s reload\n");
      } else {
        text.append("  runtime API: echo 'show stat' | socat stdio ")
          .append(settings.dir().resolve(HaproxyRuntime.SOCKET))
          .append('\n');
      }
    }
    text.append("Try, from another terminal:\n");
    appendCommands(text, host);
    text.append(Lab.READY).append(' ').append(replicas.size()).append(replicas.size() == 1 ? " replica" : " replicas")
      .append(balancer == null ? " (no load balancer)" : " behind " + balancer.binaryName() + " at http://" + host
        + ":" + settings.lbHttpPort() + "/")
      .append(". Ctrl-C (or kill -TERM ").append(ProcessHandle.current().pid()).append(") stops everything.\n");
    return text.toString();
  }

  private void appendCommands(StringBuilder text, String host) {
    String testLb = "java -jar " + jar + " test-lb";
    if (settings.balancer() == null) {
      Replica first = replicas.get(0);
      text.append("  one replica   ").append(testLb).append(" --host ").append(host).append(" --http-port ")
        .append(first.httpPort()).append(" --ws-port ").append(first.wsPort()).append(" --expect-instances 1\n");
      text.append("  or put your own load balancer in front of the replicas above.\n");
      return;
    }
    String target = " --host " + host + " --http-port " + settings.lbHttpPort() + " --ws-port " + settings.lbWsPort();
    int n = replicas.size();
    // Spread sends no cookie: HAProxy's sticky cookie still spreads it, nginx's address hash keeps one replica.
    boolean oneReplica = settings.sticky() && settings.balancer() == Balancer.NGINX;
    text.append("  spread        ").append(testLb).append(target).append(" -n ").append(Math.max(30, 10 * n))
      .append(" --expect-instances ").append(oneReplica ? 1 : n).append('\n');
    text.append("  sticky        ").append(testLb).append(" sticky").append(target)
      .append(settings.sticky() ? "" : "   (exit 1: not sticky; restart lab with --sticky)").append('\n');
    if (settings.canary() > 0) {
      int stable = (n - settings.canary()) * Replica.STABLE_WEIGHT;
      int canary = settings.canary() * Replica.CANARY_WEIGHT;
      text.append("  weights       ").append(testLb).append(" weights").append(target).append(" -n 400 --weights ")
        .append(Replica.STABLE).append('=').append(stable).append(',').append(Replica.CANARY).append('=')
        .append(canary).append('\n');
    } else {
      text.append("  weights       restart lab with --canary 1 (the last replica becomes v2 with weight 1 of ")
        .append(Replica.STABLE_WEIGHT).append(")\n");
    }
    Duration idle = settings.idleTimeout();
    boolean shortIdle = idle.compareTo(LabSettings.DEFAULT_IDLE_TIMEOUT) < 0;
    Duration maxIdle = shortIdle ? idle.multipliedBy(2).plusSeconds(5) : Duration.ofSeconds(30);
    text.append("  idle-timeout  ").append(testLb).append(" idle-timeout").append(target).append(" --max-idle ")
      .append(Durations.format(maxIdle))
      .append(shortIdle ? "" : "   (survives: restart lab with --idle-timeout 5s to see a cut)").append('\n');
    text.append("  soak          ").append(testLb).append(" soak").append(target)
      .append(" --sockets 20 --duration 1m   and meanwhile: kill -TERM <a replica's pid>\n");
    text.append("  dashboard     http://").append(host).append(':').append(settings.lbHttpPort()).append("/ui/\n");
  }
}
