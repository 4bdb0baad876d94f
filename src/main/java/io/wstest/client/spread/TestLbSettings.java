package io.wstest.client.spread;

import io.vertx.core.json.JsonObject;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.run.OutputOptions;
import io.wstest.client.run.ReportSettings;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.Weights;
import io.wstest.options.InvalidOption;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The spread scenario's settings (test-lb's default), checked and resolved: where to connect
 * ({@link ConnectSettings}), how to report ({@link ReportSettings}), how many connections and how, and the pass
 * criteria. {@link #from} throws {@link InvalidOption} naming the flag when a value is unusable.
 */
public record TestLbSettings(
  ConnectSettings connect,
  ReportSettings report,
  int connections,
  boolean hold,
  int concurrency,
  int expectInstances,
  boolean expectInstancesGiven,
  boolean expectInstancesFromCluster,
  Double maxSkew,
  Weights weights) {

  public static final int MAX_CONNECTIONS = 10_000;

  public static TestLbSettings from(ConnectOptions c, SpreadOptions s, OutputOptions o, boolean terminal) {
    ConnectSettings connect = ConnectSettings.from(c, "both");
    if (s.connections < 1 || s.connections > MAX_CONNECTIONS) {
      throw new InvalidOption("--connections", s.connections + " is outside 1.." + MAX_CONNECTIONS);
    }
    if (s.concurrency < 1 || s.concurrency > MAX_CONNECTIONS) {
      throw new InvalidOption("--concurrency", s.concurrency + " is outside 1.." + MAX_CONNECTIONS);
    }
    if (s.maxSkew != null && !(s.maxSkew >= 1)) {
      throw new InvalidOption("--max-skew", "must be 1 or more (1 = perfectly even)");
    }
    Weights weights = s.weights == null ? null : Weights.fromOption("--weights", s.weights);
    return new TestLbSettings(connect, ReportSettings.from(o, terminal), s.connections, s.hold, s.concurrency,
      s.expectInstances == null ? 2 : s.expectInstances.fromClusterView() ? 0 : s.expectInstances.count(),
      s.expectInstances != null, s.expectInstances != null && s.expectInstances.fromClusterView(), s.maxSkew,
      weights);
  }

  /** The same settings expecting {@code count} instances (resolved from {@code --expect-instances cluster}). */
  public TestLbSettings expecting(int count) {
    return new TestLbSettings(connect, report, connections, hold, concurrency, count, expectInstancesGiven,
      expectInstancesFromCluster, maxSkew, weights);
  }

  public List<WsTarget> targets() {
    return connect.targets();
  }

  public WsTarget healthTarget() {
    return connect.healthTarget();
  }

  public List<Map.Entry<String, String>> headers() {
    return connect.headers();
  }

  public Duration timeout() {
    return connect.timeout();
  }

  public boolean insecure() {
    return connect.insecure();
  }

  public Path jsonFile() {
    return report.jsonFile();
  }

  public boolean emoji() {
    return report.emoji();
  }

  public JsonObject toJson() {
    JsonObject json = connect.toJson()
      .put("connections", connections)
      .put("mode", hold ? "hold" : "sequential")
      .put("concurrency", concurrency)
      .put("expect_instances", expectInstances)
      .put("max_skew", maxSkew)
      .put("weights", weights == null ? null : weights.toJson());
    if (expectInstancesFromCluster) {
      // the count above was read from GET /cluster when the run started
      json.put("expect_instances_from", "cluster");
    }
    return json;
  }
}
