package io.wstest.client.drain;

import io.wstest.options.DurationConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The drain scenario's own options (picocli mixin). */
public final class DrainOptions {

  @Mixin
  AdminTokenOption adminToken;

  @Option(names = "--budget", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
    description = "How long the rehearsal may take, roughly: the soak sends for a third of it, 5s to 1m "
      + "(10s-10m, default: ${DEFAULT-VALUE}).")
  Duration budget;

  @Option(names = {"-n", "--connections", "--sockets"}, paramLabel = "N", defaultValue = "6",
    description = "Sockets of the soak that runs during the drain (1-" + DrainRehearsalSettings.MAX_SOCKETS
      + ", default: ${DEFAULT-VALUE}); enough to have some on every replica.")
  int sockets;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "5",
    description = "Sequence-numbered messages per second per socket, each answered by the server (above 0, at most "
      + "50; default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--direct", paramLabel = "ws[s]://SERVER[:PORT]/PATH",
    description = "A replica reached without the load balancer: POST /admin/accept goes there first, and it takes "
      + "it when it is the drained one (else the accept is sent through the load balancer until the drained "
      + "replica answers).")
  String direct;
}
