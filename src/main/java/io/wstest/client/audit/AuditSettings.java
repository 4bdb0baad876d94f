package io.wstest.client.audit;

import io.vertx.core.json.JsonObject;
import io.wstest.client.audit.AuditFindings.StickyExpectation;
import io.wstest.client.drain.AdminTokenOption;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.ExpectedInstances;
import io.wstest.client.run.ReportSettings;
import io.wstest.client.socket.WsTarget;
import io.wstest.options.Durations;
import io.wstest.options.InvalidOption;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The checked settings of {@code test-lb audit}.
 *
 * @param direct          a server reached without the balancer (handshake's client-address and latency checks), or
 *                        null
 * @param adminToken      the service's ADMIN_TOKEN for the drain rehearsal, or null; never shown or written
 * @param drain           false with {@code --no-drain}
 * @param connections     connections of each spread run and of each sticky run
 * @param expectInstances {@code --expect-instances}, or null: then GET /cluster when the service has one, else 2
 * @param lb              {@code --lb}, or null to recognise the balancer
 */
public record AuditSettings(ConnectSettings connect, ReportSettings report, WsTarget direct, String adminToken,
                            boolean drain, Duration budget, int connections, ExpectedInstances expectInstances,
                            StickyExpectation sticky, Duration minIdle, boolean failOnWarn, LbType lb) {

  public static final int MAX_CONNECTIONS = 1000;
  public static final int DEFAULT_CONNECTIONS = 10;
  public static final String DEFAULT_MIN_IDLE = "30s";

  /** What the command line gave, before checking. */
  public record Given(String direct, AdminTokenOption adminToken, Map<String, String> env, boolean noDrain, Duration budget,
                      int connections, ExpectedInstances expectInstances, boolean expectSticky,
                      boolean expectNotSticky, Duration minIdle, String failOn, String lb) {
  }

  public static AuditSettings from(ConnectSettings connect, ReportSettings report, Given g) {
    WsTarget direct = null;
    if (g.direct() != null) {
      try {
        direct = WsTarget.fromUrl(g.direct());
      } catch (IllegalArgumentException e) {
        throw new InvalidOption("--direct", e.getMessage());
      }
    }
    if (g.adminToken().given() && g.noDrain()) {
      throw new InvalidOption("--admin-token", "is for the drain rehearsal, which --no-drain turns off");
    }
    String token = g.noDrain() ? null : g.adminToken().resolve(g.env());
    Duration budget = Durations.parse("--budget", g.budget(), Budget.MIN, Budget.MAX);
    if (budget.compareTo(connect.timeout().multipliedBy(4)) < 0) {
      throw new InvalidOption("--budget", Durations.format(budget) + " leaves no room for steps of --timeout "
        + Durations.format(connect.timeout()) + ": give at least 4 times --timeout");
    }
    if (g.connections() < 2 || g.connections() > MAX_CONNECTIONS) {
      throw new InvalidOption("--connections", g.connections() + " is outside 2.." + MAX_CONNECTIONS
        + " (stickiness needs a first connection and at least one more)");
    }
    if (g.expectSticky() && g.expectNotSticky()) {
      throw new InvalidOption("--expect-sticky", "cannot be combined with --expect-not-sticky");
    }
    Duration minIdle = Durations.parse("--min-idle", g.minIdle(), Duration.ofMillis(100), Duration.ofHours(1));
    boolean failOnWarn = switch (g.failOn().toLowerCase(Locale.ROOT)) {
      case "fail" -> false;
      case "warn" -> true;
      default -> throw new InvalidOption("--fail-on", "'" + g.failOn() + "' is not one of fail, warn");
    };
    LbType lb = null;
    if (!g.lb().equalsIgnoreCase("auto")) {
      lb = LbType.parse(g.lb());
      if (lb == null) {
        throw new InvalidOption("--lb", "'" + g.lb() + "' is not one of auto, " + LbType.options());
      }
    }
    StickyExpectation sticky = g.expectSticky() ? StickyExpectation.STICKY
      : g.expectNotSticky() ? StickyExpectation.NOT_STICKY : StickyExpectation.ANY;
    return new AuditSettings(connect, report, direct, token, !g.noDrain(), budget, g.connections(),
      g.expectInstances(), sticky, minIdle, failOnWarn, lb);
  }

  /** A usable token: not blank, no line break; the value itself is never repeated. */
  public WsTarget target() {
    return connect.target();
  }

  /** Never the token itself: only whether one was given. */
  public JsonObject toJson() {
    return connect.toJson()
      .put("direct", direct == null ? null : direct.url())
      .put("admin_token", adminToken == null ? null : "given (not shown)")
      .put("drain", drain)
      .put("budget_ms", budget.toMillis())
      .put("connections", connections)
      .put("expect_instances", expectInstances == null ? null : expectInstances.fromClusterView()
        ? ExpectedInstances.CLUSTER_WORD : expectInstances.count())
      .put("expect_sticky", switch (sticky) {
        case STICKY -> true;
        case NOT_STICKY -> false;
        default -> null;
      })
      .put("min_idle_ms", minIdle.toMillis())
      .put("fail_on", failOnWarn ? "warn" : "fail")
      .put("lb", lb == null ? "auto" : lb.option());
  }
}
