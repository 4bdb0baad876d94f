package io.wstest.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar started with exactly the environment the Deployment gives a pod (Downward API fields filled with
 * the values the kubelet would put there): every probe path of the manifest answers 200, the identity the env
 * vars feed shows up in /health, and the image's HEALTHCHECK command ({@code healthcheck}) passes against it.
 */
@ExtendWith(VertxExtension.class)
class KubernetesManifestsIT {

  /** What the kubelet resolves each Downward API field to, for one made-up pod. */
  private static final Map<String, String> POD_FIELDS = Map.of(
    "metadata.name", "websocket-test-service-7d8f9-xk2pq",
    "metadata.namespace", "wstest-it",
    "spec.nodeName", "worker-3",
    // Only reported, never connected to.
    "status.podIP", "192.0.2.15",
    "metadata.labels['version']", "v2");

  private static Container container;
  private static Map<String, String> podEnv;
  private static ServiceProcess service;

  @BeforeAll
  static void startLikeAPod() {
    List<HasMetadata> objects = DeployFiles.kubernetesObjects(KubernetesManifestsTest.MANIFEST);
    container = KubernetesManifestsTest.container(objects);
    podEnv = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      String value = var.getValue() != null ? var.getValue()
        : POD_FIELDS.get(var.getValueFrom().getFieldRef().getFieldPath());
      podEnv.put(var.getName(), value);
    }
    ServiceProcess.Builder builder = ServiceProcess.builder().podName(podEnv.get("POD_NAME"));
    podEnv.forEach(builder::env);
    // The kubelet sets this in every container; the service only checks that it exists.
    builder.env("KUBERNETES_SERVICE_HOST", "192.0.2.1");
    service = builder.start();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void everyProbePathAnswers200(Vertx vertx, VertxTestContext test) {
    Set<String> paths = new LinkedHashSet<>();
    for (Probe probe : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
      paths.add(KubernetesManifestsTest.httpGet(probe).getPath());
    }
    WebClient client = WebClient.create(vertx);
    List<Future<HttpResponse<io.vertx.core.buffer.Buffer>>> responses = new ArrayList<>();
    for (String path : paths) {
      responses.add(client.get(service.httpPort(), "127.0.0.1", path).send());
    }
    Future.all(responses).onComplete(test.succeeding(all -> test.verify(() -> {
      int i = 0;
      for (String path : paths) {
        assertEquals(200, responses.get(i++).result().statusCode(), path);
      }
      test.completeNow();
    })));
  }

  @Test
  void identityFromTheManifestShowsInHealth(Vertx vertx, VertxTestContext test) {
    WebClient.create(vertx).get(service.httpPort(), "127.0.0.1", "/health").send()
      .onComplete(test.succeeding(response -> test.verify(() -> {
        JsonObject identity = response.bodyAsJsonObject().getJsonObject("service_identity");
        assertEquals(podEnv.get("POD_NAME"), identity.getString("pod_name"));
        assertEquals(podEnv.get("POD_NAMESPACE"), identity.getString("namespace"));
        assertEquals(podEnv.get("NODE_NAME"), identity.getString("node_name"));
        assertEquals(podEnv.get("POD_IP"), identity.getString("container_ip"));
        assertEquals(podEnv.get("SERVICE_NAME"), identity.getString("service_name"));
        assertEquals("v2", identity.getString("version"), "the pod label, through SERVICE_VERSION");
        assertEquals("kubernetes", identity.getString("environment"));
        assertEquals("websocket-test-service-websocket-test-service-7d8f9-xk2pq", identity.getString("display_name"));
        test.completeNow();
      })));
  }

  /** The HEALTHCHECK command of the image, with the port given the way the image gives it (HTTP_PORT). */
  @Test
  void jarHealthcheckPassesAgainstTheRunningService() throws Exception {
    Process check = ServiceProcess.launch(List.of("healthcheck"),
      Map.of("HTTP_PORT", Integer.toString(service.httpPort())), null);
    try {
      assertTrue(check.waitFor(30, TimeUnit.SECONDS), "healthcheck did not finish");
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, check.exitValue(), output);
      assertTrue(output.contains("healthy: 200"), output);
    } finally {
      check.destroyForcibly();
    }
  }
}
