package io.wstest.client.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wstest.client.drain.DrainRehearsal;
import io.wstest.client.drain.DrainRehearsalResult;
import io.wstest.client.drain.DrainRehearsalSettings;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.socket.WsTarget;

import java.time.Duration;
import java.util.Optional;

/**
 * The one place the audit's drain section meets the drain scenario's rehearsal ({@link DrainRehearsal}): it runs
 * the rehearsal with its default small soak (and the audit's {@code --direct} replica for the accept) and maps its result onto {@link DrainOutcome}.
 */
public final class DrainRehearsalAdapter implements DrainSection {

  @Override
  public Future<Optional<String>> access(Vertx vertx, ConnectSettings connect, String adminToken) {
    return DrainRehearsal.access(vertx, connect, adminToken);
  }

  @Override
  public Future<DrainOutcome> rehearse(Vertx vertx, ConnectSettings connect, String adminToken, Duration budget,
                                       WsTarget direct, ConsoleReport console) {
    return DrainRehearsal.run(vertx, connect, new DrainRehearsalSettings(adminToken, budget,
        DrainRehearsalSettings.DEFAULT_SOCKETS, DrainRehearsalSettings.DEFAULT_RATE, direct), console)
      .map(DrainRehearsalAdapter::outcome);
  }

  static DrainOutcome outcome(DrainRehearsalResult r) {
    if (!r.attempted()) {
      return DrainOutcome.skipped(r.skippedReason());
    }
    return new DrainOutcome(true, null, r.closes1001(), r.closes1006(), r.otherCloses(), r.sent(), r.lost(),
      r.stranded(), r.reconnectP50Ms(), r.reconnectP99Ms(), r.reconnectsAvoidedDrainingReplica(),
      r.drainedDisplayName() != null ? r.drainedDisplayName() : r.drainedInstance(), r.accepted(), r.toJson());
  }
}
