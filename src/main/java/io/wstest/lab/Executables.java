package io.wstest.lab;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the nginx / HAProxy executable: the path in {@code LAB_NGINX_BIN} / {@code LAB_HAPROXY_BIN} when set,
 * else the first one on {@code PATH}, else in the sbin directories Debian installs them to (not on a normal
 * user's PATH).
 */
final class Executables {

  static final List<Path> SBIN_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"), Path.of("/sbin"));

  private final Map<String, String> env;
  private final List<Path> extraDirs;

  Executables(Map<String, String> env, List<Path> extraDirs) {
    this.env = env;
    this.extraDirs = extraDirs;
  }

  /** What a lookup found: the executable, or why there is none (a sentence naming what to install or fix). */
  record Lookup(Path binary, String problem) {
  }

  Lookup find(Balancer balancer) {
    String name = balancer.binaryName();
    String explicit = env.get(balancer.binaryEnv());
    if (explicit != null && !explicit.isBlank()) {
      Path path = Path.of(explicit);
      return Files.isRegularFile(path) && Files.isExecutable(path) ? new Lookup(path, null)
        : new Lookup(null, balancer.binaryEnv() + "=" + explicit + " is not an executable file; unset it to look "
          + name + " up on PATH, or install it: apt-get install " + name);
    }
    return search(name).map(path -> new Lookup(path, null))
      .orElseGet(() -> new Lookup(null, name + " is not installed (not on PATH nor in " + dirsText()
        + "): apt-get install " + name + ", or choose another --lb, or run lab --no-lb"));
  }

  private Optional<Path> search(String name) {
    List<Path> dirs = new ArrayList<>();
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        dirs.add(Path.of(dir));
      }
    }
    dirs.addAll(extraDirs);
    return dirs.stream().map(dir -> dir.resolve(name))
      .filter(path -> Files.isRegularFile(path) && Files.isExecutable(path)).findFirst();
  }

  private String dirsText() {
    return extraDirs.isEmpty() ? "any other directory"
      : String.join(", ", extraDirs.stream().map(Path::toString).toList());
  }
}
