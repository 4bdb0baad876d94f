package io.wstest.client.idle;

import io.wstest.Main;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.TestLbRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code test-lb idle-timeout}: the load balancer's idle timeout, and whether a keepalive beats it. */
@Command(name = "idle-timeout", description = {"What is my load balancer's idle timeout, and does a keepalive beat it?",
    "Opens WebSockets with the server's pings turned off for them (connection option server_ping=off), keeps "
      + "them silent or sends a keepalive, and reports when and how the load balancer cut each one: ms since the "
      + "last frame, close code (1006 = TCP closed without a close frame, or a TCP reset), which instance.",
    "Default endpoint: http (ws://HOST:HTTP_PORT/ws); --endpoint raw for the raw server. Until-cut mode by "
      + "default; --ladder for fixed idle times."},
  footer = {"", "Exit codes: 0 measured, and --min-idle / --expect-keepalive-survives held; 1 a socket could not "
    + "be set up, or a check failed; 2 usage error or unreachable target.",
    "Example: test-lb idle-timeout --host lb.internal --keepalive none,ping --keepalive-interval 20s "
      + "--max-idle 5m --json idle.json"})
public final class IdleTimeoutCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectOptions connect;

  @Mixin
  IdleTimeoutOptions idle;

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() {
    return TestLbRun.execute(spec, output,
      report -> new IdleTimeoutScenario(IdleTimeoutSettings.from(connect, idle, output, report.terminal())));
  }
}
