package io.wstest.protocol;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The other replicas of this service, when clustering is on (REDIS_URL). Implemented above this layer (by the
 * cluster package) and attached to the {@link ConnectionRegistry} at start-up; without it every broadcast stays
 * on this replica. Both methods may be called from any event loop and never block.
 */
public interface ClusterLink {

  /**
   * Hands an encoded {@code broadcast} message to the other replicas. Completes, on any thread, with what they
   * reported back within the collection window: {@code cluster} ("up" or "unavailable"), {@code replicas} (one
   * entry per replica that reported: instance_id, display_name, recipients, dropped), {@code replicas_expected}
   * (other replicas alive when it was sent). Never fails: a broadcast Redis could not take is reported as
   * unavailable and stays local.
   */
  Future<JsonObject> publish(String encodedBroadcast);

  /** The live cluster view (the body of GET /cluster); its {@code status} is "up" or "unavailable". */
  JsonObject view();
}
