package io.wstest.client.handshake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.handshake.HandshakeObservation.Attempt;
import io.wstest.client.report.HtmlReport;
import io.wstest.client.report.ScenarioReport;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.ScenarioRun;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code test-lb handshake} found: every check, and the request as the server received it. */
public final class HandshakeReport implements ScenarioReport {

  private final HandshakeSettings settings;
  private final Instant startedAt;
  private final long durationMs;
  private final HandshakeObservation observation;
  private final List<HandshakeCheck> checks;
  private final Verdict verdict;

  HandshakeReport(HandshakeSettings settings, Instant startedAt, long durationMs, HandshakeObservation observation,
                  List<HandshakeCheck> checks) {
    this(settings, startedAt, durationMs, observation, checks, verdict(checks));
  }

  private HandshakeReport(HandshakeSettings settings, Instant startedAt, long durationMs,
                          HandshakeObservation observation, List<HandshakeCheck> checks, Verdict verdict) {
    this.settings = settings;
    this.startedAt = startedAt;
    this.durationMs = durationMs;
    this.observation = observation;
    this.checks = List.copyOf(checks);
    this.verdict = verdict;
  }

  /** Nothing answered the handshake: nothing was tested (exit 2). */
  static HandshakeReport unreachable(HandshakeSettings settings, ScenarioRun run, String marker, Attempt attempt) {
    HandshakeObservation observation = new HandshakeObservation(null, null, null, HandshakeScenario.MARKER_HEADER,
      marker, attempt, settings.subprotocol(), null, null, null, null);
    return new HandshakeReport(settings, run.started(), run.elapsedMs(), observation, List.of(),
      new Verdict(Verdict.CANNOT_TEST, "Cannot reach the target: " + attempt.failure(), List.of(), false));
  }

  /** Exit 1 when any check failed; warnings and skipped checks do not fail the run. */
  static Verdict verdict(List<HandshakeCheck> checks) {
    List<String> failed = new ArrayList<>();
    int warned = 0;
    int skipped = 0;
    for (HandshakeCheck check : checks) {
      switch (check.status()) {
        case FAIL -> failed.add(check.name() + ": " + check.measured());
        case WARN -> warned++;
        case SKIPPED -> skipped++;
        default -> {
        }
      }
    }
    String rest = " (" + warned + " warning" + (warned == 1 ? "" : "s") + ", " + skipped + " skipped)";
    if (failed.isEmpty()) {
      return new Verdict(Verdict.PASS, "No handshake check failed: " + (checks.size() - warned - skipped)
        + " of " + checks.size() + " passed" + rest, List.of(), false);
    }
    return new Verdict(Verdict.FAIL, failed.size() + " of " + checks.size() + " handshake checks failed" + rest,
      failed, false);
  }

  public List<HandshakeCheck> checks() {
    return checks;
  }

  /** What was sent and measured: the answers' headers and the request as the server received it. */
  public HandshakeObservation observation() {
    return observation;
  }

  @Override
  public String scenario() {
    return "handshake";
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public long durationMs() {
    return durationMs;
  }

  @Override
  public JsonObject settingsJson() {
    return settings.toJson();
  }

  @Override
  public JsonObject body() {
    JsonArray list = new JsonArray();
    checks.forEach(c -> list.add(c.toJson()));
    Attempt upgrade = observation.upgrade();
    JsonObject json = new JsonObject()
      .put("marker", new JsonObject().put("name", observation.markerName()).put("value", observation.markerValue()))
      .put("checks", list)
      .put("upgrade_status", upgrade.status())
      .put("request_as_received", HandshakeChecks.request(upgrade.welcome()));
    if (observation.ladder() != null) {
      HandshakeObservation.Ladder l = observation.ladder();
      json.put("message_size", new JsonObject().put("server_limit_bytes", l.serverLimit())
        .put("largest_passing_bytes", l.largestPassed()).put("first_failed_bytes", l.firstFailed())
        .put("close_code", l.closeCode()).put("close_reason", l.closeReason()).put("reset", l.reset())
        .put("closed_by_server_limit", l.closedByServerLimit()));
    }
    if (observation.latency() != null) {
      json.put("latency_ms", new JsonObject()
        .put("through_lb", rtts(observation.latency().throughLb()))
        .put("direct", rtts(observation.latency().direct())));
    }
    return json;
  }

  private static JsonObject rtts(List<Double> values) {
    if (values.isEmpty()) {
      return new JsonObject().put("count", 0);
    }
    return new JsonObject().put("count", values.size())
      .put("p50", HandshakeChecks.percentile(values, 50))
      .put("p99", HandshakeChecks.percentile(values, 99));
  }

  @Override
  public Verdict verdict() {
    return verdict;
  }

  @Override
  public void html(HtmlReport page) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Target", settings.connect().target().url());
    facts.put("Direct", settings.direct() == null ? "(none)" : settings.direct().url());
    facts.put("Marker", observation.markerName() + ": " + observation.markerValue());
    page.section("Handshake").facts(facts);
    List<List<String>> rows = new ArrayList<>();
    checks.forEach(c -> rows.add(List.of(c.name(), c.status().wireName(), c.measured(), c.fix())));
    page.section("Checks").table(List.of("check", "status", "measured", "fix"), rows);
    if (observation.latency() != null && !observation.latency().throughLb().isEmpty()) {
      page.section("Latency").histogram("Ping round trips through the load balancer", "ms",
        observation.latency().throughLb(), 20);
      if (!observation.latency().direct().isEmpty()) {
        page.histogram("Ping round trips direct", "ms", observation.latency().direct(), 20);
      }
    }
  }
}
