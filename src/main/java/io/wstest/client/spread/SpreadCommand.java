package io.wstest.client.spread;

import io.wstest.Main;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.TestLbRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code test-lb spread}: the same test as plain {@code test-lb}, by its name. */
@Command(name = "spread", description = {"How are connections spread over the instances? (test-lb's default scenario)",
    "Checks GET /health, opens N WebSockets per endpoint, reads each welcome (which instance served it), "
      + "sends a ping, and reports the spread with statistics."},
  footer = {"", "Exit codes: 0 pass; 1 test failed (fewer instances than expected, skew, weights, failed "
    + "connections); 2 usage error or unreachable target."})
public final class SpreadCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectOptions connect;

  @Mixin
  SpreadOptions spread;

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() {
    return run(spec, connect, spread, output);
  }

  public static int run(CommandSpec spec, ConnectOptions connect, SpreadOptions spread, OutputOptions output) {
    return TestLbRun.execute(spec, output,
      report -> new SpreadScenario(TestLbSettings.from(connect, spread, output, report.terminal())));
  }
}
