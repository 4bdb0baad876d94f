package io.wstest.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code bench}: the load generator. Each scenario is a subcommand; see docs/performance.md. */
@Command(name = "bench",
  description = {"Benchmark the service (or any WebSocket server on loopback) with a bounded load scenario.",
    "Typical: java -XX:+UseSerialGC -jar websocket-test-service.jar bench echo --spawn --baseline",
    "(--spawn pins the service to CPU 0 and this load generator to CPU 1; see docs/performance.md)",
    "Side by side with other servers: --peer \"go=/path/peer-go -http {http} -ws {ws}\" (repeatable)"},
  subcommands = {EchoScenario.class, HoldScenario.class, BroadcastScenario.class, ConnectScenario.class,
    BaselineServer.class},
  footer = {"", "Every scenario is bounded in count and time and stops by itself.",
    "Targets must be loopback addresses unless --allow-remote is given.",
    "Exit codes: 0 ok; 1 a run failed or measured nothing (no connection,",
    "handshake, echo or complete round; the table is printed first); 2 bad flag."})
public final class BenchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
      "Missing scenario: choose one of echo, hold, broadcast, connect");
  }
}
