package io.wstest.client.stats;

import io.vertx.core.json.JsonObject;
import io.wstest.options.InvalidOption;
import io.wstest.wire.Fields;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The intended split for {@code --weights a=3,b=1}. A name matches an instance by its display_name, pod_name,
 * hostname or instance_id, so {@code --weights pod-a=3,pod-b=1} works with Kubernetes pod names.
 */
public record Weights(Map<String, Double> byName) {

  public static Weights parse(String text) {
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      int eq = part.lastIndexOf('=');
      String name = eq > 0 ? part.substring(0, eq).trim() : "";
      if (name.isEmpty()) {
        throw new IllegalArgumentException("'" + part.trim() + "' is not name=weight (example: a=3,b=1)");
      }
      double weight;
      try {
        weight = Double.parseDouble(part.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("weight of '" + name + "' is not a number");
      }
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("weight of '" + name + "' must be 0 or more");
      }
      if (weights.put(name, weight) != null) {
        throw new IllegalArgumentException("'" + name + "' is given twice");
      }
    }
    if (weights.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
      throw new IllegalArgumentException("at least one weight must be above 0");
    }
    return new Weights(Collections.unmodifiableMap(weights));
  }

  /** {@link #parse} for a command-line flag: an unusable value exits 2 naming {@code flag}. */
  public static Weights fromOption(String flag, String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidOption(flag, e.getMessage());
    }
  }

  public double total() {
    return byName.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** The weight name this instance answers to, or null when it matches none. */
  public String nameOf(String instanceId, JsonObject identity) {
    for (String name : byName.keySet()) {
      if (name.equals(instanceId) || name.equals(identity.getString(Fields.DISPLAY_NAME))
        || name.equals(identity.getString(Fields.POD_NAME)) || name.equals(identity.getString(Fields.HOSTNAME))) {
        return name;
      }
    }
    return null;
  }

  /** "v1=90,v2=10", each weight without trailing zeros. */
  public String toText() {
    StringBuilder text = new StringBuilder();
    byName.forEach((name, w) -> text.append(text.length() == 0 ? "" : ",").append(name).append('=')
      .append(weightText(w)));
    return text.toString();
  }

  /** 2.5 as "2.5", 90.0 as "90". */
  public static String weightText(double weight) {
    return java.math.BigDecimal.valueOf(weight).stripTrailingZeros().toPlainString();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    byName.forEach(json::put);
    return json;
  }
}
