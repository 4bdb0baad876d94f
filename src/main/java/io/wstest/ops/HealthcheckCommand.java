package io.wstest.ops;

import io.wstest.options.DurationConverter;
import io.wstest.options.Durations;
import io.wstest.options.InvalidOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * {@code healthcheck}: one GET against this replica's readiness probe, exit 0 when it answers 2xx, else 1. It is
 * the image's HEALTHCHECK, so the container needs no curl; it uses only java.base (no Vert.x start-up) to stay
 * quick and small inside a container's memory limit.
 */
@Command(name = "healthcheck",
  description = {"Check a running service: GET its readiness probe; exit 0 healthy (2xx), 1 not.",
    "Default URL: http://127.0.0.1:$HTTP_PORT/health/ready (HTTP_PORT as the service reads it, default 8080;"
      + " BIND_HOST instead of 127.0.0.1 when it names one address); https:// when TLS_CERT and TLS_KEY are set.",
    "With TLS_CERT set, the service's own certificate is trusted (even self-signed, whatever names it holds) for"
      + " the default URL and for a --url on a loopback address; any other https URL needs a certificate the JVM"
      + " trusts."})
public final class HealthcheckCommand implements Callable<Integer> {

  public static final String PROBE_PATH = "/health/ready";

  @Spec
  CommandSpec spec;

  /** Resolves the local service's settings; throws IllegalArgumentException naming an unusable one. */
  private final Function<Map<String, String>, LocalService> localService;

  @Option(names = "--url", paramLabel = "URL", description = "URL to GET instead of the local readiness probe")
  String url;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
    description = "connect + read timeout, e.g. 500ms, 3s, 1m; a bare number is seconds (default: ${DEFAULT-VALUE})")
  Duration timeout;

  public HealthcheckCommand(Function<Map<String, String>, LocalService> localService) {
    this.localService = localService;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> env = System.getenv();
    URL target;
    int timeoutMillis;
    List<X509Certificate> own;
    try {
      target = url != null ? parseUrl(url) : URI.create(defaultUrl(env)).toURL();
      timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, parseTimeout(timeout)));
      own = url == null || isLoopback(target.getHost()) ? ownCertificates(env, url == null) : List.of();
    } catch (IllegalArgumentException | IOException e) {
      err.println("Error: " + e.getMessage());
      return 2;
    }
    try {
      int status = get(target, timeoutMillis, own);
      if (status >= 200 && status < 300) {
        out.println("healthy: " + status + " from " + target);
        return 0;
      }
      err.println("unhealthy: " + status + " from " + target);
    } catch (IOException e) {
      err.println("unhealthy: " + target + " did not answer (" + reason(e, target) + ")");
    }
    return 1;
  }

  /** The readiness probe of the service this process's environment describes. */
  String defaultUrl(Map<String, String> env) {
    LocalService config = localService.apply(env);
    String host = config.bindHost();
    if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (config.tls() ? "https://" : "http://") + host + ":" + config.httpPort() + PROBE_PATH;
  }

  /**
   * The certificates of the service this environment describes (its TLS_CERT), or none without TLS. For a
   * given --url the service settings are only a hint: when they do not resolve, nothing extra is trusted.
   */
  List<X509Certificate> ownCertificates(Map<String, String> env, boolean settingsMustResolve) {
    try {
      return localService.apply(env).certificates();
    } catch (IllegalArgumentException e) {
      if (settingsMustResolve) {
        throw e;
      }
      return List.of();
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
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

  private static long parseTimeout(Duration timeout) {
    try {
      return Durations.parse("--timeout", timeout, Duration.ZERO, Duration.ofDays(1)).toMillis();
    } catch (InvalidOption e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** What went wrong, in the words test-lb uses, rather than an exception's class name. */
  private static String reason(IOException error, URL target) {
    String hostPort = target.getHost() + ":" + (target.getPort() < 0 ? target.getDefaultPort() : target.getPort());
    if (error instanceof ConnectException) {
      return "connection refused by " + hostPort + " (nothing listening?)";
    }
    if (error instanceof SocketTimeoutException) {
      return "no answer from " + hostPort + " within the timeout";
    }
    if (error instanceof UnknownHostException) {
      return "unknown host " + target.getHost();
    }
    if (error instanceof SSLException) {
      return "TLS handshake with " + hostPort + " failed: " + error.getMessage();
    }
    return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
  }

  private static int get(URL target, int timeoutMillis, List<X509Certificate> own) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) target.openConnection();
    if (connection instanceof HttpsURLConnection https && !own.isEmpty()) {
      trustOwnCertificates(https, own);
    }
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

  /**
   * Accepts the service's own certificate as its leaf, besides everything the JVM trusts. A certificate issued
   * for the public name (or self-signed) then passes on 127.0.0.1 too: presenting exactly that certificate in
   * a completed handshake proves the peer holds its key.
   */
  private static void trustOwnCertificates(HttpsURLConnection https, List<X509Certificate> own) throws IOException {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      X509TrustManager jvm = null;
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          jvm = x509;
        }
      }
      X509TrustManager standard = jvm;
      X509TrustManager ownFirst = new X509TrustManager() {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          if (chain.length == 0 || !own.contains(chain[0])) {
            standard.checkServerTrusted(chain, authType);
          }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          standard.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return standard.getAcceptedIssuers();
        }
      };
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {ownFirst}, null);
      https.setSSLSocketFactory(context.getSocketFactory());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
    HostnameVerifier names = https.getHostnameVerifier();
    https.setHostnameVerifier((host, session) -> presents(session, own) || names.verify(host, session));
  }

  private static boolean presents(SSLSession session, List<X509Certificate> own) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && own.contains(chain[0]);
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
