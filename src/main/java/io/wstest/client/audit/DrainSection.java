package io.wstest.client.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.socket.WsTarget;

import java.time.Duration;
import java.util.Optional;

/**
 * The audit's drain section: rehearse a drain of one replica through the load balancer within {@code budget}, and
 * always ask it to accept again afterwards. The future never fails for what the service or the balancer answered:
 * a rehearsal that could not run completes with {@link DrainOutcome#skipped}.
 */
public interface DrainSection {

  /**
   * Whether the rehearsal could use the admin toggles (asked first, changing nothing, so that the budget can give
   * the drain's share to the other parts when it could not): empty when it could, else why not. Never fails.
   */
  Future<Optional<String>> access(Vertx vertx, ConnectSettings connect, String adminToken);

  /**
   * @param adminToken the service's ADMIN_TOKEN, or null (then only open admin toggles allow the rehearsal)
   * @param direct     a replica reached without the balancer ({@code --direct}), or null
   * @param console    where the rehearsal tells what happens ({@link ConsoleReport#part}: nothing but with --verbose)
   */
  Future<DrainOutcome> rehearse(Vertx vertx, ConnectSettings connect, String adminToken, Duration budget,
                                WsTarget direct, ConsoleReport console);
}
