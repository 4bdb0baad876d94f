package io.wstest.client.weights;

import io.wstest.Main;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.TestLbRun;
import io.wstest.options.FractionConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code test-lb weights}: is the canary split what it should be? */
@Command(name = "weights",
  description = {"Is my canary split right? Opens N connections, groups the instances that served them by an "
    + "identity field (version by default: set SERVICE_VERSION=v1 / v2 on the replicas) and checks the observed "
    + "shares against --weights with a Wilson score interval per group.",
    "One endpoint per run: --endpoint http (default) or raw, or --url."},
  footer = {"", "Exit codes: 0 every expected share inside its interval; 1 a share outside its interval, an instance "
    + "whose field matches no weight name, or failed connections; 2 usage error or unreachable target.",
    "Example: test-lb weights --host lb.internal -n 400 --weights v1=90,v2=10"})
public final class WeightsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectOptions connect;

  @Option(names = "--weights", paramLabel = "NAME=W[,NAME=W...]", required = true,
    description = "The intended split, e.g. v1=90,v2=10 (weights are relative: 9,1 is the same). NAME is a value "
      + "of --field; 0 means no connection may land there.")
  String weights;

  @Option(names = "--field", paramLabel = "FIELD", defaultValue = "version",
    description = "The service_identity field the weight names are matched against: version (SERVICE_VERSION), "
      + "pod_name, service_name, display_name, instance_id, hostname, node_name, namespace ... "
      + "(default: ${DEFAULT-VALUE}).")
  String field;

  @Option(names = {"-n", "--connections"}, paramLabel = "N", defaultValue = "200",
    description = "Connections to open (1-10000, default: ${DEFAULT-VALUE}). More connections narrow the intervals: "
      + "about +/-7 points at 200, +/-3 at 1000 for a 75/25 split.")
  int connections;

  @Option(names = "--concurrency", paramLabel = "C", defaultValue = "1",
    description = "Connection attempts in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "0.95", converter = FractionConverter.class,
    description = "Confidence level of each group's Wilson score interval, 0.5-0.9999 or 50%%-99.99%% "
      + "(default: ${DEFAULT-VALUE}). Higher: fewer false alarms, wider intervals.")
  double confidence;

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() {
    return TestLbRun.execute(spec, output, report -> new WeightsScenario(settings()));
  }

  /** The settings this command line asks for; throws {@link io.wstest.options.InvalidOption} for an unusable value. */
  public WeightsSettings settings() {
    return WeightsSettings.from(connect, weights, field, connections, concurrency, confidence);
  }
}
