package io.wstest.identity;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Builds the {@link ServiceIdentity} from the Downward-API style environment variables, the host and the build.
 * Only the documented variables are read; nothing else from the environment ever leaves the process.
 */
public final class IdentityResolver {

  public static final String POD_NAME = "POD_NAME";
  public static final String POD_NAMESPACE = "POD_NAMESPACE";
  public static final String NODE_NAME = "NODE_NAME";
  public static final String POD_IP = "POD_IP";
  public static final String SERVICE_NAME = "SERVICE_NAME";
  /** A release or canary label ({@code v1}, {@code v2-canary}) for the {@code version} field; test-lb weights groups by it. */
  public static final String SERVICE_VERSION = "SERVICE_VERSION";

  /** The identity variables this class reads (Kubernetes' Downward API sets the first four). */
  public static final List<String> ENV_VARS = List.of(POD_NAME, POD_NAMESPACE, NODE_NAME, POD_IP, SERVICE_NAME,
    SERVICE_VERSION);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> env;
  private final Path root;
  private final Supplier<List<InetAddress>> localAddresses;

  public IdentityResolver(Map<String, String> env, Path root, Supplier<List<InetAddress>> localAddresses) {
    this.env = env;
    this.root = root;
    this.localAddresses = localAddresses;
  }

  /** The real process: its environment, "/" and the host's network interfaces. */
  public static IdentityResolver forThisProcess() {
    return new IdentityResolver(System.getenv(), Path.of("/"), IdentityResolver::interfaceAddresses);
  }

  public ServiceIdentity resolve() {
    String hostname = hostname();
    String podName = envOr(POD_NAME, hostname);
    return new ServiceIdentity(
      String.format("%08x", RANDOM.nextInt()),
      hostname,
      envOr(POD_IP, firstNonLoopbackIpv4()),
      podName,
      envOr(NODE_NAME, "unknown"),
      envOr(POD_NAMESPACE, "default"),
      envOr(SERVICE_NAME, "websocket-test-service"),
      EnvironmentDetector.detect(env, root),
      envOr(SERVICE_VERSION, buildVersion()),
      Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
  }

  private String envOr(String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  /** The kernel's host name (what {@code hostname} prints), without any DNS lookup. */
  private String hostname() {
    for (String file : List.of("proc/sys/kernel/hostname", "etc/hostname")) {
      try {
        String name = Files.readString(root.resolve(file)).trim();
        if (!name.isEmpty()) {
          return name;
        }
      } catch (IOException | SecurityException ignored) {
        // try the next source
      }
    }
    return envOr("HOSTNAME", "localhost");
  }

  private String firstNonLoopbackIpv4() {
    for (InetAddress address : localAddresses.get()) {
      if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
        return address.getHostAddress();
      }
    }
    return "127.0.0.1";
  }

  private static List<InetAddress> interfaceAddresses() {
    List<InetAddress> result = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp()) {
          result.addAll(Collections.list(nic.getInetAddresses()));
        }
      }
    } catch (SocketException | NullPointerException e) {
      // no interfaces visible: fall back to loopback
    }
    return result;
  }

  /** The Maven project version, filtered into the jar at build time. */
  public static String buildVersion() {
    try (InputStream in = IdentityResolver.class.getResourceAsStream("/wstest-version.properties")) {
      if (in != null) {
        Properties props = new Properties();
        props.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        return props.getProperty("version", "unknown");
      }
    } catch (IOException ignored) {
      // fall through
    }
    return "unknown";
  }
}
