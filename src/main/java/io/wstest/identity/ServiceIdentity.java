package io.wstest.identity;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Who this replica is. Field names follow the seed service so existing dashboards and scripts keep working;
 * {@code version} (the {@code SERVICE_VERSION} label, else the build version) and {@code started_at} are additions.
 */
public record ServiceIdentity(
  String instanceId,
  String hostname,
  String containerIp,
  String podName,
  String nodeName,
  String namespace,
  String serviceName,
  String environment,
  String version,
  String startedAt) {

  /** The JSON field names, in {@link #toJson()}'s order: what {@code test-lb weights --field} can group by. */
  public static final List<String> FIELDS = List.of("instance_id", "hostname", "container_ip", "pod_name",
    "node_name", "namespace", "service_name", "environment", "display_name", "version", "started_at");

  /** {@code <service_name>-<pod_name>}, as in the seed. */
  public String displayName() {
    return serviceName + "-" + podName;
  }

  /** A fresh JSON object in the seed's field order; callers may embed or modify it. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("instance_id", instanceId)
      .put("hostname", hostname)
      .put("container_ip", containerIp)
      .put("pod_name", podName)
      .put("node_name", nodeName)
      .put("namespace", namespace)
      .put("service_name", serviceName)
      .put("environment", environment)
      .put("display_name", displayName())
      .put("version", version)
      .put("started_at", startedAt);
  }
}
