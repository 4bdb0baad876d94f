package io.wstest.bench;

import io.vertx.core.VertxOptions;

/** Vert.x options of the load generator and the baseline: native epoll transport where the platform has it. */
final class BenchVertx {

  private BenchVertx() {
  }

  static VertxOptions options() {
    return new VertxOptions().setPreferNativeTransport(true);
  }

  /** The load generator runs on one event loop: its state needs no locks and it stays on its pinned CPU. */
  static VertxOptions clientOptions() {
    return options().setEventLoopPoolSize(1).setWorkerPoolSize(2).setInternalBlockingPoolSize(2);
  }
}
