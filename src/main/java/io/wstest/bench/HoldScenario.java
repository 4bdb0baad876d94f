package io.wstest.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.wstest.options.DurationConverter;
import io.wstest.options.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/** Opens N idle connections at a rate, holds them, and measures what they cost the server. */
@Command(name = "hold", description = "Idle connections: connect rate, failures, server RSS and heap per connection.")
final class HoldScenario extends Scenario {

  @Option(names = {"-n", "--connections"}, defaultValue = "1000",
    description = "connections to open and hold (default: ${DEFAULT-VALUE}; at most 18000, the fd limit)")
  int connections;

  @Option(names = "--rate", defaultValue = "2000", paramLabel = "PER_SECOND",
    description = "connections opened per second (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--hold", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
    description = "how long to hold them open before measuring; a bare number is seconds (default: ${DEFAULT-VALUE})")
  Duration hold;

  @Option(names = "--warmup-connections", defaultValue = "0", paramLabel = "N",
    description = "open and close N connections before the idle sample, so one-off costs of the first "
      + "connections (JIT, class loading, first touch of the young generation) count as idle memory, not per "
      + "connection: the figures become the marginal cost of a held connection (default: ${DEFAULT-VALUE})")
  int warmupConnections;

  @Option(names = "--rss-only",
    description = "sample only the server's RSS, without the heap samples: bench then never runs jcmd against the "
      + "server, whose full GC (GC.run) and attach listener add about 5 MB to the server's RSS from the first "
      + "sample on; the RSS figures are then what the server holds on its own, as ps or a container's memory "
      + "shows it, and heap_kb_per_conn is not reported")
  boolean rssOnly;

  @Override
  void validate() {
    if (connections < 1 || connections > 18_000) {
      throw bad("--connections", connections + " is not between 1 and 18000 (each side has at most 20000 fds)");
    }
    if (rate < 1 || rate > 100_000) {
      throw bad("--rate", rate + " is not between 1 and 100000 per second");
    }
    if (hold.compareTo(Duration.ofHours(1)) > 0) {
      throw bad("--hold", Durations.format(hold) + " is not between 0s and 1h");
    }
    if (warmupConnections < 0 || warmupConnections > 18_000) {
      throw bad("--warmup-connections", warmupConnections + " is not between 0 and 18000");
    }
  }

  @Override
  JsonObject settings() {
    return new JsonObject().put("connections", connections).put("rate_per_s", rate).put("hold_s", seconds(hold))
      .put("warmup_connections", warmupConnections).put("rss_only", rssOnly);
  }

  @Override
  String nothingMeasured(JsonObject figures) {
    return figures.getInteger("connections", 0) == 0 ? "no connection was established (" + figures.getInteger(
      "failures", 0) + " failed)" : null;
  }

  @Override
  long timeLimitMs() {
    return Opener.deadlineMs(connections, rate) + Opener.deadlineMs(warmupConnections, rate) + hold.toMillis()
      + 120_000;
  }

  @Override
  Future<JsonObject> run(LoadClient client, ServerUnderTest server) {
    Opener opener = new Opener(client, server, connections, rate, null);
    JsonObject figures = new JsonObject();
    Sample[] before = new Sample[1];
    return warmUp(client, server, figures)
      .compose(v -> sample(client, server, rssOnly))
      .compose(s -> {
        before[0] = s;
        return opener.start();
      })
      .compose(v -> {
        figures.put("connections", opener.established)
          .put("failures", opener.failed)
          .put("connects_per_s", Report.round(opener.established / opener.connectSeconds(), 1));
        if (opener.failed > 0) {
          // the per-connection figures divide by the connections that succeeded; say why the others did not
          PrintWriter err = spec.commandLine().getErr();
          err.println("Note: " + opener.failed + " of " + connections + " connections failed ("
            + (opener.firstFailure != null ? "the first: " + opener.firstFailure : "no welcome before the deadline")
            + ")");
          err.flush();
        }
        return client.timer(hold.toMillis());
      })
      .compose(v -> sample(client, server, rssOnly))
      .map(after -> {
        before[0].rssKb.ifPresent(rss -> figures.put("server_idle_rss_kb", rss));
        after.rssKb.ifPresent(rss -> figures.put("server_rss_kb", rss));
        if (opener.established > 0) {
          before[0].rssKb.flatMap(b -> after.rssKb.map(a -> Report.round((a - b) / (double) opener.established, 2)))
            .ifPresent(kb -> figures.put("rss_kb_per_conn", kb));
          before[0].heapKb.flatMap(b -> after.heapKb.map(a -> Report.round((a - b) / (double) opener.established, 2)))
            .ifPresent(kb -> figures.put("heap_kb_per_conn", kb));
        }
        return figures;
      })
      .eventually(opener::closeAll);
  }

  /** Opens and closes up to 1000 connections at the rate, figures dropped; {@code length} is not used. */
  @Override
  Future<?> warmUpClient(LoadClient client, ServerUnderTest server, Duration length) {
    Opener opener = new Opener(client, server, Math.min(connections, 1000), rate, null);
    return opener.start().compose(v -> opener.closeAll());
  }

  /** Opens and closes the warm-up connections; the server has closed them a moment after their close handshakes. */
  private Future<Void> warmUp(LoadClient client, ServerUnderTest server, JsonObject figures) {
    if (warmupConnections == 0) {
      return Future.succeededFuture();
    }
    Opener warmup = new Opener(client, server, warmupConnections, rate, null);
    return warmup.start()
      .compose(v -> {
        figures.put("warmup_failures", warmup.failed);
        return warmup.closeAll();
      })
      .compose(v -> client.timer(1000));
  }

  private record Sample(Optional<Long> rssKb, Optional<Long> heapKb) {
  }

  /** Heap after a full GC (jcmd, blocking: off the event loop), then RSS; with {@code rssOnly} the RSS alone. */
  private static Future<Sample> sample(LoadClient client, ServerUnderTest server, boolean rssOnly) {
    return client.vertx().executeBlocking(() -> {
      Optional<Long> heap = rssOnly ? Optional.empty() : server.heapUsedKbAfterGc();
      return new Sample(server.stats().map(ProcStats::rssKb), heap);
    });
  }
}
