package io.wstest.client.drain;

import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.WsTarget;

import java.time.Duration;

/**
 * What a drain rehearsal needs besides where to connect.
 *
 * @param adminToken the service's {@code ADMIN_TOKEN}, sent as {@code Authorization: Bearer}; null when the admin
 *                   toggles are open (no token set on the service) or it is not known: then the rehearsal finds out
 *                   and is skipped if they are closed
 * @param budget     how long the whole rehearsal may take, roughly: the soak gets a third of it (5 s to 1 min)
 * @param sockets    sockets of the small soak that runs meanwhile
 * @param rate       messages per second per socket
 * @param direct     a replica reached without the load balancer, tried first for the {@code /admin/accept} (it
 *                   takes it only when it is the drained one); null for none
 */
public record DrainRehearsalSettings(String adminToken, Duration budget, int sockets, double rate, WsTarget direct) {

  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);
  public static final Duration MIN_BUDGET = Duration.ofSeconds(10);
  public static final Duration MAX_BUDGET = Duration.ofMinutes(10);
  public static final int DEFAULT_SOCKETS = 6;
  public static final int MAX_SOCKETS = 200;
  public static final double DEFAULT_RATE = 5;
  public static final double MAX_RATE = 50;

  /** The small soak's defaults: {@value #DEFAULT_SOCKETS} sockets, 5 messages per second each, no direct replica. */
  public DrainRehearsalSettings(String adminToken, Duration budget) {
    this(adminToken, budget, DEFAULT_SOCKETS, DEFAULT_RATE, null);
  }

  public DrainRehearsalSettings {
    if (budget == null || budget.compareTo(MIN_BUDGET) < 0 || budget.compareTo(MAX_BUDGET) > 0) {
      throw new IllegalArgumentException("budget must be 10s..10m: " + budget);
    }
    if (sockets < 1 || sockets > MAX_SOCKETS) {
      throw new IllegalArgumentException("sockets must be 1.." + MAX_SOCKETS + ": " + sockets);
    }
    if (!(rate > 0 && rate <= MAX_RATE)) {
      throw new IllegalArgumentException("rate must be above 0 and at most " + MAX_RATE + ": " + rate);
    }
  }

  public DrainRehearsalSettings withDirect(WsTarget replica) {
    return new DrainRehearsalSettings(adminToken, budget, sockets, rate, replica);
  }

  /** How long the soak sends: a third of the budget, 5 s to 1 min; the rest is for the answers, closes, accept. */
  public Duration soakDuration() {
    Duration third = budget.dividedBy(3);
    Duration min = Duration.ofSeconds(5);
    Duration max = Duration.ofMinutes(1);
    return third.compareTo(min) < 0 ? min : third.compareTo(max) > 0 ? max : third;
  }

  /** The sockets arrive over this long: a second, or a tenth of a shorter soak. */
  public Duration rampUp() {
    Duration tenth = soakDuration().dividedBy(10);
    return tenth.compareTo(Duration.ofSeconds(1)) < 0 ? tenth : Duration.ofSeconds(1);
  }

  /** When the drain is asked for: once every socket had time to connect and send a few messages. */
  public Duration drainAt() {
    return rampUp().plus(soakDuration().dividedBy(5));
  }

  /** Settings for reports: the token is described by whether there is one, never shown. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("admin_token", adminToken == null ? "none" : "given (not shown)")
      .put("budget_ms", budget.toMillis())
      .put("sockets", sockets)
      .put("rate_per_socket", rate)
      .put("soak_duration_ms", soakDuration().toMillis())
      .put("drain_at_ms", drainAt().toMillis())
      .put("direct", direct == null ? null : direct.url());
  }

  @Override
  public String toString() {
    // a record's own toString would print the token
    return "DrainRehearsalSettings" + toJson().encode();
  }
}
