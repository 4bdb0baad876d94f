package io.wstest.ops;

import io.wstest.server.ConfigException;
import io.wstest.server.ServerConfig;
import io.wstest.server.Setting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code healthcheck}: one GET against this replica's readiness probe, exit 0 when it answers 2xx, else 1. It is
 * the image's HEALTHCHECK, so the container needs no curl; it uses only java.base (no Vert.x start-up) to stay
 * quick and small inside a container's memory limit.
 */
@Command(name = "healthcheck", mixinStandardHelpOptions = true,
  versionProvider = io.wstest.Main.Version.class,
  description = {"Check a running service: GET its readiness probe; exit 0 healthy (2xx), 1 not.",
    "Default URL: http://127.0.0.1:$HTTP_PORT/health/ready (HTTP_PORT as the service reads it, default 8080;"
      + " BIND_HOST instead of 127.0.0.1 when it names one address)."})
public final class HealthcheckCommand implements Callable<Integer> {

  public static final String PROBE_PATH = "/health/ready";

  @Spec
  CommandSpec spec;

  @Option(names = "--url", paramLabel = "URL", description = "URL to GET instead of the local readiness probe")
  String url;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "3s",
    description = "connect + read timeout, e.g. 500ms, 3s (default: ${DEFAULT-VALUE})")
  String timeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URL target;
    int timeoutMillis;
    try {
      target = url != null ? parseUrl(url) : URI.create(defaultUrl(System.getenv())).toURL();
      timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, parseTimeout(timeout)));
    } catch (ConfigException | IllegalArgumentException | IOException e) {
      err.println("Error: " + e.getMessage());
      return 2;
    }
    try {
      int status = get(target, timeoutMillis);
      if (status >= 200 && status < 300) {
        out.println("healthy: " + status + " from " + target);
        return 0;
      }
      err.println("unhealthy: " + status + " from " + target);
    } catch (IOException e) {
      err.println("unhealthy: " + target + " did not answer (" + e + ")");
    }
    return 1;
  }

  /** The readiness probe of the service this process's environment describes. */
  static String defaultUrl(Map<String, String> env) {
    ServerConfig config = ServerConfig.fromEnv(env);
    String host = config.bindHost();
    if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + config.httpPort() + PROBE_PATH;
  }

  private static URL parseUrl(String raw) {
    try {
      URL parsed = URI.create(raw).toURL();
      if (!parsed.getProtocol().equals("http") && !parsed.getProtocol().equals("https")) {
        throw new IllegalArgumentException("not http or https");
      }
      return parsed;
    } catch (IllegalArgumentException | IOException e) {
      throw new IllegalArgumentException("Invalid value for option --url: '" + raw + "' (expected an absolute http URL)");
    }
  }

  private static long parseTimeout(String raw) {
    try {
      return Setting.parseDurationMillis(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid value for option --timeout: '" + raw + "' (" + e.getMessage() + ")");
    }
  }

  private static int get(URL target, int timeoutMillis) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) target.openConnection();
    connection.setConnectTimeout(timeoutMillis);
    connection.setReadTimeout(timeoutMillis);
    connection.setUseCaches(false);
    connection.setInstanceFollowRedirects(false);
    try {
      int status = connection.getResponseCode();
      try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
        if (body != null) {
          body.readAllBytes();
        }
      }
      return status;
    } finally {
      connection.disconnect();
    }
  }
}
