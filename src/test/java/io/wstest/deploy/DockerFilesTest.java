package io.wstest.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.wstest.Commands;
import io.wstest.server.ServerConfig;
import io.wstest.testsupport.NginxProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.wstest.deploy.KubernetesManifestsTest.defaultPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Dockerfile and docker/compose.yaml checked against the code (ComposeLbIT runs the Compose LB for real). */
class DockerFilesTest {

  static final Path DOCKERFILE = DeployFiles.file("Dockerfile");
  static final Path COMPOSE = DeployFiles.file("docker/compose.yaml");
  static final String REPLICAS = "websocket-test";
  static final String JVM_OPTIONS_IN_IMAGE = "/app/jvm.options";
  static final String CDS_ARCHIVE_IN_IMAGE = "/app/app.jsa";

  private final String http = Integer.toString(defaultPort(ServerConfig.HTTP_PORT));
  private final String ws = Integer.toString(defaultPort(ServerConfig.WS_PORT));

  /** Dockerfile instructions with line continuations joined, comments dropped. */
  static List<String> instructions() throws IOException {
    List<String> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(DOCKERFILE, StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
        continue;
      }
      boolean continues = trimmed.endsWith("\\");
      current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
      if (!continues) {
        result.add(current.toString().strip());
        current.setLength(0);
      }
    }
    return result;
  }

  static List<String> withKeyword(List<String> instructions, String keyword) {
    return instructions.stream().filter(i -> i.startsWith(keyword + " ")).toList();
  }

  @Test
  void dockerfileBaseImagesAreArgsWithPublicDefaults() throws IOException {
    List<String> all = instructions();
    Map<String, String> args = new LinkedHashMap<>();
    for (String arg : withKeyword(all, "ARG")) {
      String[] kv = arg.substring(4).split("=", 2);
      args.put(kv[0].strip(), kv.length > 1 ? kv[1].strip() : null);
    }
    for (String name : List.of("BUILD_IMAGE", "RUNTIME_IMAGE")) {
      String image = args.get(name);
      assertTrue(image != null && !image.isEmpty(), name + " needs a default");
      String firstPart = image.split("/")[0];
      assertFalse(image.contains("/") && (firstPart.contains(".") || firstPart.contains(":")),
        name + " names a registry host: " + image);
    }
    List<String> froms = withKeyword(all, "FROM");
    assertTrue(froms.stream().anyMatch(f -> f.startsWith("FROM ${BUILD_IMAGE} AS maven-build")), froms.toString());
    assertTrue(froms.stream().anyMatch(f -> f.startsWith("FROM ${RUNTIME_IMAGE} AS runtime")), froms.toString());
    assertTrue(froms.get(froms.size() - 1).endsWith("AS runtime"), "the runtime stage is the default target");
    // Dependency cache layer: pom.xml and go-offline come before the sources.
    int pom = all.indexOf("COPY pom.xml ./");
    int offline = indexOfContaining(all, "dependency:go-offline");
    int sources = all.indexOf("COPY src ./src");
    assertTrue(pom >= 0 && pom < offline && offline < sources, "COPY pom.xml, go-offline, then COPY src");
  }

  @Test
  void dockerfileRunsNonRootOnTheDefaultPortsWithTheJarsHealthcheck() throws IOException {
    List<String> all = instructions();
    assertEquals(List.of("EXPOSE " + http + " " + ws), withKeyword(all, "EXPOSE"));
    String user = withKeyword(all, "USER").get(0).substring(5).split(":")[0];
    assertTrue(user.matches("[0-9]+") && Integer.parseInt(user) > 0, "numeric non-root USER: " + user);

    String healthcheck = withKeyword(all, "HEALTHCHECK").get(0);
    Matcher command = Pattern.compile("\"-jar\", \"([^\"]+)\", \"([a-z-]+)\"").matcher(healthcheck);
    assertTrue(command.find(), healthcheck);
    assertTrue(Commands.commandLine().getSubcommands().containsKey(command.group(2)),
      "HEALTHCHECK runs '" + command.group(2) + "', which must be a subcommand of the jar");
    assertFalse(healthcheck.contains("curl") || healthcheck.contains("wget"), "no curl/wget in the image");

    String entrypoint = withKeyword(all, "ENTRYPOINT").get(0);
    assertTrue(entrypoint.contains("exec java $JAVA_OPTS -jar " + command.group(1)), entrypoint);
  }

  /**
   * docker/jvm.options is the one source of the JVM flags: the runtime stage copies it and the default JAVA_OPTS is
   * that file as a java launcher argument file, plus the AppCDS archive that the runtime stage trains with the same
   * file (JAVA_OPTS stays overridable); the Maven stage packs it into the jar for bench --spawn (BenchFlagsTest
   * checks it holds only plain flags). ContainerImageIT checks the running container uses both.
   */
  @Test
  void defaultJavaOptsAreDockerJvmOptions() throws IOException {
    List<String> all = instructions();
    int runtime = all.indexOf("FROM ${RUNTIME_IMAGE} AS runtime");
    List<String> runtimeStage = all.subList(runtime, all.size());
    assertTrue(runtimeStage.contains("COPY docker/jvm.options " + JVM_OPTIONS_IN_IMAGE), runtimeStage.toString());
    assertEquals(List.of("ENV JAVA_OPTS=\"@" + JVM_OPTIONS_IN_IMAGE + " -XX:SharedArchiveFile=" + CDS_ARCHIVE_IN_IMAGE
      + "\""), withKeyword(runtimeStage, "ENV"));
    String training = withKeyword(runtimeStage, "RUN").stream().filter(r -> r.contains("-XX:ArchiveClassesAtExit="))
      .findFirst().orElseThrow(() -> new AssertionError("no AppCDS training RUN in the runtime stage"));
    assertTrue(training.contains("java @" + JVM_OPTIONS_IN_IMAGE + " -XX:ArchiveClassesAtExit=" + CDS_ARCHIVE_IN_IMAGE),
      "trained with the flags it runs with: " + training);
    assertTrue(training.contains("-jar /app/websocket-test-service.jar & "),
      "trained the way the ENTRYPOINT starts it, without arguments (those would load the command-line parser): "
        + training);
    assertTrue(runtimeStage.indexOf(training) < indexOfContaining(runtimeStage, "USER "),
      "trained as root, before USER, so /app can be written");

    int mavenBuild = all.indexOf("FROM ${BUILD_IMAGE} AS maven-build");
    int copy = all.indexOf("COPY docker/jvm.options ./docker/jvm.options");
    int packageJar = indexOfContaining(all, "-DskipTests package");
    assertTrue(mavenBuild < copy && copy < packageJar, "the Maven stage has docker/jvm.options before it packages");
  }

  @Test
  void dockerignoreKeepsOnlyWhatTheBuildCopies() throws IOException {
    List<String> rules = Files.readAllLines(DeployFiles.file(".dockerignore")).stream()
      .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertEquals(List.of("*", "!pom.xml", "!src/main/", "!docker/jvm.options", "!target/websocket-test-service.jar"),
      rules);
  }

  @Test
  void composeScalesReplicasBehindTheNginxLb() {
    JsonNode compose = DeployFiles.documents(COMPOSE).get(0);
    JsonNode services = compose.path("services");
    assertEquals(Set.of(REPLICAS, "lb"), fieldNames(services));

    JsonNode replicas = services.path(REPLICAS);
    assertTrue(replicas.path("ports").isMissingNode(), "replicas publish no host ports, so --scale works");
    assertTrue(replicas.path("container_name").isMissingNode(), "a fixed container_name prevents --scale");
    assertEquals(List.of(http, ws), texts(replicas.path("expose")));
    Path context = COMPOSE.getParent().resolve(replicas.path("build").path("context").asText()).normalize();
    assertTrue(Files.isRegularFile(context.resolve(replicas.path("build").path("dockerfile").asText())));
    Set<String> allowed = new HashSet<>(KubernetesManifestsTest.envVarsTheServiceReads());
    allowed.add("JAVA_OPTS");
    for (String name : fieldNames(replicas.path("environment"))) {
      assertTrue(allowed.contains(name), name + " is not read by the service or the image");
    }

    JsonNode lb = services.path("lb");
    assertEquals(List.of(http + ":" + http, ws + ":" + ws), texts(lb.path("ports")));
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (String volume : texts(lb.path("volumes"))) {
      String[] parts = volume.split(":");
      Path source = COMPOSE.getParent().resolve(parts[0]).normalize();
      assertTrue(Files.isRegularFile(source), "mounted file missing: " + source);
      mounts.put(parts[1], source);
    }
    assertEquals(DeployFiles.file("src/main/resources/io/wstest/lab/websocket-proxy.conf"),
      mounts.get("/etc/nginx/websocket-proxy.conf"), "the LB uses the proxy settings file of lab and the nginx tests");
    // The nginx image's entrypoint fills in templates/*.template from the environment into conf.d/.
    assertEquals(DeployFiles.file("docker/" + NginxProcess.COMPOSE_LB_TEMPLATE),
      mounts.get("/etc/nginx/templates/default.conf.template"));
    assertEquals("${" + NginxProcess.COMPOSE_RESOLVER_ENV + ":-127.0.0.11}",
      lb.path("environment").path(NginxProcess.COMPOSE_RESOLVER_ENV).asText(),
      "the DNS server is configurable, Docker's embedded one by default");
  }

  @Test
  void composeNginxConfigReResolvesTheReplicasOnTheDefaultPorts() throws IOException {
    String conf = Files.readString(DeployFiles.file("docker/" + NginxProcess.COMPOSE_LB_TEMPLATE));
    assertTrue(conf.contains("resolver ${" + NginxProcess.COMPOSE_RESOLVER_ENV + "} valid="),
      "the network's DNS server, re-resolved");
    // envsubst replaces every ${NAME} / $NAME set in the container's environment: the template may use no
    // upper-case name but the resolver's, and nginx's own variables are lower case.
    Set<String> envNames = new TreeSet<>();
    Matcher name = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)").matcher(conf.replaceAll("(?m)#.*$", ""));
    while (name.find()) {
      if (!name.group(1).equals(name.group(1).toLowerCase(java.util.Locale.ROOT))) {
        envNames.add(name.group(1));
      }
    }
    assertEquals(Set.of(NginxProcess.COMPOSE_RESOLVER_ENV), envNames);
    assertTrue(conf.contains("set $replicas " + REPLICAS + ";"), "the compose service name");
    assertTrue(conf.contains("proxy_pass http://$replicas:" + http + ";"), "a variable proxy_pass re-resolves");
    assertTrue(conf.contains("proxy_pass http://$replicas:" + ws + ";"));
    assertTrue(conf.contains("listen " + http + ";") && conf.contains("listen " + ws + ";"));
    assertEquals(2, conf.split("include websocket-proxy.conf;", -1).length - 1);
  }

  private static int indexOfContaining(List<String> list, String text) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new java.util.LinkedHashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.asText()));
    return values;
  }
}
