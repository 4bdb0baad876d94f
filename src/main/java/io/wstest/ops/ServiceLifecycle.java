package io.wstest.ops;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The life stage of this process, shared by every verticle instance: probes and the health JSON read it,
 * the launcher and shutdown move it forward.
 */
public final class ServiceLifecycle implements Shareable {

  public enum State { STARTING, READY, DRAINING }

  private static final String MAP = "wstest.process";
  private static final String KEY = "lifecycle";

  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

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

  public boolean isReady() {
    return state.get() == State.READY;
  }
}
