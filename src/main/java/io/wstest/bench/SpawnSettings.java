package io.wstest.bench;

import io.wstest.options.TlsEngine;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How spawned servers are started: which jar, which JVM flags, which CPUs, whether from an AppCDS archive of
 * their own classes (as the container image starts the service; see {@link CdsArchive}), the certificate they
 * serve wss with ({@code --tls}; null: plain ws) and the TLS engine of the service and the baseline
 * ({@code --tls-engine}: jdk or openssl; null: the service's TLS_ENGINE from bench's environment, the baseline the
 * JVM's).
 */
record SpawnSettings(Path jar, List<String> jvmOptions, String serverCpus, boolean cds, SelfSignedCertificate tls,
                     String tlsEngine) {

  /**
   * {@code --tls-engine} of bench and of baseline-server, checked as the flag is parsed: one of the names the
   * service's TLS_ENGINE takes ({@link TlsEngine#value}), as written.
   */
  static final class TlsEngineName implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      List<String> names = Arrays.stream(TlsEngine.values()).map(TlsEngine::value).toList();
      if (!names.contains(value)) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not " + String.join(" or ", names));
      }
      return value;
    }
  }

  /** The scheme of the spawned servers' WebSocket URLs. */
  String scheme() {
    return tls == null ? "ws" : "wss";
  }

  /** The recommended flags, the same file the Dockerfile uses (docker/jvm.options, packed into the jar). */
  static List<String> recommendedJvmOptions() {
    try (InputStream in = SpawnSettings.class.getResourceAsStream("jvm.options")) {
      if (in == null) {
        return List.of();
      }
      return parseOptions(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** One or more flags per line; '#' starts a comment. */
  static List<String> parseOptions(String text) {
    List<String> options = new ArrayList<>();
    for (String line : text.split("\n")) {
      int hash = line.indexOf('#');
      String flags = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (!flags.isEmpty()) {
        options.addAll(List.of(flags.split("\\s+")));
      }
    }
    return options;
  }
}
