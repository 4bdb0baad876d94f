package io.wstest.server;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.FreePorts;
import io.wstest.testsupport.PrometheusText;
import io.wstest.testsupport.ServiceProcess;
import io.wstest.testsupport.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WARMUP with the real jar: the ports listen and liveness answers while the warm-up runs, readiness waits for it,
 * and none of the warm-up's 200 sockets shows afterwards, not in the connection limit, not in a broadcast, not in
 * the health JSON or the metrics. After it, and before ready, the JIT's compiler threads are at nice 19.
 */
@ExtendWith(VertxExtension.class)
class WarmUpIT {

  private static final Pattern DONE = Pattern.compile("Warm-up done in \\d+ ms: (\\d+) rounds, (\\d+) connects");

  /** Response status and body of a GET. */
  private record Answer(int status, String body) {
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void readyAfterTheWarmUpWhichLeavesNoTraceInTheServersItWarmed(Vertx vertx, VertxTestContext test) {
    int httpPort = FreePorts.next();
    // MAX_CONNECTIONS 2: a warm-up that counted against the limit would leave no room for the two clients below
    CompletableFuture<ServiceProcess> starting = CompletableFuture.supplyAsync(() -> ServiceProcess.builder()
      .podName("warm-up").ports(httpPort, FreePorts.next()).env("WARMUP", "6s").env("MAX_CONNECTIONS", "2")
      .startTimeout(Duration.ofSeconds(60)).start());
    HttpClient http = vertx.createHttpClient();
    Future<Answer> readyWhileWarming = live(vertx, http, httpPort, 600)
      .compose(v -> get(http, httpPort, "/health/ready"));
    Future<Boolean> startedBeforeTheAnswer = readyWhileWarming.map(answer -> starting.isDone());
    Future<ServiceProcess> started = readyWhileWarming.compose(answer -> Future.fromCompletionStage(starting));
    Future<Answer> ready = started.compose(service -> get(http, httpPort, "/health/ready"));
    Future<Answer> health = ready.compose(answer -> get(http, httpPort, "/health"));
    Future<WsTestClient> onHttp = health.compose(h -> WsTestClient.connect(vertx, httpPort, "/ws"));
    Future<JsonObject> welcomeOnHttp = onHttp.compose(WsTestClient::next);
    Future<WsTestClient> onRaw = welcomeOnHttp.compose(w -> WsTestClient.connect(vertx, started.result().wsPort(),
      "/"));
    Future<JsonObject> welcomeOnRaw = onRaw.compose(WsTestClient::next);
    // the ack and the sender's own copy of the broadcast come in either order
    Future<JsonObject> ack = welcomeOnRaw.compose(w -> onHttp.result().send(new JsonObject()
      .put("type", "broadcast").put("message", "after the warm-up")).next("broadcast_ack"));
    Future<JsonObject> broadcastOnRaw = ack.compose(a -> onRaw.result().next("broadcast"));
    Future<PrometheusText> metrics = broadcastOnRaw.compose(b -> PrometheusText.scrape(http, httpPort));
    // read while the service runs: every thread's nice value, and which threads are the JIT's compilers
    Future<Map<Long, Integer>> niceByThread = metrics.compose(m -> vertx.executeBlocking(
      () -> CompilerThreadsTest.niceByPs(started.result().pid())));
    Future<List<Long>> compilers = niceByThread.compose(niceByPs -> vertx.executeBlocking(
      () -> CompilerThreadsTest.compilersAlsoListed(started.result().pid(), niceByPs)));

    compilers.onComplete(done -> {
      starting.thenAccept(ServiceProcess::close);
      test.verify(() -> {
        assertTrue(done.succeeded(), () -> done.cause() + "\n" + (starting.isDone() && !starting.isCompletedExceptionally()
          ? starting.join().output() : ""));
        assertEquals(503, readyWhileWarming.result().status(), readyWhileWarming.result().body());
        assertEquals("starting", new JsonObject(readyWhileWarming.result().body()).getJsonArray("checks")
          .getJsonObject(0).getJsonObject("data").getString("state"));
        assertFalse(startedBeforeTheAnswer.result(), "the 503 came before the Started line");
        assertEquals(200, ready.result().status(), ready.result().body());

        String output = started.result().output();
        assertTrue(output.contains("Warming up for 6000 ms before reporting ready (WARMUP)"), output);
        assertTrue(output.indexOf("Warm-up done in") < output.indexOf(ServiceProcess.STARTED_LINE), output);
        Matcher summary = DONE.matcher(output);
        assertTrue(summary.find(), output);
        assertTrue(Integer.parseInt(summary.group(1)) > 0, summary.group());
        assertTrue(Integer.parseInt(summary.group(2)) >= WarmUp.SOCKETS, summary.group());
        assertEquals(List.of(), output.lines().filter(line -> line.contains(" - WARN - ")).toList(), output);
        // after the warm-up the JIT compilers step back behind the event loops (CompilerThreads)
        int lowered = output.indexOf("JIT compiler threads (");
        assertTrue(lowered >= 0 && lowered < output.indexOf(ServiceProcess.STARTED_LINE), output);
        long pid = started.result().pid();
        Map<Long, Integer> niceByPs = niceByThread.result();
        for (long id : compilers.result()) {
          assertEquals(CompilerThreads.NICE, niceByPs.get(id), "compiler thread " + id + ": " + niceByPs);
        }
        assertEquals(CompilerThreads.niceOf(Path.of("/proc/self")), niceByPs.get(pid),
          "the main thread keeps the priority it was started with: " + niceByPs);

        assertEquals(0, new JsonObject(health.result().body()).getInteger("active_websocket_connections"));
        assertEquals("welcome", welcomeOnHttp.result().getString("type"));
        assertEquals("welcome", welcomeOnRaw.result().getString("type"));
        assertEquals("after the warm-up", broadcastOnRaw.result().getString("message"));
        assertEquals(2, ack.result().getInteger("recipients"), ack.result().encode());
        assertEquals(2.0, metrics.result().value("websocket_broadcast_recipients_total"));
        assertEquals(0.0, metrics.result().value("websocket_upgrades_rejected_total", "reason", "max_connections"));
        test.completeNow();
      });
    });
  }

  /** Completes once GET /health/live answers 200, trying every 100 ms, at most {@code tries} times. */
  private static Future<Void> live(Vertx vertx, HttpClient http, int port, int tries) {
    Promise<Void> live = Promise.promise();
    long polling = vertx.setPeriodic(100, timer -> {
      if (live.future().isComplete()) {
        return;
      }
      get(http, port, "/health/live").onComplete(answer -> {
        if (answer.succeeded() && answer.result().status() == 200) {
          vertx.cancelTimer(timer);
          live.tryComplete();
        }
      });
    });
    long deadline = vertx.setTimer(100L * tries, t -> {
      vertx.cancelTimer(polling);
      live.tryFail("/health/live did not answer 200 in time");
    });
    return live.future().onComplete(done -> vertx.cancelTimer(deadline));
  }

  private static Future<Answer> get(HttpClient http, int port, String path) {
    return http.request(HttpMethod.GET, port, "127.0.0.1", path)
      .compose(request -> request.send())
      .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body.toString())));
  }
}
