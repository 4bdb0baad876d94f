package io.wstest.identity;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityResolverTest {

  @TempDir
  Path root;

  private ServiceIdentity resolve(Map<String, String> env, List<InetAddress> addresses) {
    return new IdentityResolver(env, root, () -> addresses).resolve();
  }

  private void write(String file, String content) throws IOException {
    Path path = root.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, content);
  }

  @Test
  void kubernetesDownwardApiEnvironmentFillsEveryField() throws Exception {
    write("proc/sys/kernel/hostname", "websocket-test-service-7d8f9-xyz12\n");
    ServiceIdentity id = resolve(Map.of(
      "KUBERNETES_SERVICE_HOST", "10.96.0.1",
      "POD_NAME", "websocket-test-service-7d8f9-xyz12",
      "POD_NAMESPACE", "lb-tests",
      "NODE_NAME", "k8s-worker-1",
      "POD_IP", "10.244.1.15",
      "SERVICE_NAME", "my-ws"), List.of());

    assertEquals("kubernetes", id.environment());
    assertEquals("websocket-test-service-7d8f9-xyz12", id.hostname());
    assertEquals("websocket-test-service-7d8f9-xyz12", id.podName());
    assertEquals("lb-tests", id.namespace());
    assertEquals("k8s-worker-1", id.nodeName());
    assertEquals("10.244.1.15", id.containerIp());
    assertEquals("my-ws", id.serviceName());
    assertEquals("my-ws-websocket-test-service-7d8f9-xyz12", id.displayName());
    assertTrue(id.instanceId().matches("[0-9a-f]{8}"), id.instanceId());
  }

  @Test
  void serviceAccountDirectoryAloneMeansKubernetes() throws Exception {
    Files.createDirectories(root.resolve("var/run/secrets/kubernetes.io/serviceaccount"));
    assertEquals("kubernetes", resolve(Map.of(), List.of()).environment());
  }

  @Test
  void dockerenvMeansDocker() throws Exception {
    write(".dockerenv", "");
    assertEquals("docker", resolve(Map.of(), List.of()).environment());
  }

  @Test
  void podmanContainerenvMeansDocker() throws Exception {
    write("run/.containerenv", "engine=\"podman\"\n");
    assertEquals("docker", resolve(Map.of(), List.of()).environment());
  }

  @Test
  void cgroupNamingARuntimeMeansDocker() throws Exception {
    write("proc/1/cgroup", "12:memory:/\n0::/machine.slice/libpod-3f2a9c.scope\n");
    assertEquals("docker", resolve(Map.of(), List.of()).environment());
  }

  @Test
  void containerRootMountMeansDocker() throws Exception {
    write("proc/1/cgroup", "0::/\n");
    write("proc/self/mountinfo",
      "600 500 0:52 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC\n");
    assertEquals("docker", resolve(Map.of(), List.of()).environment());
  }

  @Test
  void hostWithDockerInstalledButNotInAContainerIsLocal() throws Exception {
    write("proc/1/cgroup", "0::/init.scope\n");
    write("proc/self/mountinfo", String.join("\n",
      "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
      "90 27 0:50 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw"));
    assertEquals("local", resolve(Map.of(), List.of()).environment());
  }

  @Test
  void plainHostFallsBackToHostValues() throws Exception {
    write("etc/hostname", "laptop\n");
    ServiceIdentity id = resolve(Map.of(), List.of(
      InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"), InetAddress.getByName("192.0.2.10")));
    assertEquals("local", id.environment());
    assertEquals("laptop", id.hostname());
    assertEquals("laptop", id.podName());
    assertEquals("unknown", id.nodeName());
    assertEquals("default", id.namespace());
    assertEquals("websocket-test-service", id.serviceName());
    assertEquals("192.0.2.10", id.containerIp(), "first non-loopback IPv4");
    assertEquals("websocket-test-service-laptop", id.displayName());
  }

  @Test
  void onlyLoopbackMeansLoopbackIp() {
    ServiceIdentity id = resolve(Map.of(), List.of(InetAddress.getLoopbackAddress()));
    assertEquals("127.0.0.1", id.containerIp());
  }

  @Test
  void instanceIdsDifferBetweenProcessesAndVersionComesFromTheBuild() {
    ServiceIdentity a = resolve(Map.of(), List.of());
    ServiceIdentity b = resolve(Map.of(), List.of());
    assertNotEquals(a.instanceId(), b.instanceId());
    assertFalse(a.version().isBlank());
    assertTrue(a.startedAt().endsWith("Z"), a.startedAt());
  }

  @Test
  void serviceVersionLabelsTheReplicaAndBlankFallsBackToTheBuild() {
    ServiceIdentity canary = resolve(Map.of("SERVICE_VERSION", " v2-canary "), List.of());
    assertEquals("v2-canary", canary.version());
    assertEquals("v2-canary", canary.toJson().getString("version"));
    // Kubernetes sets an empty value when the pod label the Downward API reads is missing.
    assertEquals(IdentityResolver.buildVersion(), resolve(Map.of("SERVICE_VERSION", ""), List.of()).version());
    assertEquals(IdentityResolver.buildVersion(), resolve(Map.of(), List.of()).version());
  }

  @Test
  void jsonHasTheSeedFieldsAndNoOtherEnvironment() {
    ServiceIdentity id = resolve(Map.of("POD_NAME", "p", "SECRET_TOKEN", "hunter2"), List.of());
    JsonObject json = id.toJson();
    assertEquals(List.of("instance_id", "hostname", "container_ip", "pod_name", "node_name", "namespace",
      "service_name", "environment", "display_name", "version", "started_at"), List.copyOf(json.fieldNames()));
    assertEquals(ServiceIdentity.FIELDS, List.copyOf(json.fieldNames()));
    assertFalse(json.encode().contains("hunter2"));
  }
}
