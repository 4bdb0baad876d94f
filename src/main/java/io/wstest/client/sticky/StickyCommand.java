package io.wstest.client.sticky;

import io.wstest.Main;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.TestLbRun;
import io.wstest.options.FractionConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code test-lb sticky}: does the load balancer send a client back to the same instance? */
@Command(name = "sticky",
  description = {"Is my ingress sticky? Connects K times one after another, replaying the cookies the load balancer "
    + "set in the handshake responses (Set-Cookie) and every --header, and reports the share of connections that "
    + "returned to the first connection's instance and which cookie or header pinned them.",
    "A control run then connects K times with no cookies and no --header values: when it is sticky too, the "
    + "affinity comes from the client's address (source-IP hash, ClientIP affinity), not from a cookie.",
    "One endpoint per run: --endpoint http (default) or raw, or --url."},
  footer = {"", "Exit codes: 0 sticky (share >= --min-sticky, no failed connection); 1 not sticky enough, or "
    + "connections failed; 2 usage error or unreachable target.",
    "Example: test-lb sticky --url wss://ws.example.com/ws --connections 20 --min-sticky 0.99"})
public final class StickyCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectOptions connect;

  @Option(names = {"-n", "--connections"}, paramLabel = "K", defaultValue = "20",
    description = "Connections in the replay run, and again in the control run (2-10000, default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--min-sticky", paramLabel = "SHARE", defaultValue = "0.99", converter = FractionConverter.class,
    description = "Fail (exit 1) when fewer than this share of the connections after the first returned to the "
      + "first one's instance: 0.99 or 99%% (default: ${DEFAULT-VALUE}).")
  double minSticky;

  @Option(names = "--control", negatable = true, defaultValue = "true", fallbackValue = "true",
    description = "Also run K connections without cookies and without --header values, to tell cookie affinity "
      + "from address affinity (default: on; --no-control skips it).")
  boolean control;

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() {
    return TestLbRun.execute(spec, output, report -> new StickyScenario(settings()));
  }

  /** The settings this command line asks for; throws {@link io.wstest.options.InvalidOption} for an unusable value. */
  public StickySettings settings() {
    return StickySettings.from(connect, connections, minSticky, control);
  }
}
