package io.wstest.testsupport;

import io.wstest.lab.LbTemplate;
import io.wstest.server.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Real nginx (Debian package) from the jar's nginx-lb.conf.template (the one {@code lab --lb nginx} runs). Tests
 * skip with an install hint when nginx is missing:
 * {@code Assumptions.assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT)}.
 */
public final class NginxProcess {

  public static final String INSTALL_HINT = "nginx is not installed: apt-get install -y nginx (CI's .ci/run does)";

  /** Balancing methods as nginx spells them inside an upstream block. */
  public static final String ROUND_ROBIN = "";
  public static final String LEAST_CONN = "least_conn;";
  public static final String HASH_REMOTE_ADDR = "hash $remote_addr consistent;";

  /** The Compose load balancer's config, relative to docker/, and the environment variable naming its DNS server. */
  public static final String COMPOSE_LB_TEMPLATE = "nginx/compose-lb.conf.template";
  public static final String COMPOSE_RESOLVER_ENV = "NGINX_RESOLVER";

  private NginxProcess() {
  }

  public static boolean available() {
    return binary() != null;
  }

  private static Path binary() {
    return LoadBalancerProcess.executable("/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx");
  }

  /**
   * @param balance     one of the constants above (or any upstream-level directive)
   * @param readTimeout nginx duration such as "3s" or "3600s": the idle cut-off for proxied WebSockets
   */
  public static LoadBalancerProcess start(List<Backend> backends, String balance, String readTimeout) {
    return run("wstest-nginx-", (dir, httpPort, wsPort) -> {
      Path proxySnippet = dir.resolve(LbTemplate.WEBSOCKET_PROXY);
      Files.writeString(proxySnippet, LbTemplate.text(LbTemplate.WEBSOCKET_PROXY), StandardCharsets.UTF_8);
      return LoadBalancerProcess.fill(LbTemplate.NGINX, Map.of(
        "RUNTIME_DIR", dir.toString(),
        "LISTEN_HTTP", "127.0.0.1:" + httpPort,
        "LISTEN_WS", "127.0.0.1:" + wsPort,
        "BALANCE", balance,
        "HTTP_SERVERS", servers(backends, true),
        "WS_SERVERS", servers(backends, false),
        "PROXY_SNIPPET", proxySnippet.toString(),
        "READ_TIMEOUT", readTimeout));
    });
  }

  /**
   * nginx in front of one service with the given directives in both locations (8080 side and raw side) instead of
   * the project's WebSocket proxy snippet: to play a proxy that is set up wrong, e.g. without the Upgrade lines.
   */
  public static LoadBalancerProcess startWithLocation(int httpBackend, int wsBackend, String locationDirectives) {
    return startWithLocation(httpBackend, wsBackend, locationDirectives, null);
  }

  /**
   * As {@link #startWithLocation(int, int, String)}, with nginx terminating TLS on both listeners with this
   * certificate (clients use https/wss, the service gets plain http/ws).
   */
  public static LoadBalancerProcess startTlsWithLocation(int httpBackend, int wsBackend, SelfSignedCert cert,
                                                         String locationDirectives) {
    return startWithLocation(httpBackend, wsBackend, locationDirectives, cert);
  }

  private static LoadBalancerProcess startWithLocation(int httpBackend, int wsBackend, String locationDirectives,
                                                       SelfSignedCert tls) {
    String listen = tls == null ? "" : " ssl; ssl_certificate " + tls.certPem() + "; ssl_certificate_key "
      + tls.keyPem();
    return run("wstest-nginx-", (dir, httpPort, wsPort) -> mainConfig(dir, 256,
      "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }",
      "  server { listen 127.0.0.1:" + httpPort + listen + "; location / { proxy_pass http://127.0.0.1:"
        + httpBackend + "; " + locationDirectives + " } }",
      "  server { listen 127.0.0.1:" + wsPort + listen + "; location / { proxy_pass http://127.0.0.1:"
        + wsBackend + "; " + locationDirectives + " } }"));
  }

  /** The project's WebSocket proxy snippet (the one lab and Compose use), for {@link #startWithLocation}. */
  public static String websocketProxySnippet() {
    return "include " + LoadBalancerProcess.dockerDir().resolveSibling("src/main/resources/io/wstest/lab")
      .resolve(LbTemplate.WEBSOCKET_PROXY) + ";";
  }

