package io.wstest.client.drain;

import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.TestLbRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code test-lb drain}: rehearse a rollout of one replica through the load balancer, and count what it cost. */
@Command(name = "drain", description = {"Does draining a replica through my load balancer cost anything?",
    "Holds a few sockets (default endpoint: http, ws://HOST:HTTP_PORT/ws) sending sequence-numbered messages, and "
      + "meanwhile asks one replica, through the load balancer, to drain (POST /admin/drain?reject=503: it refuses "
      + "new sockets and closes its own with a shutdown message and 1001). The sockets reconnect as the soak's do. "
      + "Reports 1001 vs 1006 closes, lost messages, time to reconnect (p50/p99) and whether the reconnects avoided "
      + "the draining replica; then sends POST /admin/accept until that replica answers (at most 16 tries) and "
      + "reports whether it was accepted back."},
  footer = {"", "The admin toggles are used only when they are open or --admin-token / ADMIN_TOKEN is given; "
    + "otherwise the rehearsal is skipped with how to run 'test-lb soak' during a real rollout instead.",
    "Exit codes: 0 clean drain (only 1001, nothing lost, reconnects elsewhere, accepted back); 1 a 1006 or other "
      + "abnormal close, a lost message, a reconnect on the draining replica, none of the soak's sockets on it, or "
      + "not accepted back; 2 usage error, unreachable target, or no admin access (skipped).",
    "Example: ADMIN_TOKEN=... java -jar websocket-test-service.jar test-lb drain --host lb.internal --budget 1m "
      + "--json drain.json"})
public final class DrainCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectOptions connect;

  @Mixin
  DrainOptions drain;

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() {
    return TestLbRun.execute(spec, output, report -> new DrainScenario(DrainSettings.from(connect, drain,
      System.getenv())));
  }
}
