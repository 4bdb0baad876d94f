package io.wstest.client.run;

import io.vertx.core.Vertx;
import io.wstest.client.report.ConsoleReport;
import io.wstest.client.report.ScenarioReport;

/**
 * One test-lb scenario, ready to run with checked settings. {@link #run} is called on a plain (non-Vert.x)
 * thread, may block it on bounded futures, and must end by itself: every step has a timeout or a duration.
 */
public interface Scenario {

  ScenarioReport run(Vertx vertx, ConsoleReport console) throws InterruptedException;
}
