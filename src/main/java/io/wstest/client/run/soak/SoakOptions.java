package io.wstest.client.run.soak;

import io.wstest.options.DurationConverter;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The soak scenario's own options (picocli mixin): the load it holds, how it reconnects, and what fails it. */
public final class SoakOptions {

  @Option(names = {"-n", "--connections", "--sockets"}, paramLabel = "N", defaultValue = "20",
    description = "Sockets to hold open, each reconnecting whenever it is closed (1-" + SoakSettings.MAX_SOCKETS
      + ", default: ${DEFAULT-VALUE}).")
  int sockets;

  @Option(names = "--rate", paramLabel = "R", defaultValue = "5",
    description = "Sequence-numbered messages per second per socket, each answered by the server "
      + "(0-" + SoakSettings.MAX_RATE_TEXT + ", at most " + SoakSettings.MAX_TOTAL_RATE_TEXT
      + " in all; 0 = only hold the sockets; "
      + "default: ${DEFAULT-VALUE}).")
  String rate;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
    description = "How long to send; roll out meanwhile (1s-1h, default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--ramp-up", paramLabel = "DURATION", converter = DurationConverter.class,
    description = "Open the sockets spread evenly over this long, as real clients arrive "
      + "(default: 1s, at most a tenth of --duration).")
  Duration rampUp;

  @Option(names = "--backoff-min", paramLabel = "DURATION", defaultValue = "100ms", converter = DurationConverter.class,
    description = "First wait before reconnecting after an unannounced close or a failed attempt; doubles with "
      + "every failed attempt, with jitter (default: ${DEFAULT-VALUE}). After a shutdown message the client "
      + "reconnects at once.")
  Duration backoffMin;

  @Option(names = "--backoff-max", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
    description = "Longest wait between reconnect attempts (default: ${DEFAULT-VALUE}).")
  Duration backoffMax;

  @Option(names = "--cluster-broadcast-every", paramLabel = "DURATION", converter = DurationConverter.class,
    description = "With a clustered service (REDIS_URL): every DURATION one open socket sends a broadcast with "
      + "scope cluster, which every open socket of the soak should receive whatever replica it is on; the report "
      + "counts received/expected and judges losses against complete acks (100ms-1h, default: off).")
  Duration clusterBroadcastEvery;

  @Option(names = "--max-lost", paramLabel = "N", defaultValue = "0",
    description = "Fail (exit 1) when more than N messages were lost: sent and never answered "
      + "(default: ${DEFAULT-VALUE}).")
  long maxLost;

  @Option(names = "--max-abnormal-closes", paramLabel = "N", defaultValue = "0",
    description = "Fail (exit 1) when more than N sockets ended abnormally: 1006 (no close frame), TCP reset, "
      + "1011 or any code but 1000/1001/1012/1013, or no answer within --timeout (default: ${DEFAULT-VALUE}).")
  long maxAbnormalCloses;
}
