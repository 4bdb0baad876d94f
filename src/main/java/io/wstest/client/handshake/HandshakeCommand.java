package io.wstest.client.handshake;

import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.TestLbRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code test-lb handshake}: what the load balancer did to the WebSocket handshake and its messages. */
@Command(name = "handshake", description = {"What did my load balancer do to the WebSocket handshake?",
    "Through the balancer, a few handshakes compare what the client sent with what the server saw and what "
      + "came back: the 101 (or the server's 426 diagnosis), a subprotocol, permessage-deflate, a random marker "
      + "header, Host, Origin, the client address, the HTTP version, where TLS ends, and the largest message "
      + "that passes (up to the server's MAX_MESSAGE_BYTES). With --direct also the client address as the "
      + "server sees it directly and the latency the balancer adds.",
    "Each check: pass, warn, fail or skipped, with what was measured and a one-line fix for nginx, HAProxy and "
      + "ingress-nginx. Default endpoint: http (ws://HOST:HTTP_PORT/ws); --endpoint raw or --url."},
  footer = {"", "Exit codes: 0 no check failed (warnings allowed); 1 a check failed; 2 usage error or unreachable "
    + "target.",
    "Example: test-lb handshake --url wss://lb.example.com/ws --direct ws://10.0.0.5:8080/ws --json handshake.json"})
public final class HandshakeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectOptions connect;

  @Mixin
  HandshakeOptions handshake;

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() {
    return TestLbRun.execute(spec, output,
      report -> new HandshakeScenario(HandshakeSettings.from(connect, handshake, output, report.terminal())));
  }
}
