package io.wstest.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Other JDKs installed beside the one the tests run on, where Debian and the Temurin packages put them
 * ({@code /usr/lib/jvm/NAME}, each with a {@code release} file that names its version).
 */
public final class InstalledJdks {

  private static final Path JVM_DIRECTORY = Path.of("/usr/lib/jvm");
  private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

  private InstalledJdks() {
  }

  /** The {@code java} of the newest installed JDK whose feature version is at least {@code feature}, if any. */
  public static Optional<Path> javaOfAtLeast(int feature) {
    if (!Files.isDirectory(JVM_DIRECTORY)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(JVM_DIRECTORY)) {
      return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
        .map(home -> Map.entry(home, featureOf(home)))
        .filter(jdk -> jdk.getValue() >= feature)
        .max(Map.Entry.comparingByValue())
        .map(jdk -> jdk.getKey().resolve("bin/java"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The feature version in a JDK's {@code release} file; 0 when there is none to read. */
  static int featureOf(Path home) {
    try {
      Matcher version = VERSION.matcher(Files.readString(home.resolve("release")));
      return version.find() ? Integer.parseInt(version.group(1)) : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
