package io.wstest.client.weights;

import io.vertx.core.json.JsonObject;
import io.wstest.client.run.ConnectOptions;
import io.wstest.client.run.ConnectSettings;
import io.wstest.options.Fractions;
import io.wstest.options.InvalidOption;
import io.wstest.client.socket.WsTarget;
import io.wstest.client.stats.Weights;
import io.wstest.identity.ServiceIdentity;
import io.wstest.options.Fractions;
import io.wstest.options.InvalidOption;

/**
 * The weights scenario's settings, checked: one endpoint (http by default), the intended split, the identity
 * field its names are matched against, how many connections and the intervals' confidence level.
 */
public record WeightsSettings(ConnectSettings connect, Weights weights, String field, int connections,
                              int concurrency, double confidence) {

  public static final int MAX_CONNECTIONS = 10_000;
  public static final double MIN_CONFIDENCE = 0.5;
  public static final double MAX_CONFIDENCE = 0.9999;

  public static WeightsSettings from(ConnectOptions c, String weights, String field, int connections,
                                     int concurrency, double confidence) {
    ConnectSettings connect = ConnectSettings.oneEndpoint(c, "weights");
    Weights parsed = Weights.fromOption("--weights", weights);
    if (!ServiceIdentity.FIELDS.contains(field)) {
      throw new InvalidOption("--field", "'" + field + "' is not a service_identity field; one of "
        + String.join(", ", ServiceIdentity.FIELDS));
    }
    if (connections < 1 || connections > MAX_CONNECTIONS) {
      throw new InvalidOption("--connections", connections + " is outside 1.." + MAX_CONNECTIONS);
    }
    if (concurrency < 1 || concurrency > MAX_CONNECTIONS) {
      throw new InvalidOption("--concurrency", concurrency + " is outside 1.." + MAX_CONNECTIONS);
    }
    return new WeightsSettings(connect, parsed, field, connections, concurrency,
      Fractions.parse("--confidence", confidence, MIN_CONFIDENCE, MAX_CONFIDENCE));
  }

  public WsTarget target() {
    return connect.target();
  }

  /** "v1=90,v2=10" as given (normalised). */
  public String weightsText() {
    return weights.toText();
  }

  public JsonObject toJson() {
    return connect.toJson()
      .put("connections", connections)
      .put("mode", "sequential")
      .put("concurrency", concurrency)
      .put("weights", weights.toJson())
      .put("field", field)
      .put("confidence", confidence);
  }
}
