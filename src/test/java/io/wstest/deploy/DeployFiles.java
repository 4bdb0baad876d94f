package io.wstest.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the deploy files (deploy/k8s, docker/compose.yaml) the way a strict client would. Kubernetes objects are
 * bound to fabric8's typed model with unknown fields failing the parse: fabric8's classes normally swallow them
 * into an "additionalProperties" map, so that any-setter is removed here and a misspelt field (a probe's
 * {@code initialDelaySecond}) fails the build instead of being silently ignored by the test and by kubectl alike.
 */
final class DeployFiles {

  /** kind → (apiVersion, model class) for every kind the manifests may contain. */
  private static final Map<String, Map.Entry<String, Class<? extends HasMetadata>>> KINDS = Map.of(
    "Deployment", Map.entry("apps/v1", Deployment.class),
    "Service", Map.entry("v1", Service.class),
    "PodDisruptionBudget", Map.entry("policy/v1", PodDisruptionBudget.class),
    "Ingress", Map.entry("networking.k8s.io/v1", Ingress.class),
    "NetworkPolicy", Map.entry("networking.k8s.io/v1", NetworkPolicy.class));

  static final ObjectMapper STRICT_YAML = YAMLMapper.builder()
    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
    .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
    .addModule(new SimpleModule("no-additional-properties").setDeserializerModifier(new BeanDeserializerModifier() {
      @Override
      public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean,
                                                   BeanDeserializerBuilder builder) {
        if (bean.getBeanClass().getName().startsWith("io.fabric8.")) {
          builder.setAnySetter(null);
        }
        return builder;
      }
    }))
    .build();

  private DeployFiles() {
  }

  /** The project root (tests run with it as working directory). */
  static Path root() {
    Path root = Path.of("").toAbsolutePath();
    if (!Files.isRegularFile(root.resolve("pom.xml"))) {
      throw new IllegalStateException("not the project root: " + root);
    }
    return root;
  }

  static Path file(String relative) {
    return root().resolve(relative);
  }

  /** Every YAML document in the file, as trees (comments and empty documents dropped). */
  static List<JsonNode> documents(Path file) {
    try (JsonParser parser = STRICT_YAML.createParser(file.toFile())) {
      List<JsonNode> docs = new ArrayList<>();
      var it = STRICT_YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  /** Binds every document of a Kubernetes manifest to its typed model class; unknown kinds and fields fail. */
  static List<HasMetadata> kubernetesObjects(Path file) {
    List<HasMetadata> objects = new ArrayList<>();
    for (JsonNode doc : documents(file)) {
      objects.add(bind(doc, file));
    }
    return objects;
  }

  static HasMetadata bind(JsonNode doc, Path file) {
    String kind = doc.path("kind").asText();
    var expected = KINDS.get(kind);
    if (expected == null) {
      throw new IllegalArgumentException(file + ": unexpected kind '" + kind + "', expected one of " + KINDS.keySet());
    }
    if (!expected.getKey().equals(doc.path("apiVersion").asText())) {
      throw new IllegalArgumentException(file + ": " + kind + " must be apiVersion " + expected.getKey()
        + ", not '" + doc.path("apiVersion").asText() + "'");
    }
    try {
      return STRICT_YAML.treeToValue(doc, expected.getValue());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": " + kind + " does not match the Kubernetes model: "
        + e.getMessage(), e);
    }
  }

  static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
    return ofKind(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
      .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
  }
}
