package io.wstest.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * N receivers and one sender: how long until a broadcast reached every receiver. With {@code --redis --replicas R}
 * the service runs as R replicas on a redis-server this command starts, the receivers are spread over the
 * replicas, and the sender's broadcasts have scope cluster: the figure is the fan-out across replicas.
 */
@Command(name = "broadcast", description = {"One sender, N receivers: time until all received, p99 delivery latency.",
  "The first round (cold: the server's first broadcast) is reported apart from the median of the measured rounds "
    + "(warm: after --warmup-rounds)."})
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

  @Option(names = "--replicas", defaultValue = "1", paramLabel = "R",
    description = "with --spawn --redis: R service replicas sharing one redis-server; the receivers are spread "
      + "over them, the sender is on the first, and broadcasts have scope cluster (1-" + MAX_REPLICAS
      + ", default: ${DEFAULT-VALUE})")
  int replicas;

  @Option(names = "--redis", description = "start redis-server (from the PATH) on a free loopback port and every "
    + "spawned replica with REDIS_URL pointing at it; stopped with them. Needs --spawn")
  boolean redis;

  static final int MAX_REPLICAS = 8;
  private static final long CLUSTER_VIEW_TIMEOUT_MS = 20_000;

  /** The redis-server and the replicas beyond the first that this run started; stopped in {@link #afterRun}. */
  private RedisServer redisServer;
  private final List<ServerUnderTest> moreReplicas = new ArrayList<>();

  @Override
  Map<String, String> serviceEnvironment() {
    if (!redis) {
      return Map.of();
    }
    redisServer = RedisServer.start();
    return Map.of("REDIS_URL", redisServer.url(), "CLUSTER_HEARTBEAT", "200ms");
  }

  @Override
  void afterRun() {
    synchronized (moreReplicas) {
      moreReplicas.forEach(ServerUnderTest::close);
      moreReplicas.clear();
    }
    if (redisServer != null) {
      redisServer.close();
      redisServer = null;
    }
  }

  private boolean cluster() {
    return redis;
  }

  @Override
  void validate() {
    if (replicas < 1 || replicas > MAX_REPLICAS) {
      throw bad("--replicas", replicas + " is not between 1 and " + MAX_REPLICAS);
    }
    if (replicas > 1 && !redis) {
      throw bad("--replicas", "more than one replica needs --redis (the replicas share it)");
    }
    if (redis && !common.spawn) {
      throw bad("--redis", "needs --spawn (the replicas are started with REDIS_URL)");
    }
    if (redis && common.baseline) {
      throw bad("--baseline", "not with --redis (the baseline server has no cluster)");
    }
    if (redis && hasPeers()) {
      throw bad("--peer", "not with --redis (peers have no cluster)");
    }
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
    JsonObject settings = new JsonObject().put("receivers", receivers).put("rounds", rounds)
      .put("warmup_rounds", warmupRounds).put("rate_per_s", rate);
    if (redis) {
      settings.put("replicas", replicas).put("redis", true).put("scope", "cluster");
    }
    return settings;
  }

  @Override
  String nothingMeasured(JsonObject figures) {
    return figures.getInteger("rounds_complete", 0) == 0 ? "no round reached every receiver ("
      + figures.getInteger("receivers", 0) + " receivers connected)" : null;
  }

  @Override
  long timeLimitMs() {
    return Opener.deadlineMs(receivers + 1, rate) + (warmupRounds + rounds) * (ROUND_TIMEOUT_MS + GAP_MS) + 60_000
      + (redis ? 90_000 + CLUSTER_VIEW_TIMEOUT_MS : 0);
  }

  @Override
  Future<JsonObject> run(LoadClient client, ServerUnderTest server) {
    return new Run(client, server, new Shape(receivers, rounds, warmupRounds, GAP_MS, cluster())).start();
  }

  /**
   * Up to 1000 receivers on the in-process warm-up server, one round per 50 ms of {@code length} (at least 1, at
   * most 200) with 20 ms between rounds; never cluster mode, figures dropped.
   */
  @Override
  Future<?> warmUpClient(LoadClient client, ServerUnderTest server, Duration length) {
    int warmRounds = (int) Math.max(1, Math.min(200, length.toMillis() / 50));
    return new Run(client, server, new Shape(Math.min(receivers, 1000), warmRounds, 0, 20, false)).start();
  }

  /** One run's size: the options' for a measured run, smaller for the load generator's warm-up. */
  private record Shape(int receivers, int rounds, int warmupRounds, long gapMs, boolean cluster) {
  }

  private final class Run {
    final LoadClient client;
    final ServerUnderTest server;
    final int receivers;
    final int rounds;
    final int warmupRounds;
    final long gapMs;
    final boolean cluster;
    final Histogram delivery = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    final long[] allDelivered;
    /** The very first round's time to the last receiver (the server's first broadcast); -1 if it timed out. */
    long firstRound;
    final List<Opener> openers = new ArrayList<>();
    final List<Integer> perReplica = new ArrayList<>();
    Promise<Void> clusterSeen;
    ClientWebSocket sender;
    String marker;
    long sentAt;
    int received;
    int missing;
    long lastReceivedAt;
    boolean measuring;
    Promise<Boolean> roundDone;

    Run(LoadClient client, ServerUnderTest server, Shape shape) {
      this.client = client;
      this.server = server;
      this.receivers = shape.receivers();
      this.rounds = shape.rounds();
      this.warmupRounds = shape.warmupRounds();
      this.gapMs = shape.gapMs();
      this.cluster = shape.cluster();
      this.allDelivered = new long[rounds];
    }

    Future<JsonObject> start() {
      Opener senderOpener = new Opener(client, server, 1, 1, (index, text) -> onSenderMessage(text));
      return startReplicas()
        .compose(all -> {
          // receivers round robin over the replicas, opened at the rate in all
          for (int i = 0; i < all.size(); i++) {
            int count = receivers / all.size() + (i < receivers % all.size() ? 1 : 0);
            perReplica.add(count);
            if (count > 0) {
              openers.add(new Opener(client, all.get(i), count, Math.max(1, rate / all.size()),
                (index, text) -> onMessage(text)));
            }
          }
          return Future.all(openers.stream().map(Opener::start).toList());
        })
        .compose(v -> failedReceivers() > 0
          ? Future.failedFuture(failedReceivers() + " of " + receivers + " receivers could not connect ("
            + openers.stream().map(o -> o.firstFailure).filter(java.util.Objects::nonNull).findFirst()
              .orElse("no welcome in time") + ")")
          : senderOpener.start())
        .compose(v -> {
          if (senderOpener.sockets.isEmpty() || senderOpener.established == 0) {
            return Future.failedFuture("the sender could not connect");
          }
          sender = senderOpener.sockets.get(0);
          return awaitClusterView();
        })
        .compose(v -> round(-warmupRounds))
        .map(v -> figures())
        .eventually(() -> {
          List<Future<Void>> closing = new ArrayList<>(openers.stream().map(Opener::closeAll).toList());
          closing.add(senderOpener.closeAll());
          return Future.join(closing);
        });
    }

    private int failedReceivers() {
      return openers.stream().mapToInt(o -> o.failed).sum();
    }

    private int establishedReceivers() {
      return openers.stream().mapToInt(o -> o.established).sum();
    }

    /** The spawned service, and in cluster mode the other replicas, started side by side on a worker thread. */
    private Future<List<ServerUnderTest>> startReplicas() {
      if (!cluster || replicas == 1) {
        return Future.succeededFuture(List.of(server));
      }
      Map<String, String> env = Map.of("REDIS_URL", redisServer.url(), "CLUSTER_HEARTBEAT", "200ms");
      SpawnSettings spawn = spawnSettings();
      return client.vertx().executeBlocking(() -> {
        List<CompletableFuture<ServerUnderTest>> starting = new ArrayList<>();
        for (int i = 1; i < replicas; i++) {
          CompletableFuture<ServerUnderTest> one = CompletableFuture.supplyAsync(
            () -> ServerUnderTest.spawnService(spawn, env));
          // kept as they come, so that afterRun stops even those started when another one failed
          one.thenAccept(started -> {
            synchronized (moreReplicas) {
              moreReplicas.add(started);
            }
          });
          starting.add(one);
        }
        List<ServerUnderTest> all = new ArrayList<>(List.of(server));
        for (CompletableFuture<ServerUnderTest> one : starting) {
          all.add(one.join());
        }
        return all;
      }, false);
    }

    /** Cluster mode: until the sender's replica lists every replica (each saw the others' heartbeats), bounded. */
    private Future<Void> awaitClusterView() {
      if (!cluster) {
        return Future.succeededFuture();
      }
      clusterSeen = Promise.promise();
      long asking = client.vertx().setPeriodic(0, 200, id -> sender.writeTextMessage("{\"type\":\"cluster\"}"));
      long deadline = client.vertx().setTimer(CLUSTER_VIEW_TIMEOUT_MS, id -> clusterSeen.tryFail(
        "the replicas did not all see each other within " + CLUSTER_VIEW_TIMEOUT_MS / 1000 + " s"));
      return clusterSeen.future().onComplete(done -> {
        client.vertx().cancelTimer(asking);
        client.vertx().cancelTimer(deadline);
      });
    }

    private void onSenderMessage(String text) {
      if (clusterSeen == null || clusterSeen.future().isComplete() || !text.contains("\"type\":\"cluster\"")) {
        return;
      }
      JsonArray listed = new JsonObject(text).getJsonArray("replicas");
      if (listed != null && listed.size() >= replicas) {
        clusterSeen.tryComplete();
      }
    }

    /**
     * Round {@code r}: negative ones are the warm-up, sent and awaited like the others but not measured; the first
     * of all is also kept as the cold round. A round is done when every receiver has a text containing its marker,
     * whatever else the server put in the message (peers send no seq).
     */
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
        roundDone.tryComplete(false);
      });
      sentAt = System.nanoTime();
      sender.writeTextMessage("{\"type\":\"broadcast\",\"message\":\"" + marker + "\""
        + (cluster ? ",\"scope\":\"cluster\"" : "") + "}");
      return roundDone.future()
        .compose(complete -> {
          client.vertx().cancelTimer(timeout);
          long took = complete ? lastReceivedAt - sentAt : -1;
          if (r == -warmupRounds) {
            firstRound = took;
          }
          if (r >= 0) {
            allDelivered[r] = took;
          }
          return client.timer(gapMs);
        })
        .compose(v -> round(r + 1));
    }

    private void onMessage(String text) {
      if (marker != null && text.contains(marker) && roundDone != null && !roundDone.future().isComplete()) {
        if (measuring) {
          delivery.recordValue(Math.min(System.nanoTime() - sentAt, delivery.getHighestTrackableValue()));
        }
        if (++received == receivers) {
          lastReceivedAt = System.nanoTime();
          roundDone.tryComplete(true);
        }
      }
    }

    private JsonObject figures() {
      long[] complete = Arrays.stream(allDelivered).filter(n -> n > 0).sorted().toArray();
      JsonObject figures = new JsonObject()
        .put("receivers", establishedReceivers())
        .put("rounds_complete", complete.length)
        .put("missing_deliveries", missing);
      if (firstRound > 0) {
        figures.put("first_round_all_delivered_ms", EchoScenario.ms(firstRound));
      }
      if (complete.length > 0) {
        figures.put("all_delivered_ms_median", EchoScenario.ms(complete[complete.length / 2]))
          .put("all_delivered_ms_max", EchoScenario.ms(complete[complete.length - 1]));
        if (firstRound > 0) {
          figures.put("first_round_to_warm_median", Report.round(firstRound / (double) complete[complete.length / 2],
            3));
        }
      }
      figures.put("delivery_p50_ms", EchoScenario.ms(delivery.getValueAtPercentile(50)))
        .put("delivery_p99_ms", EchoScenario.ms(delivery.getValueAtPercentile(99)));
      server.stats().ifPresent(s -> figures.put("server_rss_kb", s.rssKb()));
      if (cluster) {
        figures.put("replicas", replicas).put("receivers_per_replica", new JsonArray(new ArrayList<>(perReplica)));
      }
      return figures;
    }
  }
}
