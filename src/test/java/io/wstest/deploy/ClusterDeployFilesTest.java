package io.wstest.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.wstest.cluster.RedisEndpoint;
import io.wstest.server.ServerConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cluster deployments: the Kubernetes overlay deploy/overlays/cluster (a Redis Deployment and Service, REDIS_URL
 * on the service pointing at them) and the Compose file docker/compose.cluster.yaml, checked against the code.
 */
class ClusterDeployFilesTest {

  private static final Path OVERLAY = DeployFiles.file("deploy/overlays/cluster");
  private static final Path COMPOSE_CLUSTER = DeployFiles.file("docker/compose.cluster.yaml");
  private static final String REDIS = "websocket-test-redis";

  private final List<HasMetadata> base = DeployFiles.kubernetesObjects(KubernetesManifestsTest.MANIFEST);
  private final List<HasMetadata> redis = DeployFiles.kubernetesObjects(OVERLAY.resolve("redis.yaml"));

  @Test
  void theOverlayAddsRedisAndPointsTheServiceAtIt() {
    JsonNode kustomization = DeployFiles.documents(OVERLAY.resolve("kustomization.yaml")).get(0);
    assertEquals("Kustomization", kustomization.path("kind").asText());
    for (JsonNode resource : kustomization.path("resources")) {
      Path path = OVERLAY.resolve(resource.asText()).normalize();
      assertTrue(Files.isRegularFile(path) || Files.isRegularFile(path.resolve("kustomization.yaml")), path.toString());
    }
    List<HasMetadata> patch = DeployFiles.kubernetesObjects(OVERLAY.resolve(
      kustomization.path("patches").get(0).path("path").asText()));
    Container patched = KubernetesManifestsTest.container(patch);
    assertEquals(KubernetesManifestsTest.container(base).getName(), patched.getName(), "the patch names the container");
    checkRedisUrl(KubernetesManifestsTest.envByName(patched).get(ServerConfig.REDIS_URL.env()));
  }

  /** REDIS_URL parses as the service parses it, names the overlay's Redis Service and its port, and has no password. */
  private void checkRedisUrl(EnvVar var) {
    assertNotNull(var, "REDIS_URL is set");
    RedisEndpoint endpoint = RedisEndpoint.parse(var.getValue());
    assertNull(endpoint.password(), "no password in a manifest: use REDIS_PASSWORD_FILE on a Secret");
    Service service = DeployFiles.named(redis, Service.class, REDIS);
    int port = service.getSpec().getPorts().get(0).getPort();
    assertEquals("redis://" + REDIS + ":" + port, endpoint.masked());
  }

  @Test
  void redisIsSmallHardenedStoresNothingAndOnlyTheServiceReachesIt() {
    Deployment deployment = DeployFiles.named(redis, Deployment.class, REDIS);
    Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertEquals(labels, deployment.getSpec().getSelector().getMatchLabels());
    assertEquals(labels, DeployFiles.named(redis, Service.class, REDIS).getSpec().getSelector());
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> args = container.getArgs();
    assertEquals("", args.get(args.indexOf("--save") + 1), "no snapshots");
    assertEquals("no", args.get(args.indexOf("--appendonly") + 1), "no append-only file");
    assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
    assertTrue(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot());
    assertNotNull(container.getResources().getLimits().get("memory"));
    assertNotNull(container.getReadinessProbe());

    NetworkPolicy policy = DeployFiles.named(redis, NetworkPolicy.class, REDIS);
    assertEquals(labels, policy.getSpec().getPodSelector().getMatchLabels());
    assertEquals(KubernetesManifestsTest.POD_LABELS,
      policy.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels());
  }

  /** What {@code kubectl apply -k} would send: the base, Redis, and the base Deployment changed only by REDIS_URL. */
  @Test
  void kustomizeBuildsTheOverlay() throws Exception {
    Path kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
      .map(dir -> Path.of(dir, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(kubectl != null, "kubectl is not installed (no Debian package): kustomize output not checked");
    Path out = Files.createTempFile("wstest-kustomize-", ".yaml");
    List<HasMetadata> built;
    try {
      Process process = new ProcessBuilder(kubectl.toString(), "kustomize", OVERLAY.toString())
        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, "kubectl kustomize failed");
      built = DeployFiles.kubernetesObjects(out);
    } finally {
      Files.deleteIfExists(out);
    }
    Set<String> expected = new TreeSet<>(names(base));
    expected.addAll(names(redis));
    assertEquals(expected, names(built));
    for (HasMetadata object : built) {
      if (object instanceof Deployment deployment && deployment.getMetadata().getName().equals(
        KubernetesManifestsTest.DEPLOYMENT)) {
        Container container = KubernetesManifestsTest.container(List.of(deployment));
        checkRedisUrl(KubernetesManifestsTest.envByName(container).get(ServerConfig.REDIS_URL.env()));
        List<EnvVar> without = new ArrayList<>(container.getEnv());
        without.removeIf(v -> v.getName().equals(ServerConfig.REDIS_URL.env()));
        container.setEnv(without);
        assertEquals(KubernetesManifestsTest.deployment(base), deployment, "the overlay changes only REDIS_URL");
      }
    }
  }

  @Test
  void composeAddsRedisAndPointsTheReplicasAtIt() {
    JsonNode services = DeployFiles.documents(COMPOSE_CLUSTER).get(0).path("services");
    JsonNode replicas = services.path(DockerFilesTest.REPLICAS);
    String url = replicas.path("environment").path(ServerConfig.REDIS_URL.env()).asText();
    RedisEndpoint endpoint = RedisEndpoint.parse(url);
    assertNull(endpoint.password());
    assertTrue(services.has("redis"), "a redis service");
    assertEquals("redis://redis:6379", endpoint.masked());
    assertEquals("service_healthy", replicas.path("depends_on").path("redis").path("condition").asText());
    JsonNode redisService = services.path("redis");
    assertTrue(redisService.path("ports").isMissingNode(), "Redis is not published on the host");
    List<String> command = new ArrayList<>();
    redisService.path("command").forEach(n -> command.add(n.asText()));
    assertEquals("", command.get(command.indexOf("--save") + 1));
    Set<String> names = new TreeSet<>();
    for (Iterator<String> it = services.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    assertEquals(Set.of(DockerFilesTest.REPLICAS, "redis"), names, "only adds Redis to compose.yaml's services");
  }

  private static Set<String> names(List<HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName())
      .collect(Collectors.toCollection(TreeSet::new));
  }
}
