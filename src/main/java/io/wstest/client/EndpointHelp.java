package io.wstest.client;

import io.wstest.client.run.ConnectSettings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Map;

/**
 * {@code --endpoint} comes with the connect options every scenario shares, but not every scenario takes every
 * value: each one's --help lists only what it accepts, and its own default. The values are checked where the
 * scenario builds its settings ({@link ConnectSettings}); this is the help side of the same table.
 */
public final class EndpointHelp {

  private record Accepted(boolean both, String byDefault) {
  }

  private static final Map<String, Accepted> BY_SCENARIO = Map.of(
    "test-lb", new Accepted(true, "both"),
    "spread", new Accepted(true, "both"),
    "soak", new Accepted(true, "http"),
    "sticky", new Accepted(false, "http"),
    "weights", new Accepted(false, "http"),
    "idle-timeout", new Accepted(false, "http"),
    "handshake", new Accepted(false, "http"),
    "drain", new Accepted(false, "http"),
    "audit", new Accepted(false, "http"));

  private EndpointHelp() {
  }

  /** Rewrites the {@code --endpoint} help of test-lb and each of its scenarios; call once, on the built command. */
  public static void tailor(CommandLine testLb) {
    tailor(testLb.getCommandSpec());
    testLb.getSubcommands().values().forEach(scenario -> tailor(scenario.getCommandSpec()));
  }

  private static void tailor(CommandSpec scenario) {
    OptionSpec endpoint = scenario.findOption("--endpoint");
    Accepted accepted = BY_SCENARIO.get(scenario.name());
    if (endpoint == null || accepted == null) {
      return;
    }
    String description = "Which WebSocket endpoint to test: http = ws://HOST:HTTP_PORT/ws"
      + (accepted.both() ? ", raw = ws://HOST:WS_PORT/, or both" : " or raw = ws://HOST:WS_PORT/ (one at a time)")
      + " (default: " + accepted.byDefault() + ").";
    scenario.remove(endpoint);
    scenario.addOption(endpoint.toBuilder()
      .paramLabel(accepted.both() ? "http|raw|both" : "http|raw")
      .description(description)
      .build());
  }
}
