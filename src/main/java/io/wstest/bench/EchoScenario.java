package io.wstest.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.json.JsonObject;
import io.wstest.options.DurationConverter;
import io.wstest.options.Durations;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** C connections in a closed loop: each sends one message, waits for the answer, sends the next. */
@Command(name = "echo", description = "Closed-loop echo: msgs/s, latency p50/p99/p999/max, "
  + "server CPU per message (user and system).")
final class EchoScenario extends Scenario {

  @Option(names = {"-n", "--connections"}, defaultValue = "50", description = "connections (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = {"-d", "--duration"}, defaultValue = "10s", paramLabel = "DURATION",
    converter = DurationConverter.class,
    description = "how long to measure, e.g. 500ms, 10s, 2m; a bare number is seconds (default: ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
    description = "load before measuring, for the JIT (default: ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(names = "--payload", defaultValue = "64", paramLabel = "BYTES",
    description = "size of each message sent, a JSON echo request (default: ${DEFAULT-VALUE}, min 32)")
  int payload;

  @Override
  void validate() {
    if (connections < 1 || connections > 10_000) {
      throw bad("--connections", connections + " is not between 1 and 10000");
    }
    if (duration.isZero() || duration.compareTo(Duration.ofHours(1)) > 0) {
      throw bad("--duration", Durations.format(duration) + " is not longer than 0 and at most 1h");
    }
    if (warmup.compareTo(Duration.ofMinutes(10)) > 0) {
      throw bad("--warmup", Durations.format(warmup) + " is not between 0s and 10m");
    }
    if (payload < 32 || payload > 1_000_000) {
      throw bad("--payload", payload + " is not between 32 and 1000000 bytes");
    }
  }

  @Override
  JsonObject settings() {
    return new JsonObject().put("connections", connections).put("duration_s", seconds(duration))
      .put("warmup_s", seconds(warmup)).put("payload_bytes", payload);
  }

  @Override
  String nothingMeasured(JsonObject figures) {
    return figures.getLong("messages", 0L) == 0 ? "no echo came back (" + figures.getLong("errors", 0L)
      + " errors)" : null;
  }

  @Override
  long timeLimitMs() {
    return duration.plus(warmup).toMillis() + connections * 20L + 60_000;
  }

  /** {"type":"echo","data":"xxx"} padded to exactly {@code bytes} bytes. */
  static String message(int bytes) {
    String head = "{\"type\":\"echo\",\"data\":\"";
    return head + "x".repeat(Math.max(0, bytes - head.length() - 2)) + "\"}";
  }

  /** With --interleave: the load on a window's new connections before it is measured. */
  static final Duration SETTLE = Duration.ofSeconds(1);

  @Override
  Future<JsonObject> run(LoadClient client, ServerUnderTest server) {
    return new Run(client, server, connections, warmup, duration).start();
  }

  @Override
  boolean canInterleave() {
    return true;
  }

  /** The closed loop for --warmup, figures dropped. */
  @Override
  Future<?> warmUpServer(LoadClient client, ServerUnderTest server) {
    return warmup.isZero() ? Future.succeededFuture()
      : new Run(client, server, connections, Duration.ZERO, warmup).start();
  }

  /** A window on new connections after {@link #SETTLE} of unmeasured load on them (the server is warm). */
  @Override
  Future<JsonObject> measure(LoadClient client, ServerUnderTest server) {
    return new Run(client, server, connections, SETTLE, duration).start();
  }

  /** The same closed loop at up to 50 connections for {@code length}, measured from the start, figures dropped. */
  @Override
  Future<?> warmUpClient(LoadClient client, ServerUnderTest server, Duration length) {
    return new Run(client, server, Math.min(connections, 50), Duration.ZERO, length).start();
  }

  private final class Run {
    final LoadClient client;
    final ServerUnderTest server;
    final int connections;
    final Duration warmup;
    final Duration duration;
    final String text = message(payload);
    final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    final List<Loop> loops = new ArrayList<>();
    final Promise<Void> allWelcomed = Promise.promise();
    boolean measuring;
    boolean stopping;
    long replies;
    int welcomed;
    long errors;

    Run(LoadClient client, ServerUnderTest server, int connections, Duration warmup, Duration duration) {
      this.client = client;
      this.server = server;
      this.connections = connections;
      this.warmup = warmup;
      this.duration = duration;
    }

    Future<JsonObject> start() {
      List<Future<ClientWebSocket>> opened = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        Loop loop = new Loop(this);
        loops.add(loop);
        opened.add(client.open(server.url(), loop::onText).onSuccess(ws -> loop.ws = ws));
      }
      return Future.all(opened)
        .compose(v -> allWelcomed.future())
        .compose(v -> {
          loops.forEach(Loop::send);
          return warmup.isZero() ? Future.succeededFuture() : client.timer(warmup.toMillis());
        })
        .compose(v -> measure())
        .eventually(() -> closeAll());
    }

    private Future<JsonObject> measure() {
      latency.reset();
      replies = 0;
      errors = 0;
      measuring = true;
      Optional<ProcStats> before = server.stats();
      long t0 = System.nanoTime();
      return client.timer(duration.toMillis()).map(v -> {
        measuring = false;
        stopping = true;
        double seconds = (System.nanoTime() - t0) / 1e9;
        Optional<ProcStats> after = server.stats();
        JsonObject figures = new JsonObject()
          .put("messages", replies)
          .put("msgs_per_s", Report.round(replies / seconds, 1))
          .put("p50_ms", ms(latency.getValueAtPercentile(50)))
          .put("p99_ms", ms(latency.getValueAtPercentile(99)))
          .put("p999_ms", ms(latency.getValueAtPercentile(99.9)))
          .put("max_ms", ms(latency.getMaxValue()))
          .put("errors", errors);
        ProcStats.putCpuPer(figures, "server_", "msg", before, after, replies);
        if (replies > 0) {
          before.flatMap(b -> after.map(a -> ProcStats.cpuPercent(b, a, seconds)))
            .ifPresent(percent -> figures.put("server_cpu_percent", percent));
        }
        after.ifPresent(s -> figures.put("server_rss_kb", s.rssKb()));
        return figures;
      });
    }

    private Future<Void> closeAll() {
      stopping = true;
      List<Future<Void>> closed = new ArrayList<>();
      for (Loop loop : loops) {
        if (loop.ws != null) {
          closed.add(loop.ws.close().otherwiseEmpty());
        }
      }
      return Future.join(closed).otherwiseEmpty().mapEmpty();
    }
  }

  /** One connection's closed loop. */
  private static final class Loop {
    final Run run;
    ClientWebSocket ws;
    boolean welcomed;
    long sentAt;

    Loop(Run run) {
      this.run = run;
    }

    void onText(String text) {
      if (!welcomed) {
        welcomed = true;
        if (++run.welcomed == run.loops.size()) {
          run.allWelcomed.tryComplete();
        }
        return;
      }
      long now = System.nanoTime();
      if (run.measuring) {
        run.latency.recordValue(Math.min(now - sentAt, run.latency.getHighestTrackableValue()));
        run.replies++;
        // type first (the service, Node) or last (Go's encoding/json sorts a map's keys)
        if (text.startsWith("{\"type\":\"error\"") || text.endsWith("\"type\":\"error\"}")) {
          run.errors++;
        }
      }
      if (!run.stopping) {
        send();
      }
    }

    void send() {
      sentAt = System.nanoTime();
      ws.writeTextMessage(run.text);
    }
  }

  static double ms(long nanos) {
    return Report.round(nanos / 1e6, 3);
  }
}
