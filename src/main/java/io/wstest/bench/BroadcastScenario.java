package io.wstest.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** N receivers and one sender: how long until a broadcast reached every receiver. */
@Command(name = "broadcast", description = "One sender, N receivers: time until all received, p99 delivery latency.")
final class BroadcastScenario extends Scenario {

  private static final long ROUND_TIMEOUT_MS = 10_000;
  private static final long GAP_MS = 200;

  @Option(names = {"-n", "--receivers"}, defaultValue = "2000", description = "receivers (default: ${DEFAULT-VALUE})")
  int receivers;

  @Option(names = "--rounds", defaultValue = "10", description = "broadcasts sent, one at a time (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--warmup-rounds", defaultValue = "5", paramLabel = "N",
    description = "broadcasts sent before the measured rounds, for the JIT; not in the figures "
      + "(default: ${DEFAULT-VALUE})")
  int warmupRounds;

  @Option(names = "--rate", defaultValue = "2000", paramLabel = "PER_SECOND",
    description = "receiver connections opened per second (default: ${DEFAULT-VALUE})")
  int rate;

  @Override
  void validate() {
    if (receivers < 1 || receivers > 18_000) {
      throw bad("--receivers", receivers + " is not between 1 and 18000");
    }
    if (rounds < 1 || rounds > 1000) {
      throw bad("--rounds", rounds + " is not between 1 and 1000");
    }
    if (warmupRounds < 0 || warmupRounds > 1000) {
      throw bad("--warmup-rounds", warmupRounds + " is not between 0 and 1000");
    }
    if (rate < 1 || rate > 100_000) {
      throw bad("--rate", rate + " is not between 1 and 100000 per second");
    }
  }

  @Override
  JsonObject settings() {
    return new JsonObject().put("receivers", receivers).put("rounds", rounds).put("warmup_rounds", warmupRounds)
      .put("rate_per_s", rate);
  }

  @Override
  long timeLimitMs() {
    return Opener.deadlineMs(receivers + 1, rate) + (warmupRounds + rounds) * (ROUND_TIMEOUT_MS + GAP_MS) + 60_000;
  }

  @Override
  Future<JsonObject> run(LoadClient client, ServerUnderTest server) {
    return new Run(client, server).start();
  }

  private final class Run {
    final LoadClient client;
    final ServerUnderTest server;
    final Histogram delivery = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    final long[] allDelivered = new long[rounds];
    final Opener opener;
    ClientWebSocket sender;
    String marker;
    long sentAt;
    int received;
    int missing;
    boolean measuring;
    Promise<Void> roundDone;

    Run(LoadClient client, ServerUnderTest server) {
      this.client = client;
      this.server = server;
      this.opener = new Opener(client, server, receivers, rate, (index, text) -> onMessage(text));
    }

    Future<JsonObject> start() {
      Opener senderOpener = new Opener(client, server, 1, 1, null);
      return opener.start()
        .compose(v -> opener.failed > 0
          ? Future.failedFuture(opener.failed + " of " + receivers + " receivers could not connect")
          : senderOpener.start())
        .compose(v -> {
          if (senderOpener.sockets.isEmpty() || senderOpener.established == 0) {
            return Future.failedFuture("the sender could not connect");
          }
          sender = senderOpener.sockets.get(0);
          return round(-warmupRounds);
        })
        .map(v -> figures())
        .eventually(() -> Future.join(opener.closeAll(), senderOpener.closeAll()));
    }

    /** Round {@code r}: negative ones are the warm-up, sent and awaited like the others but not measured. */
    private Future<Void> round(int r) {
      if (r == rounds) {
        return Future.succeededFuture();
      }
      measuring = r >= 0;
      marker = "bench-round-" + r + "-" + System.nanoTime();
      received = 0;
      roundDone = Promise.promise();
      long timeout = client.vertx().setTimer(ROUND_TIMEOUT_MS, id -> {
        missing += receivers - received;
        if (r >= 0) {
          allDelivered[r] = -1;
        }
        roundDone.tryComplete();
      });
      sentAt = System.nanoTime();
      sender.writeTextMessage("{\"type\":\"broadcast\",\"message\":\"" + marker + "\"}");
      return roundDone.future()
        .compose(v -> {
          client.vertx().cancelTimer(timeout);
          if (r >= 0 && allDelivered[r] == 0) {
            allDelivered[r] = System.nanoTime() - sentAt;
          }
          return client.timer(GAP_MS);
        })
        .compose(v -> round(r + 1));
    }

    private void onMessage(String text) {
      if (marker != null && text.contains(marker) && roundDone != null && !roundDone.future().isComplete()) {
        if (measuring) {
          delivery.recordValue(Math.min(System.nanoTime() - sentAt, delivery.getHighestTrackableValue()));
        }
        if (++received == receivers) {
          roundDone.tryComplete();
        }
      }
    }

    private JsonObject figures() {
      long[] complete = Arrays.stream(allDelivered).filter(n -> n > 0).sorted().toArray();
      JsonObject figures = new JsonObject()
        .put("receivers", opener.established)
        .put("rounds_complete", complete.length)
        .put("missing_deliveries", missing);
      if (complete.length > 0) {
        figures.put("all_delivered_ms_median", EchoScenario.ms(complete[complete.length / 2]))
          .put("all_delivered_ms_max", EchoScenario.ms(complete[complete.length - 1]));
      }
      figures.put("delivery_p50_ms", EchoScenario.ms(delivery.getValueAtPercentile(50)))
        .put("delivery_p99_ms", EchoScenario.ms(delivery.getValueAtPercentile(99)));
      server.stats().ifPresent(s -> figures.put("server_rss_kb", s.rssKb()));
      return figures;
    }
  }
}
