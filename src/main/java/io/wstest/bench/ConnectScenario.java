package io.wstest.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.wstest.options.DurationConverter;
import io.wstest.options.Durations;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Connection churn: connect, wait for the welcome, close, repeat, from C concurrent workers. */
@Command(name = "connect", description = "Connect + welcome + close churn: handshakes/s, handshake latency, "
  + "server CPU per handshake (user and system).")
final class ConnectScenario extends Scenario {

  @Option(names = {"-c", "--concurrency"}, defaultValue = "10",
    description = "concurrent workers (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = {"-d", "--duration"}, defaultValue = "5s", paramLabel = "DURATION",
    converter = DurationConverter.class,
    description = "how long to churn, e.g. 500ms, 5s, 2m; a bare number is seconds (default: ${DEFAULT-VALUE})")
  Duration duration;

  // 30 s: on one CPU the JIT compiles the service's handshake path for about 25 s of churn; after 5 s its C2 thread
  // still took 40 % of the CPU (perf) and the figure was the compiler's, not the handshake's (docs/performance.md)
  @Option(names = "--warmup", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
    description = "churn this long first, unmeasured, so the server's handshake path is compiled before the "
      + "measured --duration (default: ${DEFAULT-VALUE}; 0s measures a cold server, as a fresh replica meets a "
      + "reconnect storm)")
  Duration warmup;

  @Option(names = "--max-handshakes", defaultValue = "20000",
    description = "stop after this many handshakes even if time is left (default: ${DEFAULT-VALUE})")
  int maxHandshakes;

  @Override
  void validate() {
    if (concurrency < 1 || concurrency > 1000) {
      throw bad("--concurrency", concurrency + " is not between 1 and 1000");
    }
    if (duration.isZero() || duration.compareTo(Duration.ofMinutes(10)) > 0) {
      throw bad("--duration", Durations.format(duration) + " is not longer than 0 and at most 10m");
    }
    if (warmup.compareTo(Duration.ofMinutes(10)) > 0) {
      throw bad("--warmup", Durations.format(warmup) + " is not between 0s and 10m");
    }
    if (maxHandshakes < 1 || maxHandshakes > 1_000_000) {
      throw bad("--max-handshakes", maxHandshakes + " is not between 1 and 1000000");
    }
  }

  @Override
  boolean canInterleave() {
    return true;
  }

  @Override
  JsonObject settings() {
    return new JsonObject().put("concurrency", concurrency).put("duration_s", seconds(duration))
      .put("warmup_s", seconds(warmup)).put("max_handshakes", maxHandshakes);
  }

  @Override
  String nothingMeasured(JsonObject figures) {
    return figures.getInteger("handshakes", 0) == 0 ? "no handshake completed (" + figures.getInteger(
      "failures", 0) + " failed)" : null;
  }

  @Override
  long timeLimitMs() {
    return duration.plus(warmup).toMillis() + 60_000;
  }

  @Override
  Future<JsonObject> run(LoadClient client, ServerUnderTest server) {
    return warmUpServer(client, server).compose(ignored -> measure(client, server));
  }

  @Override
  Future<?> warmUpServer(LoadClient client, ServerUnderTest server) {
    // a 5 s churn against a cold server measured mostly the JIT: 275-464 handshakes/s at 2.0-2.9 ms of server
    // CPU each, against 1,415/s at 0.59 ms once warm
    return warmup.isZero() ? Future.succeededFuture() : new Run(client, server, concurrency, warmup).start();
  }

  @Override
  Future<JsonObject> measure(LoadClient client, ServerUnderTest server) {
    return new Run(client, server, concurrency, duration).start();
  }

  /** The same churn for {@code length} at up to 50 workers, figures dropped. */
  @Override
  Future<?> warmUpClient(LoadClient client, ServerUnderTest server, Duration length) {
    return new Run(client, server, Math.min(concurrency, 50), length).start();
  }

  private final class Run {
    final LoadClient client;
    final ServerUnderTest server;
    final int concurrency;
    final Duration duration;
    final Histogram handshake = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    final Promise<Void> done = Promise.promise();
    long deadline;
    int begun;
    int completed;
    int failures;
    int active;

    Run(LoadClient client, ServerUnderTest server, int concurrency, Duration duration) {
      this.client = client;
      this.server = server;
      this.concurrency = concurrency;
      this.duration = duration;
    }

    Future<JsonObject> start() {
      Optional<ProcStats> before = server.stats();
      long t0 = System.nanoTime();
      deadline = t0 + duration.toNanos();
      for (int i = 0; i < concurrency; i++) {
        next();
      }
      return done.future().map(v -> {
        double seconds = (System.nanoTime() - t0) / 1e9;
        Optional<ProcStats> after = server.stats();
        JsonObject figures = new JsonObject()
          .put("handshakes", completed)
          .put("handshakes_per_s", Report.round(completed / seconds, 1))
          .put("failures", failures)
          .put("handshake_p50_ms", EchoScenario.ms(handshake.getValueAtPercentile(50)))
          .put("handshake_p99_ms", EchoScenario.ms(handshake.getValueAtPercentile(99)));
        ProcStats.putCpuPer(figures, "server_", "handshake", before, after, completed);
        return figures;
      });
    }

    private void next() {
      if (System.nanoTime() >= deadline || begun >= maxHandshakes) {
        if (active == 0) {
          done.tryComplete();
        }
        return;
      }
      begun++;
      active++;
      long start = System.nanoTime();
      boolean[] welcomed = new boolean[1];
      Promise<io.vertx.core.http.ClientWebSocket> opened = Promise.promise();
      Promise<Void> welcome = Promise.promise();
      client.open(server.url(), text -> {
        if (!welcomed[0]) {
          welcomed[0] = true;
          handshake.recordValue(Math.min(System.nanoTime() - start, handshake.getHighestTrackableValue()));
          welcome.tryComplete();
        }
      }).onComplete(opened);
      long timeout = client.vertx().setTimer(10_000, id -> welcome.tryFail("no welcome within 10 s"));
      opened.future()
        .compose(ws -> welcome.future().compose(v -> ws.close()))
        .onComplete(ar -> {
          client.vertx().cancelTimer(timeout);
          if (ar.succeeded()) {
            completed++;
          } else {
            failures++;
            opened.future().onSuccess(ws -> ws.close());
          }
          active--;
          next();
        });
    }
  }
}
