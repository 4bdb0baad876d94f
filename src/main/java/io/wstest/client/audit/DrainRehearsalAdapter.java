package io.wstest.client.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wstest.client.run.ConnectSettings;

import java.time.Duration;

/**
 * The one place the audit's drain section meets the drain scenario's rehearsal
 * ({@code io.wstest.client.drain.DrainRehearsal}): it maps the rehearsal's result onto {@link DrainOutcome}.
 * Until that rehearsal is part of the build, the section reports itself as skipped with the reason.
 */
public final class DrainRehearsalAdapter implements DrainSection {

  static final String NOT_IN_THIS_BUILD = "the drain rehearsal is not part of this build";

  @Override
  public Future<DrainOutcome> rehearse(Vertx vertx, ConnectSettings connect, String adminToken, Duration budget) {
    return Future.succeededFuture(DrainOutcome.skipped(NOT_IN_THIS_BUILD));
  }
}
