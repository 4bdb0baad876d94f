package io.wstest.client.spread;

import io.wstest.client.run.ExpectedInstances;
import picocli.CommandLine.Option;

/** How many connections the spread test opens, how, and what counts as a pass (picocli mixin). */
public final class SpreadOptions {

  @Option(names = {"-n", "--connections"}, paramLabel = "N", defaultValue = "10",
    description = "WebSocket connections per endpoint (1-10000, default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--hold",
    description = "Keep all N sockets open until the last one connected (what long-lived WebSockets do; "
      + "least-connections balancing only shows this way). Default: connect, ping and close one after another.")
  boolean hold;

  @Option(names = "--concurrency", paramLabel = "C", defaultValue = "1",
    description = "Connection attempts in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--expect-instances", paramLabel = "K|cluster", converter = ExpectedInstances.Converter.class,
    description = "Fail (exit 1) when fewer than K distinct instances answered on an endpoint "
      + "(default: 2, i.e. traffic must be spread; use 1 for a single instance or a sticky session). "
      + "'cluster': K is the number of replicas the service's own GET /cluster lists (clustering with REDIS_URL); "
      + "exits 2 when clustering is off.")
  ExpectedInstances expectInstances;

  @Option(names = "--max-skew", paramLabel = "R",
    description = "Fail (exit 1) when the busiest instance got more than R times the connections of the "
      + "least busy one (R >= 1).")
  Double maxSkew;

  @Option(names = "--weights", paramLabel = "NAME=W[,NAME=W...]",
    description = "Intended split, e.g. a=3,b=1 (NAME is a pod name, display name, hostname or instance id): "
      + "chi-square is computed against it and p < 0.01 fails.")
  String weights;
}
