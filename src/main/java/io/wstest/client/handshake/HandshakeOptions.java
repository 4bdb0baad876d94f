package io.wstest.client.handshake;

import picocli.CommandLine.Option;

/** The options of {@code test-lb handshake} besides the shared connect and output ones (picocli mixin). */
public final class HandshakeOptions {

  @Option(names = "--direct", paramLabel = "ws[s]://SERVER[:PORT]/PATH",
    description = "A server reached without the load balancer: compares the client address the balancer "
      + "forwards with the one the server sees directly, and measures the latency the balancer adds.")
  String direct;

  @Option(names = "--subprotocol", paramLabel = "NAME", defaultValue = "wstest.check",
    description = "Subprotocol to offer on the subprotocol check's handshake (default: ${DEFAULT-VALUE}).")
  String subprotocol;

  @Option(names = "--origin", paramLabel = "ORIGIN",
    description = "Origin header to send (default: http(s)://HOST:PORT of the target, as a page there would).")
  String origin;

  @Option(names = "--pings", paramLabel = "N", defaultValue = "50",
    description = "Ping round trips on each path for the latency check with --direct (1-1000; "
      + "default: ${DEFAULT-VALUE}).")
  int pings;
}
