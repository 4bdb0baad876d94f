package io.wstest.client.handshake;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.wstest.client.handshake.HandshakeObservation.Attempt;
import io.wstest.client.handshake.HandshakeObservation.Ladder;
import io.wstest.client.handshake.HandshakeObservation.Latency;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.Scenario;
import io.wstest.client.run.ScenarioRun;
import io.wstest.client.socket.ClientSocket;
import io.wstest.client.socket.WsTarget;
import io.wstest.wire.Fields;
import io.wstest.wire.MessageTypes;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code test-lb handshake}: a handshake through the balancer offering permessage-deflate with a marker header
 * and an Origin, one offering a subprotocol, with {@code --direct} one straight to a server, then on an
 * uncompressed socket through the balancer the ping round trips and the message-size ladder. Everything it
 * measured goes into a {@link HandshakeObservation} that {@link HandshakeChecks} judges.
 */
public final class HandshakeScenario implements Scenario {

  static final String TITLE = "WebSocket Handshake Test";
  static final String MARKER_HEADER = "X-Wstest-Marker";
  /** Room for the echo's own fields around the largest message sent. */
  private static final int ECHO_OVERHEAD = 64 * 1024;
  private static final String PAD_HEAD = "{\"" + Fields.TYPE + "\":\"size_probe\",\"pad\":\"";
  private static final String PAD_TAIL = "\"}";

  private final HandshakeSettings settings;

  public HandshakeScenario(HandshakeSettings settings) {
    this.settings = settings;
  }

  @Override
  public HandshakeReport run(Vertx vertx, ConsoleReport console) throws InterruptedException {
    try (ScenarioRun run = ScenarioRun.begin(vertx, console, TITLE, settings.connect())) {
      Context context = vertx.getOrCreateContext();
      long timeoutMs = settings.connect().timeout().toMillis();
      boolean insecure = settings.connect().insecure();
      WebSocketClient offering = run.closeAtEnd(ClientSocket.client(vertx, 2, timeoutMs, insecure, true,
        ECHO_OVERHEAD), WebSocketClient::close);
      WebSocketClient plain = run.closeAtEnd(ClientSocket.client(vertx, 3, timeoutMs, insecure, false,
        HandshakeSettings.MAX_LADDER_BYTES + ECHO_OVERHEAD), WebSocketClient::close);
      WsTarget target = settings.connect().target();
      String marker = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
      List<Map.Entry<String, String>> headers = new ArrayList<>(settings.connect().headers());
      if (headers.stream().noneMatch(h -> h.getKey().equalsIgnoreCase("Origin"))) {
        headers.add(Map.entry("Origin", settings.origin()));
      }
      String origin = headers.stream().filter(h -> h.getKey().equalsIgnoreCase("Origin")).map(Map.Entry::getValue)
        .findFirst().orElse(settings.origin());
      headers.add(Map.entry(MARKER_HEADER, marker));
      console.blank();
      console.line(Glyph.ENDPOINT, "Handshakes through " + target.url() + " (" + MARKER_HEADER + ": " + marker + ")");

      ProbeSocket main = open(run, context, vertx, offering, target, headers, List.of());
      if (main.unreachable()) {
        HandshakeReport report = HandshakeReport.unreachable(settings, run, marker, main.attempt());
        console.verdict(report.verdict());
        return report;
      }
      ProbeSocket sub = open(run, context, vertx, plain, target, settings.connect().headers(),
        List.of(settings.subprotocol()));
      ScenarioRun.await(on(context, sub::close));
      ProbeSocket direct = settings.direct() == null ? null
        : open(run, context, vertx, plain, settings.direct(), settings.connect().headers(), List.of());

      Latency latency = null;
      Ladder ladder = null;
      if (main.attempt().upgraded()) {
        ProbeSocket measuring = open(run, context, vertx, plain, target, settings.connect().headers(), List.of());
        if (measuring.attempt().upgraded()) {
          if (direct != null && direct.attempt().upgraded()) {
            console.detail("Ping round trips: " + settings.pings() + " through the balancer, "
              + settings.pings() + " direct");
            List<Double> lb = ScenarioRun.await(on(context, () -> pings(measuring, settings.pings())));
            List<Double> straight = ScenarioRun.await(on(context, () -> pings(direct, settings.pings())));
            latency = new Latency(lb, straight);
          }
          Integer limit = limit(main.attempt().welcome());
          console.detail("Message sizes up to " + (limit == null ? HandshakeSettings.DEFAULT_LADDER_BYTES
            + " B (the server does not state its limit)" : limit + " B (the server's MAX_MESSAGE_BYTES) and one byte more"));
          ladder = ScenarioRun.await(on(context, () -> ladder(measuring, limit)));
        }
      }
      HandshakeObservation observation = new HandshakeObservation(target.ssl() ? "wss" : "ws", target.host(),
        origin, MARKER_HEADER, marker, main.attempt(), settings.subprotocol(), sub.attempt(),
        direct == null ? null : direct.attempt(), ladder, latency);
      List<HandshakeCheck> checks = HandshakeChecks.evaluate(observation);
      console.line(Glyph.RESULTS, "Handshake checks:");
      checks.forEach(check -> print(console, check));
      HandshakeReport report = new HandshakeReport(settings, run.started(), run.elapsedMs(), observation, checks);
      console.blank();
      console.verdict(report.verdict());
      return report;
    }
  }

