package io.wstest.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.wstest.identity.IdentityResolver;
import io.wstest.server.ServerConfig;
import io.wstest.server.Setting;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** deploy/k8s checked against the code: ports, env names, probes, drain timeline, security, kustomize, Ingress. */
class KubernetesManifestsTest {

  static final Path MANIFEST = DeployFiles.file("deploy/k8s/k8s-deployment.yaml");
  static final String DEPLOYMENT = "websocket-test-service";
  static final Map<String, String> POD_LABELS = Map.of("app", "websocket-test");

  private final List<HasMetadata> objects = DeployFiles.kubernetesObjects(MANIFEST);

  static Deployment deployment(List<HasMetadata> objects) {
    return DeployFiles.named(objects, Deployment.class, DEPLOYMENT);
  }

  static Container container(List<HasMetadata> objects) {
    List<Container> containers = deployment(objects).getSpec().getTemplate().getSpec().getContainers();
    assertEquals(1, containers.size(), "one container per pod");
    return containers.get(0);
  }

  static int defaultPort(Setting<Integer> setting) {
    return Integer.parseInt(setting.defaultText());
  }

  @Test
  void unknownFieldsAndKindsFailTheParse() {
    JsonNode typo = DeployFiles.documents(MANIFEST).get(0).deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) typo.get("spec")).put("replicaz", 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeployFiles.bind(typo, MANIFEST));
    assertTrue(e.getMessage().contains("replicaz"), e.getMessage());

    JsonNode unknownKind = typo.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) unknownKind).put("kind", "Deploymnet");
    assertThrows(IllegalArgumentException.class, () -> DeployFiles.bind(unknownKind, MANIFEST));
  }

  @Test
  void deploymentHasThreeLabelledReplicas() {
    Deployment d = deployment(objects);
    assertEquals(3, d.getSpec().getReplicas());
    assertEquals(POD_LABELS, d.getSpec().getSelector().getMatchLabels());
    assertTrue(d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(POD_LABELS.entrySet()));
    assertEquals("IfNotPresent", container(objects).getImagePullPolicy(),
      "the locally built image (docker build -t websocket-test .) must not be pulled");
  }

  @Test
  void containerPortsAreTheServiceDefaults() {
    Map<String, Integer> ports = containerPorts(container(objects));
    assertEquals(Map.of("http", defaultPort(ServerConfig.HTTP_PORT), "ws", defaultPort(ServerConfig.WS_PORT)), ports);
    Set<String> env = envByName(container(objects)).keySet();
    assertFalse(env.contains(ServerConfig.HTTP_PORT.env()) || env.contains(ServerConfig.WS_PORT.env()),
      "the ports are the defaults; setting HTTP_PORT/WS_PORT would need the container ports changed too");
  }

  @Test
  void servicesTargetTheContainerPortsAndSpreadConnections() {
    Map<String, Integer> containerPorts = containerPorts(container(objects));
    Map<String, String> types = Map.of("websocket-test-service", "ClusterIP", "websocket-test-lb", "LoadBalancer");
    for (var expected : types.entrySet()) {
      Service service = DeployFiles.named(objects, Service.class, expected.getKey());
      assertEquals(expected.getValue(), service.getSpec().getType(), expected.getKey());
      assertEquals("None", service.getSpec().getSessionAffinity(), expected.getKey());
      assertEquals(POD_LABELS, service.getSpec().getSelector(), expected.getKey());
      Map<Integer, Integer> portToTarget = new LinkedHashMap<>();
      for (ServicePort port : service.getSpec().getPorts()) {
        portToTarget.put(port.getPort(), resolve(port.getTargetPort(), containerPorts));
      }
      int http = defaultPort(ServerConfig.HTTP_PORT);
      int ws = defaultPort(ServerConfig.WS_PORT);
      assertEquals(Map.of(http, http, ws, ws), portToTarget, expected.getKey() + " port -> targetPort");
    }
  }

  @Test
  void everyEnvVarIsOneTheServiceReads() {
    Map<String, EnvVar> env = envByName(container(objects));
    Set<String> read = envVarsTheServiceReads();
    for (String name : env.keySet()) {
      assertTrue(read.contains(name), name + " is set in the manifest but the service never reads it; it reads " + read);
    }
    // Downward API as the seed, plus POD_IP and the pod's "version" label (a canary's label) as SERVICE_VERSION.
    Map<String, String> fieldPaths = Map.of("POD_NAME", "metadata.name", "POD_NAMESPACE", "metadata.namespace",
      "NODE_NAME", "spec.nodeName", "POD_IP", "status.podIP", "SERVICE_VERSION", "metadata.labels['version']");
    for (var expected : fieldPaths.entrySet()) {
      EnvVar var = env.get(expected.getKey());
      assertNotNull(var, expected.getKey() + " missing");
      assertEquals(expected.getValue(), var.getValueFrom().getFieldRef().getFieldPath(), expected.getKey());
    }
    assertEquals("websocket-test-service", env.get("SERVICE_NAME").getValue());
  }

  @Test
  void probesUseTheServiceProbeEndpointsOnTheHttpPort() {
    Container c = container(objects);
    assertEquals("/health/live", httpGet(c.getLivenessProbe()).getPath());
    assertEquals("/health/ready", httpGet(c.getReadinessProbe()).getPath());
    assertNotNull(c.getStartupProbe(), "startup probe");
    int http = defaultPort(ServerConfig.HTTP_PORT);
    for (Probe probe : List.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())) {
      assertEquals(http, resolve(httpGet(probe).getPort(), containerPorts(c)));
    }
  }

  @Test
  void gracePeriodCoversTheDrainTimeline() {
    Container c = container(objects);
    Map<String, String> env = literalEnv(c);
    Optional<Long> drainDelay = drainSettingMillis("DRAIN_DELAY", env);
    Optional<Long> shutdownTimeout = drainSettingMillis("SHUTDOWN_TIMEOUT", env);
    assumeTrue(drainDelay.isPresent() && shutdownTimeout.isPresent(),
      "DRAIN_DELAY / SHUTDOWN_TIMEOUT are neither settings of the service nor set in the manifest: no timeline to check");
    long graceMillis = deployment(objects).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() * 1000;
    long preStopMillis = preStopSleepMillis(c);
    assertTrue(graceMillis > preStopMillis + drainDelay.get() + shutdownTimeout.get(),
      "terminationGracePeriodSeconds " + graceMillis / 1000 + "s must exceed preStop " + preStopMillis
        + "ms + DRAIN_DELAY " + drainDelay.get() + "ms + SHUTDOWN_TIMEOUT " + shutdownTimeout.get() + "ms");
  }

  /**
   * docs/operations.md: DRAIN_DELAY must exceed the readiness probe's periodSeconds x failureThreshold (plus its
   * timeout, the longest a failing probe may take), or the sockets close while the pod still gets new connections.
   */
  @Test
  void drainDelayOutlastsTheReadinessProbesDetection() {
    Container c = container(objects);
    Map<String, String> env = literalEnv(c);
    long drainDelay = drainSettingMillis("DRAIN_DELAY", env).orElseThrow();
    Probe readiness = c.getReadinessProbe();
    long detection = 1000L * (readiness.getPeriodSeconds() * readiness.getFailureThreshold()
      + readiness.getTimeoutSeconds());
    assertTrue(drainDelay > detection, "DRAIN_DELAY " + drainDelay + " ms must exceed readiness periodSeconds "
      + readiness.getPeriodSeconds() + " x failureThreshold " + readiness.getFailureThreshold() + " + timeoutSeconds "
      + readiness.getTimeoutSeconds() + " (" + detection + " ms)");
  }

  @Test
  void podRunsLockedDown() throws java.io.IOException {
    PodSpec pod = deployment(objects).getSpec().getTemplate().getSpec();
    Container c = container(objects);
    assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
    String imageUser = DockerFilesTest.withKeyword(DockerFilesTest.instructions(), "USER").get(0).substring(5).split(":")[0];
    assertEquals(Long.parseLong(imageUser), pod.getSecurityContext().getRunAsUser(), "runAsUser = the image's USER");
    assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    String tmpVolume = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp"))
      .findFirst().orElseThrow(() -> new AssertionError("/tmp must be writable with a read-only root")).getName();
    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmpVolume)).findFirst().orElseThrow();
    assertNotNull(volume.getEmptyDir(), "/tmp is an emptyDir");
    assertNotNull(c.getResources().getRequests().get("memory"));
    assertNotNull(c.getResources().getLimits().get("memory"));
  }

  @Test
  void disruptionBudgetSelectsThePods() {
    PodDisruptionBudget pdb = DeployFiles.ofKind(objects, PodDisruptionBudget.class).get(0);
    assertEquals(POD_LABELS, pdb.getSpec().getSelector().getMatchLabels());
    assertTrue(pdb.getSpec().getMaxUnavailable() != null || pdb.getSpec().getMinAvailable() != null);
  }

  @Test
  void kustomizationsReferToFilesThatExist() {
    Path base = DeployFiles.file("deploy/k8s/kustomization.yaml");
    JsonNode kustomization = DeployFiles.documents(base).get(0);
    assertEquals("Kustomization", kustomization.path("kind").asText());
    assertEquals(List.of("k8s-deployment.yaml"), texts(kustomization.path("resources")));

    Path sticky = DeployFiles.file("deploy/overlays/sticky/kustomization.yaml");
    JsonNode overlay = DeployFiles.documents(sticky).get(0);
    for (String resource : texts(overlay.path("resources"))) {
      assertTrue(Files.isRegularFile(sticky.getParent().resolve(resource).resolve("kustomization.yaml")), resource);
    }
    List<String> patchedServices = new java.util.ArrayList<>();
    for (JsonNode patch : overlay.path("patches")) {
      Path patchFile = sticky.getParent().resolve(patch.path("path").asText());
      for (Service service : DeployFiles.ofKind(DeployFiles.kubernetesObjects(patchFile), Service.class)) {
        DeployFiles.named(objects, Service.class, service.getMetadata().getName());
        assertEquals("ClientIP", service.getSpec().getSessionAffinity());
        patchedServices.add(service.getMetadata().getName());
      }
    }
    assertEquals(List.of("websocket-test-service", "websocket-test-lb"), patchedServices);
  }

  /**
   * What {@code kubectl apply -k} would send, built by kubectl's own kustomize (offline): the base is exactly the
   * manifest, and the sticky overlay changes nothing but the Services' affinity.
   */
  @Test
  void kustomizeBuildsTheBaseAndTheStickyOverlay() throws Exception {
    Path kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
      .map(dir -> Path.of(dir, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(kubectl != null, "kubectl is not installed (no Debian package): kustomize output not checked");
    List<HasMetadata> base = kustomize(kubectl, "deploy/k8s");
    assertEquals(names(objects), names(base));
    List<HasMetadata> sticky = kustomize(kubectl, "deploy/overlays/sticky");
    assertEquals(names(objects), names(sticky));
    for (HasMetadata object : sticky) {
      HasMetadata original = DeployFiles.named(objects, object.getClass(), object.getMetadata().getName());
      if (object instanceof Service service) {
        assertEquals("ClientIP", service.getSpec().getSessionAffinity());
        assertEquals(10800, service.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds());
        Service reverted = new io.fabric8.kubernetes.api.model.ServiceBuilder(service).editSpec()
          .withSessionAffinity("None").withSessionAffinityConfig(null).endSpec().build();
        assertEquals(original, reverted, "the overlay changes only the affinity of " + service.getMetadata().getName());
      } else {
        assertEquals(original, object, "the overlay leaves " + object.getKind() + " alone");
      }
    }
  }

  /**
   * deploy/overlays/canary: a stable and a canary track, each a kustomization of the base; the stable one labels its
   * pods version: v1, the canary one keeps only the Deployment, renamed -canary, with 1 replica and version: v2.
   */
  @Test
  void canaryOverlayHasAStableAndACanaryTrack() {
    Path canary = DeployFiles.file("deploy/overlays/canary");
    JsonNode overlay = DeployFiles.documents(canary.resolve("kustomization.yaml")).get(0);
    assertEquals(List.of("stable", "canary"), texts(overlay.path("resources")));
    Map<String, String> versions = Map.of("stable", "v1", "canary", "v2");
    for (var track : versions.entrySet()) {
      Path dir = canary.resolve(track.getKey());
      JsonNode kustomization = DeployFiles.documents(dir.resolve("kustomization.yaml")).get(0);
      assertEquals(List.of("../../../k8s"), texts(kustomization.path("resources")), track.getKey());
      Path patchFile = dir.resolve(kustomization.path("patches").get(0).path("path").asText());
      Deployment patch = DeployFiles.named(DeployFiles.kubernetesObjects(patchFile), Deployment.class, DEPLOYMENT);
      assertEquals(track.getValue(), patch.getSpec().getSelector().getMatchLabels().get("version"), track.getKey());
      assertEquals(track.getValue(), patch.getSpec().getTemplate().getMetadata().getLabels().get("version"));
    }
    JsonNode canaryTrack = DeployFiles.documents(canary.resolve("canary/kustomization.yaml")).get(0);
    assertEquals("-canary", canaryTrack.path("nameSuffix").asText());
  }

  /**
   * What {@code kubectl apply -k deploy/overlays/canary} sends: the base's objects plus the canary Deployment; both
   * Deployments are the base's pod spec with their own version label (the Services select both by app, and the
   * label reaches the service as SERVICE_VERSION), the canary with one replica.
   */
  @Test
  void kustomizeBuildsTheCanaryOverlay() throws Exception {
    Path kubectl = kubectl();
    assumeTrue(kubectl != null, "kubectl is not installed (no Debian package): kustomize output not checked");
    List<HasMetadata> built = kustomize(kubectl, "deploy/overlays/canary");
    Set<String> expected = new java.util.TreeSet<>(names(objects));
    expected.add("Deployment/" + DEPLOYMENT + "-canary");
    assertEquals(expected, names(built));
    Deployment base = deployment(objects);
    for (var track : Map.of(DEPLOYMENT, "v1", DEPLOYMENT + "-canary", "v2").entrySet()) {
      Deployment d = DeployFiles.named(built, Deployment.class, track.getKey());
      Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
      assertEquals(track.getValue(), podLabels.get("version"), track.getKey());
      assertEquals(track.getValue(), d.getSpec().getSelector().getMatchLabels().get("version"), track.getKey());
      for (Service service : DeployFiles.ofKind(built, Service.class)) {
        assertTrue(podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()),
          service.getMetadata().getName() + " selects the " + track.getValue() + " pods");
      }
      assertEquals(track.getValue().equals("v1") ? 3 : 1, d.getSpec().getReplicas(), track.getKey());
      Deployment reverted = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d)
        .editMetadata().withName(DEPLOYMENT).endMetadata()
        .editSpec().withReplicas(base.getSpec().getReplicas())
        .editSelector().removeFromMatchLabels("version").endSelector()
        .editTemplate().editMetadata().removeFromLabels("version").endMetadata().endTemplate()
        .endSpec().build();
      assertEquals(base, reverted, track.getKey() + " is the base's Deployment but for its version label");
    }
    for (HasMetadata object : built) {
      if (!(object instanceof Deployment)) {
        assertEquals(DeployFiles.named(objects, object.getClass(), object.getMetadata().getName()), object);
      }
    }
  }

  private static Path kubectl() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
      .map(dir -> Path.of(dir, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
  }

  private static List<HasMetadata> kustomize(Path kubectl, String dir) throws Exception {
    Path out = Files.createTempFile("wstest-kustomize-", ".yaml");
    try {
      Process process = new ProcessBuilder(kubectl.toString(), "kustomize", DeployFiles.file(dir).toString())
        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
      boolean finished = process.waitFor(60, TimeUnit.SECONDS);
      if (!finished) {
        process.destroyForcibly();
      }
      String err = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(finished && process.exitValue() == 0, "kubectl kustomize " + dir + " failed: " + err);
      return DeployFiles.kubernetesObjects(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static Set<String> names(List<HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName())
      .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  @Test
  void ingressExampleRoutesToTheServiceWithWebSocketTimeouts() {
    List<HasMetadata> ingressFile = DeployFiles.kubernetesObjects(DeployFiles.file("deploy/k8s/ingress-nginx.yaml"));
    Ingress ingress = DeployFiles.ofKind(ingressFile, Ingress.class).get(0);
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    for (String key : List.of("proxy-read-timeout", "proxy-send-timeout")) {
      String value = annotations.get("nginx.ingress.kubernetes.io/" + key);
      assertNotNull(value, key);
      assertTrue(Integer.parseInt(value) > 60, key + " must be above ingress-nginx's 60 s default");
    }
    Set<String> backendPorts = new HashSet<>();
    ingress.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
      IngressServiceBackend backend = path.getBackend().getService();
      Service service = DeployFiles.named(objects, Service.class, backend.getName());
      assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(backend.getPort().getName())),
        backend.getPort().getName());
      backendPorts.add(backend.getPort().getName());
    }));
    assertEquals(Set.of("http", "ws"), backendPorts);
  }

  // ---- helpers shared with KubernetesManifestsIT --------------------------------------------------------------

  static Set<String> envVarsTheServiceReads() {
    Set<String> read = new HashSet<>(IdentityResolver.ENV_VARS);
    ServerConfig.SETTINGS.forEach(s -> read.add(s.env()));
    return read;
  }

  static Map<String, EnvVar> envByName(Container c) {
    Map<String, EnvVar> env = new LinkedHashMap<>();
    for (EnvVar var : c.getEnv()) {
      assertTrue(env.put(var.getName(), var) == null, "duplicate env " + var.getName());
    }
    return env;
  }

  /** The env vars the manifest sets to a literal value (not from the Downward API). */
  private static Map<String, String> literalEnv(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    envByName(c).forEach((name, var) -> {
      if (var.getValue() != null) {
        env.put(name, var.getValue());
      }
    });
    return env;
  }

  static Map<String, Integer> containerPorts(Container c) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (ContainerPort port : c.getPorts()) {
      ports.put(port.getName(), port.getContainerPort());
    }
    return ports;
  }

  static HTTPGetAction httpGet(Probe probe) {
    assertNotNull(probe, "probe");
    assertNotNull(probe.getHttpGet(), "probes are HTTP GETs");
    return probe.getHttpGet();
  }

  /** A named port resolves through the container's ports, as the kubelet and the endpoints controller do. */
  static int resolve(IntOrString port, Map<String, Integer> containerPorts) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    Integer number = containerPorts.get(port.getStrVal());
    assertNotNull(number, "no container port named " + port.getStrVal());
    return number;
  }

  /** The manifest's value if it sets one, else the service's default; empty when the service has no such setting. */
  private static Optional<Long> drainSettingMillis(String envName, Map<String, String> manifestEnv) {
    Optional<Setting<?>> setting = ServerConfig.SETTINGS.stream().filter(s -> s.env().equals(envName)).findFirst();
    String raw = manifestEnv.getOrDefault(envName, setting.map(Setting::defaultText).orElse(null));
    return Optional.ofNullable(raw).map(Setting::parseDurationMillis);
  }

  /** A preStop {@code sleep N} runs before SIGTERM and spends the same grace period. */
  private static long preStopSleepMillis(Container c) {
    if (c.getLifecycle() == null || c.getLifecycle().getPreStop() == null) {
      return 0;
    }
    var preStop = c.getLifecycle().getPreStop();
    if (preStop.getSleep() != null) {
      return preStop.getSleep().getSeconds() * 1000;
    }
    List<String> command = preStop.getExec() == null ? List.of() : preStop.getExec().getCommand();
    for (int i = 0; i < command.size() - 1; i++) {
      if (command.get(i).endsWith("sleep")) {
        return Setting.parseDurationMillis(command.get(i + 1));
      }
    }
    return 0;
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new java.util.ArrayList<>();
    array.forEach(n -> values.add(n.asText()));
    return values;
  }
}