  private static String servers(List<Backend> backends, boolean http) {
    return backends.stream()
      .map(b -> "    server 127.0.0.1:" + (http ? b.httpPort() : b.wsPort())
        + (b.weight() == null ? "" : " weight=" + b.weight()) + ";")
      .collect(Collectors.joining("\n"));
  }

  /**
   * The Docker Compose load balancer (docker/nginx/compose-lb.conf.template, including websocket-proxy.conf) run for
   * real, with only its addresses substituted: the DNS server (${NGINX_RESOLVER}, as the nginx image's entrypoint
   * fills it in) becomes {@code 127.0.0.1:dnsPort}, the listen ports
   * become free loopback ports, and the replicas' ports become the given ones. The replicas themselves are whatever
   * that DNS server says the Compose service name resolves to.
   */
  public static LoadBalancerProcess startComposeLb(int dnsPort, int replicaHttpPort, int replicaWsPort) {
    return run("wstest-compose-lb-", (dir, httpPort, wsPort) -> {
      String http = ServerConfig.HTTP_PORT.defaultText();
      String ws = ServerConfig.WS_PORT.defaultText();
      String conf = Files.readString(LoadBalancerProcess.dockerDir().resolve(COMPOSE_LB_TEMPLATE),
        StandardCharsets.UTF_8);
      conf = substitute(conf, "resolver ${" + COMPOSE_RESOLVER_ENV + "} ", "resolver 127.0.0.1:" + dnsPort + " ");
      conf = substitute(conf, "listen " + http + ";", "listen 127.0.0.1:" + httpPort + ";");
      conf = substitute(conf, "listen " + ws + ";", "listen 127.0.0.1:" + wsPort + ";");
      conf = substitute(conf, ":" + http + ";", ":" + replicaHttpPort + ";");
      conf = substitute(conf, ":" + ws + ";", ":" + replicaWsPort + ";");
      Files.writeString(dir.resolve("compose-lb.conf"), conf, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(LbTemplate.WEBSOCKET_PROXY), LbTemplate.text(LbTemplate.WEBSOCKET_PROXY),
        StandardCharsets.UTF_8);
      // what the nginx image's own nginx.conf provides around conf.d/*.conf, with every path in the temp dir
      return mainConfig(dir, 1024, "  include compose-lb.conf;");
    });
  }

  /** Writes nginx's configuration into a fresh temp dir, for two free loopback listen ports. */
  private interface ConfigWriter {
    String write(Path dir, int httpPort, int wsPort) throws IOException;
  }

  /** Starts nginx with the configuration {@code writer} makes, in a temp dir of its own, on two free ports. */
  private static LoadBalancerProcess run(String tempPrefix, ConfigWriter writer) {
    Path binary = binary();
    if (binary == null) {
      throw new IllegalStateException(INSTALL_HINT);
    }
    try {
      Path dir = Files.createTempDirectory(tempPrefix);
      int httpPort = FreePorts.next();
      int wsPort = FreePorts.next();
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(conf, writer.write(dir, httpPort, wsPort), StandardCharsets.UTF_8);
      return LoadBalancerProcess.start("nginx",
        List.of(binary.toString(), "-p", dir.toString(), "-c", conf.toString()), httpPort, wsPort, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A foreground nginx with one worker, every runtime path in {@code dir}, and these lines in its http block. */
  private static String mainConfig(Path dir, int workerConnections, String... httpLines) {
    List<String> lines = new ArrayList<>(List.of(
      "daemon off;", "worker_processes 1;", "pid " + dir + "/nginx.pid;", "error_log " + dir + "/error.log warn;",
      "events { worker_connections " + workerConnections + "; }",
      "http {",
      "  access_log " + dir + "/access.log;",
      "  client_body_temp_path " + dir + "/client_body; proxy_temp_path " + dir + "/proxy;",
      "  fastcgi_temp_path " + dir + "/fastcgi; uwsgi_temp_path " + dir + "/uwsgi; scgi_temp_path " + dir + "/scgi;"));
    lines.addAll(List.of(httpLines));
    lines.addAll(List.of("}", ""));
    return String.join("\n", lines);
  }

  private static String substitute(String text, String from, String to) {
    if (!text.contains(from)) {
      throw new IllegalStateException("docker/" + COMPOSE_LB_TEMPLATE + " no longer contains '" + from + "'");
    }
    return text.replace(from, to);
  }
}