  static void print(ConsoleReport console, HandshakeCheck check) {
    Glyph glyph = switch (check.status()) {
      case PASS -> Glyph.OK;
      case WARN -> Glyph.WARN;
      case FAIL -> Glyph.FAIL;
      case SKIPPED -> Glyph.HINT;
    };
    console.line(glyph, check.name() + (check.status() == HandshakeCheck.Status.SKIPPED ? " (skipped)" : "")
      + ": " + check.measured());
    if (!check.fix().isEmpty()) {
      console.detail("fix: " + check.fix());
    }
  }

  private ProbeSocket open(ScenarioRun run, Context context, Vertx vertx, WebSocketClient client, WsTarget target,
                           List<Map.Entry<String, String>> headers, List<String> subprotocols)
    throws InterruptedException {
    long timeoutMs = settings.connect().timeout().toMillis();
    ProbeSocket probe = ScenarioRun.await(on(context,
      () -> ProbeSocket.open(vertx, client, target, timeoutMs, headers, subprotocols)));
    return run.closeAtEnd(probe, p -> on(context, p::close));
  }

  /** Runs {@code step} on the scenario's one context, where every socket lives. */
  private static <T> Future<T> on(Context context, Supplier<Future<T>> step) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> step.get().onComplete(promise));
    return promise.future();
  }

  private static Integer limit(JsonObject welcome) {
    if (welcome != null && welcome.getValue(Fields.LIMITS) instanceof JsonObject limits
      && limits.getValue(Fields.MAX_MESSAGE_BYTES) instanceof Number n && n.intValue() > 0) {
      return n.intValue();
    }
    return null;
  }

  /** {@code count} pings one after the other; the round trips measured until the first that failed. */
  static Future<List<Double>> pings(ProbeSocket socket, int count) {
    List<Double> rtts = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      String ping = new JsonObject().put(Fields.TYPE, MessageTypes.PING).put("n", i).encode();
      chain = chain.compose(v -> {
        long start = System.nanoTime();
        return socket.send(ping).map(answer -> {
          rtts.add((System.nanoTime() - start) / 1_000_000.0);
          return null;
        });
      });
    }
    return chain.otherwiseEmpty().map(v -> rtts);
  }

  /** The sizes tried: 1 KB doubling below the top, the top, and one byte over the server's limit. */
  static List<Integer> ladderSizes(Integer serverLimit) {
    int top = serverLimit == null ? HandshakeSettings.DEFAULT_LADDER_BYTES
      : Math.min(serverLimit, HandshakeSettings.MAX_LADDER_BYTES);
    int smallest = PAD_HEAD.length() + PAD_TAIL.length();
    List<Integer> sizes = new ArrayList<>();
    for (int size = 1024; size < top; size *= 2) {
      sizes.add(size);
    }
    sizes.add(Math.max(top, smallest));
    if (serverLimit != null && serverLimit < HandshakeSettings.MAX_LADDER_BYTES) {
      sizes.add(Math.max(serverLimit + 1, smallest));
    }
    return sizes;
  }

  /** A JSON message (echoed by the server) of exactly {@code bytes} bytes. */
  static String padded(int bytes) {
    return PAD_HEAD + "x".repeat(Math.max(0, bytes - PAD_HEAD.length() - PAD_TAIL.length())) + PAD_TAIL;
  }

  private static Future<Ladder> ladder(ProbeSocket socket, Integer serverLimit) {
    Promise<Ladder> result = Promise.promise();
    step(socket, serverLimit, ladderSizes(serverLimit), 0, 0, result);
    return result.future();
  }

  private static void step(ProbeSocket socket, Integer limit, List<Integer> sizes, int index, int largest,
                           Promise<Ladder> result) {
    if (index == sizes.size()) {
      result.complete(new Ladder(limit, largest, null, null, null, false, null));
      return;
    }
    int size = sizes.get(index);
    socket.send(padded(size)).onComplete(ar -> {
      if (ar.succeeded() && MessageTypes.ECHO.equals(ar.result().getString(Fields.TYPE))) {
        step(socket, limit, sizes, index + 1, size, result);
      } else if (ar.succeeded()) {
        result.complete(new Ladder(limit, largest, size, null, null, false,
          "answered " + ar.result().getString(Fields.TYPE) + " instead of the echo"));
      } else if (ar.cause() instanceof ProbeSocket.Ended ended) {
        boolean closed = ended.getMessage().startsWith("closed");
        result.complete(new Ladder(limit, largest, size, closed ? ended.code : null, ended.reason, ended.reset,
          closed ? null : ended.getMessage()));
      } else {
        result.complete(new Ladder(limit, largest, size, null, null, false, String.valueOf(ar.cause())));
      }
    });
  }
}
