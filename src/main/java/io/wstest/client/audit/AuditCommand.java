package io.wstest.client.audit;

import io.wstest.client.drain.AdminTokenOption;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.ExpectedInstances;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.TestLbRun;
import io.wstest.options.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code test-lb audit}: every scenario's question at once, within a time budget, as one report card. */
@Command(name = "audit",
  description = {"The whole verdict on a load balancer, within --budget: handshake (every check), spread (one "
    + "after another and with --hold), sticky (replay and control run), the idle timeout (a ladder of silent "
    + "sockets, and sockets sending WebSocket pings), and a drain rehearsal (one replica asked, through the "
    + "balancer, to drain while a small soak runs; then to accept again).",
    "Prints a report card: one line per check, pass / warn / fail / skipped, the figure measured, and the one-line "
      + "fix for the load balancer it recognised (nginx, ingress-nginx, HAProxy, Envoy, AWS ALB/NLB, Traefik).",
    "One endpoint: --endpoint http (default) or raw, or --url."},
  footer = {"", "Exit codes: 0 no check failed (warnings allowed unless --fail-on warn); 1 a check failed; 2 usage "
    + "error or unreachable target.",
    "Example: test-lb audit --url wss://lb.example.com/ws --admin-token \"$ADMIN_TOKEN\" --budget 3m "
      + "--json audit.json --html audit.html"})
public final class AuditCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectOptions connect;

  @Option(names = "--budget", paramLabel = "DURATION", defaultValue = "3m", converter = DurationConverter.class,
    description = "The whole audit ends within this (20s-1h, default: ${DEFAULT-VALUE}); each part gets its share, "
      + "and a part that would overrun is cut short and reported as skipped.")
  Duration budget;

  @Option(names = "--direct", paramLabel = "ws[s]://SERVER[:PORT]/PATH",
    description = "A server reached without the load balancer: the handshake compares the client address and "
      + "measures the latency the balancer adds.")
  String direct;

  @Mixin
  AdminTokenOption adminToken;

  @Option(names = "--no-drain",
    description = "Skip the drain rehearsal even when the admin toggles are open.")
  boolean noDrain;

  @Option(names = {"-n", "--connections"}, paramLabel = "N", defaultValue = "" + AuditSettings.DEFAULT_CONNECTIONS,
    description = "Connections in each spread run and each sticky run (2-" + AuditSettings.MAX_CONNECTIONS
      + ", default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--expect-instances", paramLabel = "K|cluster", converter = ExpectedInstances.Converter.class,
    description = "Spread fails when fewer than K instances answered (default: as many as the service's "
      + "GET /cluster lists when it has one, else 2).")
  ExpectedInstances expectInstances;

  @Option(names = "--expect-sticky",
    description = "Fail when connections are not pinned to one instance (by default stickiness is only reported).")
  boolean expectSticky;

  @Option(names = "--expect-not-sticky",
    description = "Fail when connections are pinned to one instance (by a cookie or the client's address).")
  boolean expectNotSticky;

  @Option(names = "--min-idle", paramLabel = "DURATION", defaultValue = AuditSettings.DEFAULT_MIN_IDLE,
    converter = DurationConverter.class,
    description = "Warn when silent sockets are cut sooner than this (default: ${DEFAULT-VALUE}).")
  Duration minIdle;

  @Option(names = "--fail-on", paramLabel = "fail|warn", defaultValue = "fail",
    description = "Exit 1 on a failed check (default), or on a warning too (warn), for strict pipelines.")
  String failOn;

  @Option(names = "--lb", paramLabel = "TYPE", defaultValue = "auto",
    description = "The load balancer, when it cannot be recognised: auto (default), " + LbType.OPTIONS_TEXT
      + ". Picks the fixes the card shows.")
  String lb;

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() {
    return TestLbRun.execute(spec, output, report -> new AuditScenario(AuditSettings.from(
      ConnectSettings.oneEndpoint(connect, "audit"), report, new AuditSettings.Given(direct, adminToken,
        System.getenv(), noDrain,
        budget, connections, expectInstances, expectSticky, expectNotSticky, minIdle, failOn, lb)),
      new DrainRehearsalAdapter()));
  }
}
