package io.wstest.client.soak;

import io.wstest.Main;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.TestLbRun;
import io.wstest.client.run.soak.SoakOptions;
import io.wstest.client.run.soak.SoakSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code test-lb soak}: hold sockets that send and reconnect while you roll out, and count what got lost. */
@Command(name = "soak", description = {"Does a rollout drop messages or connections?",
    "Holds N sockets (default endpoint: http, ws://HOST:HTTP_PORT/ws), each sending sequence-numbered messages "
      + "that the server answers, for the duration; every socket reconnects whenever it is closed: at once after "
      + "the server's shutdown message (the old socket still collects its answers and its close), else after a "
      + "backoff with jitter. Roll out or restart replicas meanwhile. Reports disconnects by close code, "
      + "time to reconnect, reconnects that landed on a draining instance, messages sent/answered/lost and the "
      + "instances before and after."},
  footer = {"", "Lost: sent and never answered (the socket closed first, or no answer by the end). Abnormal close: "
    + "anything but a close frame 1000/1001/1012/1013: 1006 (no close frame), TCP reset, 1011 ..., or no answer "
    + "within --timeout.",
    "--timeout here also bounds the wait for each answer, for the server's close after its shutdown message, "
      + "and for the last answers at the end.",
    "Exit codes: 0 pass; 1 more lost messages than --max-lost or abnormal closes than --max-abnormal-closes, "
      + "server messages missing, or sockets that could not reconnect; 2 usage error or unreachable target.",
    "Example: java -jar websocket-test-service.jar test-lb soak --host lb.internal --sockets 50 --rate 5 "
      + "--duration 5m --json soak.json"})
public final class SoakCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectOptions connect;

  @Mixin
  SoakOptions soak;

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() {
    return TestLbRun.execute(spec, output, report -> new SoakScenario(SoakSettings.from(connect, soak)));
  }
}
