package io.wstest.client;

import io.wstest.client.audit.AuditCommand;
import io.wstest.client.drain.DrainCommand;
import io.wstest.client.handshake.HandshakeCommand;
import io.wstest.client.idle.IdleTimeoutCommand;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.Scenario;
import io.wstest.client.soak.SoakCommand;
import io.wstest.client.spread.SpreadCommand;
import io.wstest.client.spread.SpreadOptions;
import io.wstest.client.sticky.StickyCommand;
import io.wstest.client.weights.WeightsCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code test-lb}: opens WebSockets through a load balancer and measures what it does with them. Without a
 * scenario name it runs {@code spread} (the seed's test); the other scenarios are subcommands that share the
 * connect and output options (mixins).
 */
@Command(name = "test-lb",
  description = {"Test how a load balancer treats WebSockets to websocket-test-service instances.",
    "Without a scenario: the spread test (same as 'test-lb spread'). Scenario options go after its name: "
      + "test-lb sticky --host HOST.",
    "'test-lb audit' runs them all within a time budget and prints a report card with the fix for the load "
      + "balancer it recognises."},
  subcommands = {SpreadCommand.class, StickyCommand.class, IdleTimeoutCommand.class, SoakCommand.class,
    WeightsCommand.class, HandshakeCommand.class, DrainCommand.class, AuditCommand.class},
  footer = {"", "Exit codes: 0 pass; 1 test failed (fewer instances than expected, skew, weights, failed "
    + "connections, a handshake check, an audit check); 2 usage error or unreachable target.",
    "Example: java -jar websocket-test-service.jar test-lb --host localhost --connections 10",
    "Help for a scenario: java -jar websocket-test-service.jar test-lb sticky --help"})
public final class TestLbCommand implements Callable<Integer> {

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
    return SpreadCommand.run(spec, connect, spread, output);
  }
}
