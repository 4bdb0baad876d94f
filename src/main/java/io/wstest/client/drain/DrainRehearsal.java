package io.wstest.client.drain;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.Glyph;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.soak.SoakDisconnect;
import io.wstest.client.run.soak.SoakOutcome;
import io.wstest.client.run.soak.SoakRun;
import io.wstest.client.run.soak.SoakSettings;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.LatencySummary;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A rehearsed rollout of one replica through the load balancer: a small soak runs, one replica is asked to drain
 * ({@code POST /admin/drain?reject=503}: it refuses new sockets, then closes its sockets with a shutdown message
 * and 1001), the soak's sockets reconnect, and the replica is accepted back ({@code POST /admin/accept}, sent until
 * that replica answers one). Bounded: the soak's duration comes from the budget, every request has a timeout, and
 * at most {@value #MAX_ACCEPT_TRIES} accepts are sent.
 */
public final class DrainRehearsal {

  /** What to do instead when the toggles cannot be used. */
  public static final String SOAK_HINT = "to check a drain without the admin toggles, run 'test-lb soak' (e.g. "
    + "test-lb soak --host LB --duration 5m) while a real rollout or restart replaces the replicas";
  /** The probe: a toggle with a value it refuses (400), so that it tells access apart from no access, changing nothing. */
  static final String PROBE = "/admin/reject?status=probe";
  static final String DRAIN = "/admin/drain?reject=503";
  static final String ACCEPT = "/admin/accept";
  static final int MAX_ACCEPT_TRIES = 16;
  /** The drain answers once its sockets are closed; the service drops a peer that never closes after CLOSE_TIMEOUT. */
  static final Duration DRAIN_ANSWER_EXTRA = Duration.ofSeconds(15);

  private final Vertx vertx;
  private final ConnectSettings connect;
  private final DrainRehearsalSettings settings;
  private final ConsoleReport console;
  private final AdminClient admin;
  private final WsTarget balancer;
  private final List<String> notes = new ArrayList<>();
  private AdminClient.Answer drainAnswer;
  private int acceptTries;

  private DrainRehearsal(Vertx vertx, ConnectSettings connect, DrainRehearsalSettings settings, ConsoleReport console) {
    this.vertx = vertx;
    this.connect = connect;
    this.settings = settings;
    this.console = console;
    this.admin = new AdminClient(vertx, connect.headers(), settings.adminToken(), connect.timeout(),
      connect.insecure());
    this.balancer = connect.healthTarget();
  }

  /** Runs the rehearsal with no console output; completes (never fails) with what it found. */
  public static Future<DrainRehearsalResult> run(Vertx vertx, ConnectSettings connect, DrainRehearsalSettings settings) {
    return run(vertx, connect, settings, new ConsoleReport(new PrintWriter(Writer.nullWriter()), false, false,
      ConsoleReport.Detail.QUIET));
  }

  /** As {@link #run(Vertx, ConnectSettings, DrainRehearsalSettings)}, telling the console what happens. */
  public static Future<DrainRehearsalResult> run(Vertx vertx, ConnectSettings connect, DrainRehearsalSettings settings,
                                                 ConsoleReport console) {
    Promise<DrainRehearsalResult> done = Promise.promise();
    // one context for everything: the soak, the timers and the HTTP answers never run at the same time
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      DrainRehearsal rehearsal = new DrainRehearsal(vertx, connect, settings, console);
      rehearsal.start()
        .recover(e -> Future.succeededFuture(DrainRehearsalResult.skipped("the rehearsal failed: " + e.getMessage())))
        .compose(result -> rehearsal.admin.close().otherwiseEmpty().map(result))
        .onComplete(done);
    });
    return done.future();
  }

  /**
   * Whether the admin toggles can be used through the load balancer, asked with the probe alone (it changes
   * nothing): completes with empty when they can, else with why not and what to do instead ({@link #noAccess});
   * never fails. For a caller that plans around the rehearsal before running it ({@code test-lb audit}).
   */
  public static Future<Optional<String>> access(Vertx vertx, ConnectSettings connect, String adminToken) {
    AdminClient admin = new AdminClient(vertx, connect.headers(), adminToken, connect.timeout(), connect.insecure());
    return probe(admin, connect.healthTarget(), adminToken != null)
      .eventually(() -> admin.close().otherwiseEmpty());
  }

  private static Future<Optional<String>> probe(AdminClient admin, WsTarget balancer, boolean tokenGiven) {
    return admin.post(balancer, PROBE).map(answer -> Optional.ofNullable(noAccess(answer, tokenGiven)));
  }

  private Future<DrainRehearsalResult> start() {
    return probe(admin, balancer, settings.adminToken() != null).compose(skip -> skip.isPresent()
      ? Future.succeededFuture(DrainRehearsalResult.skipped(skip.get())) : rehearse());
  }

  /**
   * Why the toggles cannot be used, from the probe's answer; null when they can (the probe's bad value got 400
   * {@code invalid_status}: the request passed the origin and token checks).
   */
  static String noAccess(AdminClient.Answer probe, boolean tokenGiven) {
    Integer status = probe.status();
    if (status == null) {
      return "cannot reach the admin toggles: " + probe.failure();
    }
    if (status == 400 && probe.body() != null && "invalid_status".equals(probe.body().getString("error"))) {
      return null;
    }
    if (status == 401) {
      return tokenGiven
        ? "the admin token was refused (HTTP 401): check --admin-token / ADMIN_TOKEN against the service's ADMIN_TOKEN"
        : "the admin toggles need a token (HTTP 401): give --admin-token (or ADMIN_TOKEN) to rehearse a drain; "
          + SOAK_HINT;
    }
    if (status == 404) {
      return "the admin toggles are off (HTTP 404: ADMIN_ENABLED=false, or the load balancer does not pass "
        + "/admin/* on); " + SOAK_HINT;
    }
    return "the admin toggles refused the request (" + probe.describe() + "); " + SOAK_HINT;
  }

  private Future<DrainRehearsalResult> rehearse() {
    SoakSettings soakSettings = new SoakSettings(connect, settings.sockets(), settings.rate(), settings.soakDuration(),
      settings.rampUp(), Duration.ofMillis(100), Duration.ofSeconds(2), 0, 0, null);
    SoakRun soak = new SoakRun(vertx, soakSettings, console);
    console.line(Glyph.ROUNDS, String.format(Locale.ROOT, "Holding %d sockets, %s messages/s each, for %s; one "
        + "replica is drained after %s", settings.sockets(), number(settings.rate()), seconds(settings.soakDuration()),
      seconds(settings.drainAt())));
    Promise<AdminClient.Answer> drained = Promise.promise();
    vertx.setTimer(settings.drainAt().toMillis(), t -> {
      console.line(Glyph.PLUG, "POST " + DRAIN + " through the load balancer");
      admin.post(balancer, DRAIN, connect.timeout().plus(DRAIN_ANSWER_EXTRA)).onComplete(drained);
    });
    return soak.run()
      .transform(outcome -> drained.future().map(answer -> {
        drainAnswer = answer;
        if (outcome.failed()) {
          notes.add("the soak did not end in time: " + outcome.cause().getMessage());
        }
        return outcome.succeeded() ? outcome.result() : null;
      }))
      .compose(outcome -> acceptBack(outcome).map(accepted -> result(outcome, accepted)))
      .eventually(() -> soak.close().otherwiseEmpty());
  }

  /** The drained replica's id: from its answer, else from the shutdown messages the soak's sockets got. */
  private String drainedId(SoakOutcome outcome) {
    if (drainAnswer != null && drainAnswer.accepted() && drainAnswer.instanceId() != null) {
      return drainAnswer.instanceId();
    }
    if (outcome == null) {
      return null;
    }
    return outcome.disconnects().stream().filter(d -> d.shutdownAtMs() != null).map(d -> d.instance().instanceId())
      .filter(Objects::nonNull).findFirst().orElse(null);
  }

  private Future<Boolean> acceptBack(SoakOutcome outcome) {
    String id = drainedId(outcome);
    if (id == null) {
      notes.add("which replica drained is unknown (" + (drainAnswer == null ? "no drain was sent"
        : "drain: " + drainAnswer.describe()) + "), so none was sent POST " + ACCEPT);
      return Future.succeededFuture(false);
    }
    List<WsTarget> tries = new ArrayList<>();
    if (settings.direct() != null) {
      tries.add(settings.direct());
    }
    while (tries.size() < MAX_ACCEPT_TRIES) {
      tries.add(balancer);
    }
    return accept(id, tries, 0);
  }

  /** Sends POST /admin/accept to the next target until the drained replica answers one, or the tries run out. */
  private Future<Boolean> accept(String id, List<WsTarget> tries, int next) {
    if (next >= tries.size()) {
      notes.add("the drained replica answered none of " + tries.size() + " POST " + ACCEPT + " requests");
      console.line(Glyph.FAIL, "The drained replica answered none of " + tries.size() + " POST " + ACCEPT
        + ": it still refuses new sockets");
      return Future.succeededFuture(false);
    }
    acceptTries++;
    return admin.post(tries.get(next), ACCEPT).compose(answer -> {
      if (answer.accepted() && id.equals(answer.instanceId())) {
        console.line(Glyph.OK, "POST " + ACCEPT + " answered by the drained replica " + name(answer) + " after "
          + acceptTries + (acceptTries == 1 ? " try" : " tries") + ": it takes new sockets again");
        return Future.succeededFuture(true);
      }
      return accept(id, tries, next + 1);
    });
  }

  private static String name(AdminClient.Answer answer) {
    return answer.displayName() != null ? answer.displayName() : answer.instanceId();
  }

  private DrainRehearsalResult result(SoakOutcome outcome, boolean accepted) {
    if (drainAnswer == null || !drainAnswer.accepted()) {
      String why = "POST " + DRAIN + " through the load balancer " + (drainAnswer == null ? "was not sent"
        : "failed: " + drainAnswer.describe());
      if (outcome == null || drainedId(outcome) == null) {
        return DrainRehearsalResult.skipped(why);
      }
      notes.add(why + "; a replica drained nevertheless (its sockets got the shutdown message)");
    }
    if (outcome == null) {
      return DrainRehearsalResult.skipped("the soak did not complete: " + String.join("; ", notes));
    }
    String id = drainedId(outcome);
    String displayName = drainAnswer != null && drainAnswer.accepted() ? drainAnswer.displayName() : null;
    int closes1001 = 0;
    int closes1006 = 0;
    int other = 0;
    int onDrained = 0;
    int reconnectsOnDrained = 0;
    List<Double> reconnectMs = new ArrayList<>();
    for (SoakDisconnect d : outcome.disconnects()) {
      switch (d.close() == null ? "" : d.close()) {
        case "1001" -> closes1001++;
        case SoakDisconnect.NO_CLOSE_FRAME -> closes1006++;
        default -> other++;
      }
      if (id != null && id.equals(d.instance().instanceId())) {
        onDrained++;
        if (displayName == null) {
          displayName = d.instance().displayName();
        }
      }
      if (d.reconnectMs() != null) {
        reconnectMs.add(d.reconnectMs().doubleValue());
        boolean onIt = d.reconnectedOnDraining()
          || (id != null && d.reconnectInstance() != null && id.equals(d.reconnectInstance().instanceId()));
        reconnectsOnDrained += onIt ? 1 : 0;
      }
    }
    LatencySummary reconnect = LatencySummary.of(reconnectMs);
    int drainClosed = drainAnswer != null && drainAnswer.accepted() && drainAnswer.body() != null
      ? drainAnswer.body().getInteger("closed", 0) : 0;
    return new DrainRehearsalResult(true, null, closes1001, closes1006, other, outcome.messages().sent(),
      outcome.messages().lost(), reconnect.isEmpty() ? null : reconnect.p50(),
      reconnect.isEmpty() ? null : reconnect.p99(), !reconnectMs.isEmpty() && reconnectsOnDrained == 0, id, accepted,
      displayName, drainClosed, onDrained, reconnectMs.size(), reconnectsOnDrained, outcome.connectFailures(),
      acceptTries, List.copyOf(notes), outcome.disconnects());
  }

  static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
  }
}
