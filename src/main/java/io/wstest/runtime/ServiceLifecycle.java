package io.wstest.runtime;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The life stage of this process and the operator's runtime toggles, shared by every verticle instance of both
 * servers: probes, the health JSON and the WebSocket upgrade door read it; the launcher, graceful shutdown and
 * the admin endpoints change it.
 */
public final class ServiceLifecycle implements Shareable {

  public enum State { STARTING, READY, DRAINING }

  /** Why an upgrade is refused: the HTTP status and the JSON {@code error} code. */
  public record Refusal(int status, String error, String message) {
  }

  private static final String MAP = "wstest.process";
  private static final String KEY = "lifecycle";

  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private final AtomicBoolean readinessEnabled = new AtomicBoolean(true);
  private final AtomicBoolean livenessEnabled = new AtomicBoolean(true);
  /** HTTP status refused upgrades get from {@code POST /admin/reject}; 0 while upgrades are accepted. */
  private final AtomicInteger rejectStatus = new AtomicInteger();
  /** Cleared when graceful shutdown starts closing sockets: after that no new socket may open. */
  private final AtomicBoolean acceptingUpgrades = new AtomicBoolean(true);

  private ServiceLifecycle() {
  }

  public static ServiceLifecycle of(Vertx vertx) {
    return vertx.sharedData().<String, ServiceLifecycle>getLocalMap(MAP).computeIfAbsent(KEY, k -> new ServiceLifecycle());
  }

  public State state() {
    return state.get();
  }

  public void markReady() {
    state.compareAndSet(State.STARTING, State.READY);
  }

  public void markDraining() {
    state.set(State.DRAINING);
  }

  /** Readiness: started, not draining and not switched off by {@code POST /readyz/disable}. */
  public boolean isReady() {
    return state.get() == State.READY && readinessEnabled.get();
  }

  /** Liveness: true unless switched off by {@code POST /healthz/disable} (draining does not change it). */
  public boolean isLive() {
    return livenessEnabled.get();
  }

  public void setReadinessEnabled(boolean enabled) {
    readinessEnabled.set(enabled);
  }

  public void setLivenessEnabled(boolean enabled) {
    livenessEnabled.set(enabled);
  }

  public void rejectUpgrades(int status) {
    rejectStatus.set(status);
  }

  public void acceptUpgrades() {
    rejectStatus.set(0);
  }

  public void stopAcceptingUpgrades() {
    acceptingUpgrades.set(false);
  }

  /** Why a new WebSocket upgrade must be refused right now, or null when it may proceed. */
  public Refusal upgradeRefusal() {
    if (!acceptingUpgrades.get()) {
      return new Refusal(503, "shutting_down", "this replica is shutting down; connect to another one");
    }
    int status = rejectStatus.get();
    if (status != 0) {
      return new Refusal(status, "upgrades_rejected", "this replica refuses new WebSockets for now");
    }
    return null;
  }
}
