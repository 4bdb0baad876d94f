package io.wstest.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tells whether the process runs on Kubernetes, in a container ("docker", whatever the runtime) or locally.
 * The environment and the filesystem root are injected so tests can fake all three.
 */
public final class EnvironmentDetector {

  public static final String KUBERNETES = "kubernetes";
  public static final String DOCKER = "docker";
  public static final String LOCAL = "local";

  private static final List<String> RUNTIME_MARKERS = List.of("docker", "containerd", "libpod", "podman", "kubepods");

  private EnvironmentDetector() {
  }

  public static String detect(Map<String, String> env, Path root) {
    if (env.containsKey("KUBERNETES_SERVICE_HOST")
      || Files.isDirectory(root.resolve("var/run/secrets/kubernetes.io/serviceaccount"))) {
      return KUBERNETES;
    }
    if (Files.exists(root.resolve(".dockerenv"))
      || Files.exists(root.resolve("run/.containerenv"))
      || cgroupNamesRuntime(root.resolve("proc/1/cgroup"))
      || rootMountIsContainerLayer(root.resolve("proc/self/mountinfo"))) {
      return DOCKER;
    }
    return LOCAL;
  }

  /** cgroup v1 paths (and some v2 setups) name the runtime: {@code 0::/docker/<id>}, {@code .../libpod-<id>.scope}. */
  private static boolean cgroupNamesRuntime(Path cgroup) {
    for (String line : readLines(cgroup)) {
      String path = line.substring(line.lastIndexOf(':') + 1).toLowerCase(Locale.ROOT);
      if (containsMarker(path)) {
        return true;
      }
    }
    return false;
  }

  /**
   * With cgroup v2 the cgroup file often says only {@code 0::/}; the root mount then still shows the runtime's
   * storage (for example {@code /var/lib/docker/overlay2/...}). Only the line for mount point "/" counts: a host
   * that merely has Docker installed has such paths on other mount points.
   */
  private static boolean rootMountIsContainerLayer(Path mountinfo) {
    for (String line : readLines(mountinfo)) {
      String[] fields = line.split(" ");
      if (fields.length > 4 && fields[4].equals("/") && containsMarker(line.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsMarker(String text) {
    for (String marker : RUNTIME_MARKERS) {
      if (text.contains(marker)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }
}
