package io.wstest.client.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.socket.WsTarget;

import java.time.Duration;

/**
 * The audit's drain section: rehearse a drain of one replica through the load balancer within {@code budget}, and
 * always ask it to accept again afterwards. The future never fails for what the service or the balancer answered:
 * a rehearsal that could not run completes with {@link DrainOutcome#skipped}.
 */
@FunctionalInterface
public interface DrainSection {

  /**
   * @param adminToken the service's ADMIN_TOKEN, or null (then only open admin toggles allow the rehearsal)
   * @param direct     a replica reached without the balancer ({@code --direct}), or null
   */
  Future<DrainOutcome> rehearse(Vertx vertx, ConnectSettings connect, String adminToken, Duration budget,
                                WsTarget direct);
}
