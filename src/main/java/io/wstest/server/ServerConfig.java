package io.wstest.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.wstest.cluster.ClusterSettings;
import io.wstest.cluster.RedisEndpoint;
import io.wstest.ops.AllowedOrigins;
import io.wstest.options.SafeEcho;
import io.wstest.options.TlsEngine;
import io.wstest.protocol.ConnectionOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the server can be told, read once at start-up. Each value comes from its CLI flag, else its
 * environment variable, else the default. The {@link #SETTINGS} table is the single list of knobs.
 */
public final class ServerConfig {

  public static final Setting<Integer> HTTP_PORT = Setting.port("HTTP_PORT", "--http-port", 8080,
    "HTTP port: /, /health, /ws, /echo");
  public static final Setting<Integer> WS_PORT = Setting.port("WS_PORT", "--ws-port", 8765,
    "raw WebSocket server port (any path); must differ from the HTTP port");
  public static final Setting<String> BIND_HOST = Setting.text("BIND_HOST", "--bind", "ADDRESS", "0.0.0.0",
    "address both servers listen on");
  /**
   * One event loop per CPU this process may use (Vert.x defaults to two): with two busy loops on one pinned CPU
   * each waits out the other's scheduler time slice, p99 4 ms instead of 0.6 ms (docs/performance.md).
   */
  public static final int EVENT_LOOPS = Runtime.getRuntime().availableProcessors();
  /** The smallest default of MAX_PENDING_CONNECTIONS, whatever the open-file limit. */
  static final int MIN_DEFAULT_PENDING = 1000;

  public static final Setting<Integer> INSTANCES = Setting.integer("INSTANCES", "--instances",
    null, 1, 1024, "verticle instances per server (default: one per event loop = one per CPU, "
      + EVENT_LOOPS + " here)");
  public static final Setting<Integer> MAX_MESSAGE_BYTES = Setting.integer("MAX_MESSAGE_BYTES",
    "--max-message-bytes", 65536, 125, 64 * 1024 * 1024,
    "largest WebSocket message accepted; larger ones close the socket with 1009");
  public static final Setting<Boolean> WS_COMPRESSION = Setting.bool("WS_COMPRESSION", "--ws-compression", false,
    "accept permessage-deflate (costs ~100 KB native memory per connection)");

  public static final Setting<Long> DRAIN_DELAY = Setting.duration("DRAIN_DELAY", "--drain-delay", "5s",
    "on SIGTERM/SIGINT, how long readiness fails while sockets stay open, before they are closed");
  public static final Setting<Long> DRAIN_PERIOD = Setting.duration("DRAIN_PERIOD", "--drain-period", "0",
    "spread the shutdown closes evenly over this long, to avoid reconnect storms");
  /**
   * A client's message may be on the wire when the server sends {@code shutdown}: answering it for a moment
   * longer is what lets a client that stops sending on {@code shutdown} lose nothing.
   */
  public static final Setting<Long> SHUTDOWN_GRACE = Setting.duration("SHUTDOWN_GRACE", "--shutdown-grace", "1s",
    "after a socket's shutdown message, keep answering its messages this long before the 1001 close; "
      + "0 = close at once");
  public static final Setting<Long> SHUTDOWN_TIMEOUT = Setting.duration("SHUTDOWN_TIMEOUT", "--shutdown-timeout",
    "20s", "after the drain delay, exit (0) at the latest this long later, even with sockets still open");
  /**
   * A close frame queued behind a full write queue is never flushed to a peer that stopped reading, so Vert.x's
   * own closing timeout (which starts once the frame is written) never starts: without a deadline such a socket
   * would hold its fd and its MAX_CONNECTIONS place forever, and a drain would wait for it forever.
   */
  public static final Setting<Long> CLOSE_TIMEOUT = Setting.duration("CLOSE_TIMEOUT", "--close-timeout", "10s",
    "when the server closes a WebSocket (drain, idle, slow consumer, protocol error), drop the TCP connection this "
      + "long later if the closing handshake has not finished, e.g. because the peer stopped reading");
  public static final Setting<Boolean> ADMIN_ENABLED = Setting.bool("ADMIN_ENABLED", "--admin-enabled", true,
    "serve the POST toggles /readyz/*, /healthz/*, /admin/* (false: they answer 404)");
  public static final Setting<String> ADMIN_TOKEN = Setting.parsed("ADMIN_TOKEN", "--admin-token", "TOKEN", null,
    "when set, the POST toggles require 'Authorization: Bearer <token>' (prefer the env var: flags show in ps)",
    ServerConfig::parseToken);
  public static final Setting<AllowedOrigins> ALLOWED_ORIGINS = Setting.parsed("ALLOWED_ORIGINS",
    "--allowed-origins", "ORIGINS", null,
    "comma list of browser origins allowed to open WebSockets (default any); others get 403",
    AllowedOrigins::parse);
  public static final Setting<String> TLS_CERT = Setting.readableFile("TLS_CERT", "--tls-cert",
    "PEM certificate (chain): serve https/wss on both ports; needs TLS_KEY");
  public static final Setting<String> TLS_KEY = Setting.readableFile("TLS_KEY", "--tls-key",
    "PEM private key (PKCS#8 or PKCS#1) for TLS_CERT");
  public static final Setting<String> TLS_CLIENT_CA = Setting.readableFile("TLS_CLIENT_CA", "--tls-client-ca",
    "PEM CA certificate(s) that client certificates must chain to (mTLS); needs TLS_CERT and TLS_CLIENT_AUTH");
  public static final Setting<ClientAuth> TLS_CLIENT_AUTH = Setting.parsed("TLS_CLIENT_AUTH", "--tls-client-auth",
    "none|request|require", "none", "ask TLS clients for a certificate signed by TLS_CLIENT_CA: request (optional) "
      + "or require (handshake fails without one); the welcome and /request show it", ClientAuth::parse);
  public static final Setting<TlsEngine> TLS_ENGINE = Setting.parsed("TLS_ENGINE", "--tls-engine", "jdk|openssl",
    "jdk", "the TLS implementation: jdk (the JVM's) or openssl (BoringSSL, bundled for linux x86_64 and aarch64: "
      + "0.4-0.6 x the server CPU per TLS handshake); needs TLS_CERT", TlsEngine::parse);
  public static final Setting<Boolean> SHOW_CREDENTIALS = Setting.bool("SHOW_CREDENTIALS", "--show-credentials",
    false, "show Authorization, Proxy-Authorization, Cookie and custom credential header values (X-Api-Key, "
      + "X-Auth-Token ...) in the request echoed by the welcome, info, /request and 426 answers (default: redacted "
      + "to their size)");
  public static final Setting<List<String>> SUBPROTOCOLS = Setting.parsed("SUBPROTOCOLS", "--subprotocols",
    "*|none|LIST", "*", "WebSocket subprotocol selection on /ws, /echo and the raw port: * = the client's first "
      + "offer, a comma list = the client's first offer that is in the list, none = never select one",
    Subprotocols::parse);
  public static final Setting<Integer> PROXY_HTTP_PORT = Setting.port("PROXY_HTTP_PORT", "--proxy-http-port", 0,
    "extra listener serving what the HTTP port serves, behind a PROXY protocol v1/v2 header that every connection "
      + "must send; 0 = off");
  public static final Setting<Integer> PROXY_WS_PORT = Setting.port("PROXY_WS_PORT", "--proxy-ws-port", 0,
    "extra raw WebSocket listener (any path) behind a required PROXY protocol v1/v2 header; 0 = off");
  public static final Setting<Long> PROXY_PROTOCOL_TIMEOUT = Setting.duration("PROXY_PROTOCOL_TIMEOUT",
    "--proxy-protocol-timeout", "5s", "a connection to a PROXY port that has not sent its whole PROXY header this "
      + "long after connecting is closed");
  public static final Setting<Long> PING_INTERVAL = Setting.duration("PING_INTERVAL", "--ping-interval", "30s",
    "how often the server pings every WebSocket; 0 = never (to probe a load balancer's idle timeout)");
  public static final Setting<Long> IDLE_TIMEOUT = Setting.duration("IDLE_TIMEOUT", "--idle-timeout", null,
    "close a WebSocket with 1001 when nothing (not even a pong) arrived for this long; 0 = never"
      + " (default: 2 x --ping-interval)");
  public static final Setting<Integer> MAX_CONNECTIONS = Setting.integer("MAX_CONNECTIONS", "--max-connections",
    0, 0, Integer.MAX_VALUE, "WebSockets this process holds, both servers together; more get HTTP 503; 0 = unlimited");
  private static final int BROADCAST_RATE_MAX = 1_000_000;
  public static final Setting<Integer> BROADCAST_RATE = Setting.integer("BROADCAST_RATE", "--broadcast-rate",
    10, 0, BROADCAST_RATE_MAX,
    "broadcasts per second one connection may send (excess gets a rate_limited error); 0 = unlimited");
  public static final Setting<Integer> SLOW_CONSUMER_LIMIT = Setting.integer("SLOW_CONSUMER_LIMIT",
    "--slow-consumer-limit", 100, 1, Integer.MAX_VALUE,
    "broadcasts dropped for a socket whose write queue is full before it is closed with 1008");
  /**
   * Without a deadline a connection that sends half a request, nothing, or a byte every few seconds is kept
   * forever: thousands of them exhaust the fd limit before MAX_CONNECTIONS (which counts WebSockets) sees one.
   */
  public static final Setting<Long> HANDSHAKE_TIMEOUT = Setting.duration("HANDSHAKE_TIMEOUT", "--handshake-timeout",
    "10s", "a new connection must have sent the whole head of its first HTTP request (the WebSocket upgrade or any "
      + "other) this long after the accept, TLS handshake included; bytes trickling in do not extend it");
  /**
   * Longer than the 60 s idle timeout of common load balancers (AWS ALB's default) that keep connections to the
   * service open: when both sides time out together, a request the balancer sends just then fails (502).
   */
  public static final Setting<Long> HTTP_IDLE_TIMEOUT = Setting.duration("HTTP_IDLE_TIMEOUT", "--http-idle-timeout",
    "75s", "close a plain HTTP keep-alive connection whose next request head has not fully arrived this long after "
      + "the previous response (WebSockets are not affected)");
  /**
   * Default: a quarter of the process's open-file limit, at least 1,000. A burst of 2,000 connects at 2,000/s to
   * one replica on one CPU (a reconnect storm after a rollout) has more than 1,000 accepted but not yet upgraded;
   * at the bound the ports stop accepting, so a low bound makes such a burst wait in the listen backlog. A quarter
   * of the limit still leaves three quarters of the descriptors to WebSockets and /health while slow or silent
   * peers hold theirs.
   */
  public static final Setting<Integer> MAX_PENDING_CONNECTIONS = Setting.integer("MAX_PENDING_CONNECTIONS",
    "--max-pending-connections", null, 1, Integer.MAX_VALUE,
    "connections on both ports that are not WebSockets (in their TLS handshake, waiting for or inside an HTTP "
      + "request, or idle between requests); at the bound both ports stop accepting until places free (default: a "
      + "quarter of the open-file limit, at least " + MIN_DEFAULT_PENDING + "; " + defaultMaxPending() + " here)");
  public static final Setting<Boolean> METRICS_ENABLED = Setting.bool("METRICS_ENABLED", "--metrics", true,
    "serve Prometheus metrics on GET /metrics (HTTP port)");
  public static final Setting<RedisEndpoint> REDIS_URL = Setting.parsed("REDIS_URL", "--redis-url", "URL", null,
    "turn clustering on: redis://[user:password@]host[:port] or rediss:// (TLS); replicas sharing it see each other "
      + "(GET /cluster) and can broadcast to all sockets of all replicas; unset = every replica on its own",
    RedisEndpoint::parse).shownAs(ServerConfig::maskedUrl);
  public static final Setting<String> REDIS_PASSWORD = Setting.text("REDIS_PASSWORD", "--redis-password", "PASSWORD",
    null, "Redis password when REDIS_URL has none (prefer the env var or REDIS_PASSWORD_FILE: flags show in ps)")
    .shownAs(raw -> "***");
  public static final Setting<String> REDIS_PASSWORD_FILE = Setting.readableFile("REDIS_PASSWORD_FILE",
    "--redis-password-file", "file holding the Redis password (e.g. a mounted secret); trailing newline ignored");
  public static final Setting<Long> CLUSTER_HEARTBEAT = Setting.duration("CLUSTER_HEARTBEAT", "--cluster-heartbeat",
    "1s", "with REDIS_URL: how often this replica publishes its counts and state; the others drop it after "
      + ClusterSettings.EXPIRY_HEARTBEATS + " heartbeats of silence");
  /** See {@link WarmUp}: what it does and what it buys, measured. */
  public static final Setting<Long> WARMUP = Setting.duration("WARMUP", "--warmup", "0",
    "before reporting ready, run this long of loopback traffic (connects, welcomes, echoes, broadcasts to "
      + WarmUp.SOCKETS + " sockets) through a private copy of both servers, so the first real clients meet "
      + "compiled code, then sets the JIT compiler threads to nice 19 so the event loops run first (measured: a fresh "
      + "replica's first broadcast to 2,000 sockets took a third as long); the ports already listen and /health/live "
      + "answers meanwhile, /health/ready fails; 0 = off");

  /** Every setting, in the order {@code --help} lists them. */
  public static final List<Setting<?>> SETTINGS = List.of(
    HTTP_PORT, WS_PORT, BIND_HOST, INSTANCES, MAX_MESSAGE_BYTES, WS_COMPRESSION,
    DRAIN_DELAY, DRAIN_PERIOD, SHUTDOWN_GRACE, SHUTDOWN_TIMEOUT, CLOSE_TIMEOUT, ADMIN_ENABLED, ADMIN_TOKEN, ALLOWED_ORIGINS,
    TLS_CERT, TLS_KEY, TLS_CLIENT_CA, TLS_CLIENT_AUTH, TLS_ENGINE, SHOW_CREDENTIALS, SUBPROTOCOLS,
    PROXY_HTTP_PORT, PROXY_WS_PORT, PROXY_PROTOCOL_TIMEOUT,
    PING_INTERVAL, IDLE_TIMEOUT, MAX_CONNECTIONS, BROADCAST_RATE, SLOW_CONSUMER_LIMIT,
    HANDSHAKE_TIMEOUT, HTTP_IDLE_TIMEOUT, MAX_PENDING_CONNECTIONS, METRICS_ENABLED,
    REDIS_URL, REDIS_PASSWORD, REDIS_PASSWORD_FILE, CLUSTER_HEARTBEAT, WARMUP);

  private final Map<Setting<?>, Object> values;

  private ServerConfig(Map<Setting<?>, Object> values) {
    this.values = values;
  }

  /**
   * Resolves every setting: flag value first, then environment, then default.
   *
   * @param flags values given on the command line, keyed by flag ({@code --http-port})
   * @param env   the process environment (injected for tests)
   * @throws ConfigException naming the flag or env var whose value is unusable
   */
  /** A token a client can send in a header: printable ASCII without spaces (the message never shows it). */
  static String parseToken(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException("a token of printable ASCII without spaces is expected: character "
          + (i + 1) + " of " + raw.length() + " is a space, a control character or not ASCII");
      }
    }
    return raw;
  }

  public static ServerConfig resolve(Map<String, String> flags, Map<String, String> env) {
    Map<Setting<?>, Object> values = new HashMap<>();
    for (Setting<?> setting : SETTINGS) {
      String raw = flags.get(setting.flag());
      String source = "option " + setting.flag();
      if (raw == null) {
        raw = env.get(setting.env());
        source = "environment variable " + setting.env();
        if (raw != null && raw.isBlank()) {
          raw = null;
        }
      }
      if (raw == null) {
        raw = setting.defaultText();
        source = "default of " + setting.flag();
      }
      if (raw == null) {
        continue;
      }
      try {
        values.put(setting, setting.parse(raw));
      } catch (IllegalArgumentException e) {
        // a masked setting (REDIS_URL) shows its mask; a file setting's value is a path, worth showing, unless
        // it is the key itself (TLS_KEY with PEM text)
        String trimmed = raw.trim();
        String shown = setting.masked() ? "'" + setting.shown(trimmed) + "'"
          : setting.label().equals("FILE") ? SafeEcho.quote(trimmed)
          : SafeEcho.quote(setting.env(), trimmed);
        throw new ConfigException("Invalid value for " + source + ": " + shown + " ("
          + SafeEcho.scrub(e.getMessage()) + ")");
      }
    }
    ServerConfig config = new ServerConfig(values);
    config.checkCombinations();
    config.checkKeepalive();
    config.checkCloseTimeout();
    config.checkPreUpgradeDeadlines();
    config.checkCluster();
    return config;
  }

  /** A REDIS_URL as an error message may show it: the password, if any, masked even when the URL is unusable. */
  static String maskedUrl(String raw) {
    return raw.replaceAll("(?<=://)([^/@:]*):[^/@]*@", "$1:***@");
  }

  /** One password source only, and a heartbeat the expiry can be counted in. */
  private void checkCluster() {
    RedisEndpoint endpoint = get(REDIS_URL);
    int sources = (endpoint != null && endpoint.password() != null ? 1 : 0) + (get(REDIS_PASSWORD) != null ? 1 : 0)
      + (get(REDIS_PASSWORD_FILE) != null ? 1 : 0);
    if (sources > 1) {
      throw new ConfigException("the Redis password is given more than once (in " + REDIS_URL.env() + ", "
        + REDIS_PASSWORD.env() + " and " + REDIS_PASSWORD_FILE.env() + "): give it in one place only");
    }
    if (get(CLUSTER_HEARTBEAT) < 100) {
      throw new ConfigException(CLUSTER_HEARTBEAT.flag() + " / " + CLUSTER_HEARTBEAT.env()
        + " must be at least 100ms");
    }
  }

  private void checkCombinations() {
    // Vert.x shares one port between servers of the same process: with both on it, requests would alternate
    // between the HTTP server and the raw WebSocket server. Port 0 means "any free port", a different one each.
    if (httpPort() == wsPort() && httpPort() != 0) {
      throw new ConfigException(HTTP_PORT.flag() + " / " + HTTP_PORT.env() + " and " + WS_PORT.flag() + " / "
        + WS_PORT.env() + " are both " + httpPort() + "; the HTTP server and the raw WebSocket server need"
        + " different ports");
    }
    if ((get(TLS_CERT) == null) != (get(TLS_KEY) == null)) {
      throw new ConfigException("TLS needs both " + TLS_CERT.flag() + " / " + TLS_CERT.env() + " and "
        + TLS_KEY.flag() + " / " + TLS_KEY.env() + "; only one is set");
    }
    if (tls()) {
      TlsPem.check(tlsCert(), tlsKey());
    }
    checkClientAuth();
    checkTlsEngine();
    checkProxyPorts();
    // the last socket gets its shutdown message DRAIN_PERIOD after the drain starts and its close SHUTDOWN_GRACE later
    if (drainPeriod().plus(shutdownGrace()).compareTo(shutdownTimeout()) >= 0) {
      throw new ConfigException(DRAIN_PERIOD.flag() + " / " + DRAIN_PERIOD.env() + " (" + drainPeriod().toMillis()
        + " ms) plus " + SHUTDOWN_GRACE.flag() + " / " + SHUTDOWN_GRACE.env() + " (" + shutdownGrace().toMillis()
        + " ms) must be shorter than " + SHUTDOWN_TIMEOUT.flag() + " / " + SHUTDOWN_TIMEOUT.env() + " ("
        + shutdownTimeout().toMillis() + " ms), or the spread closes could never finish");
    }
  }

  /** An engine other than the JVM's is a TLS choice: without TLS it would silently do nothing. */
  private void checkTlsEngine() {
    String name = TLS_ENGINE.flag() + " / " + TLS_ENGINE.env();
    if (tlsEngine() != TlsEngine.JDK && !tls()) {
      throw new ConfigException(name + " is " + tlsEngine().value() + " but TLS is off: set " + TLS_CERT.env()
        + " and " + TLS_KEY.env());
    }
    String unavailable = tlsEngine().unavailableBecause();
    if (unavailable != null) {
      throw new ConfigException(name + " is " + tlsEngine().value() + ", but " + unavailable);
    }
  }

  /** mTLS needs TLS and a CA, and a CA without TLS_CLIENT_AUTH would silently check nothing. */
  private void checkClientAuth() {
    String both = TLS_CLIENT_CA.flag() + " / " + TLS_CLIENT_CA.env() + " and " + TLS_CLIENT_AUTH.flag() + " / "
      + TLS_CLIENT_AUTH.env();
    if (clientAuth() != ClientAuth.NONE && get(TLS_CLIENT_CA) == null) {
      throw new ConfigException(TLS_CLIENT_AUTH.flag() + " / " + TLS_CLIENT_AUTH.env() + " is "
        + clientAuth().value() + " but no " + TLS_CLIENT_CA.flag() + " / " + TLS_CLIENT_CA.env()
        + " names the CA that client certificates must chain to");
    }
    if (get(TLS_CLIENT_CA) != null && clientAuth() == ClientAuth.NONE) {
      throw new ConfigException(both + ": the CA is set but client authentication is none; set "
        + TLS_CLIENT_AUTH.env() + "=request or require");
    }
    if (clientAuth() != ClientAuth.NONE && !tls()) {
      throw new ConfigException(both + " need TLS: set " + TLS_CERT.env() + " and " + TLS_KEY.env());
    }
    if (get(TLS_CLIENT_CA) != null) {
      TlsPem.certificates(TLS_CLIENT_CA, get(TLS_CLIENT_CA));
    }
  }

  /** Every listener needs its own port (0 = any free one); Vert.x would share a port between two servers. */
  private void checkProxyPorts() {
    List<Setting<Integer>> ports = List.of(HTTP_PORT, WS_PORT, PROXY_HTTP_PORT, PROXY_WS_PORT);
    for (int i = 0; i < ports.size(); i++) {
      for (int j = i + 1; j < ports.size(); j++) {
        int a = get(ports.get(i));
        if (a != 0 && a == get(ports.get(j)) && j >= 2) { // HTTP_PORT vs WS_PORT: checked above
          throw new ConfigException(ports.get(i).flag() + " / " + ports.get(i).env() + " and " + ports.get(j).flag()
            + " / " + ports.get(j).env() + " are both " + a + "; every listener needs its own port");
        }
      }
    }
  }

  /** A zero deadline would drop every socket before its close frame could reach the peer. */
  private void checkCloseTimeout() {
    if (get(CLOSE_TIMEOUT) < 1) {
      throw new ConfigException(CLOSE_TIMEOUT.flag() + " / " + CLOSE_TIMEOUT.env()
        + " must be longer than 0: the peer needs time to answer the close frame");
    }
  }

  /** A zero deadline would close every connection before its first request could arrive. */
  private void checkPreUpgradeDeadlines() {
    for (Setting<Long> setting : List.of(HANDSHAKE_TIMEOUT, HTTP_IDLE_TIMEOUT)) {
      if (get(setting) < 1) {
        throw new ConfigException(setting.flag() + " / " + setting.env()
          + " must be longer than 0: a connection needs time to send its request");
      }
    }
  }

  /** An idle timeout shorter than the ping interval would close healthy peers before they were ever pinged. */
  private void checkKeepalive() {
    long ping = get(PING_INTERVAL);
    long idle = idleTimeoutMillis();
    if (ping > 0 && idle > 0 && idle <= ping) {
      throw new ConfigException(IDLE_TIMEOUT.env() + " / " + IDLE_TIMEOUT.flag() + " (" + idle + " ms) must be longer than "
        + PING_INTERVAL.env() + " / " + PING_INTERVAL.flag() + " (" + ping + " ms), or 0 to never close idle sockets");
    }
  }

  /** Defaults plus the given environment; handy for tests and embedding. */
  public static ServerConfig fromEnv(Map<String, String> env) {
    return resolve(Map.of(), env);
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) values.get(setting);
  }

  public int httpPort() { return get(HTTP_PORT); }
  public int wsPort() { return get(WS_PORT); }
  public String bindHost() { return get(BIND_HOST); }
  public int instances() {
    Integer n = get(INSTANCES);
    return n == null ? EVENT_LOOPS : n;
  }
  public int maxMessageBytes() { return get(MAX_MESSAGE_BYTES); }
  public boolean compression() { return get(WS_COMPRESSION); }
  public Duration drainDelay() { return Duration.ofMillis(get(DRAIN_DELAY)); }
  public Duration drainPeriod() { return Duration.ofMillis(get(DRAIN_PERIOD)); }
  public Duration shutdownGrace() { return Duration.ofMillis(get(SHUTDOWN_GRACE)); }
  public Duration shutdownTimeout() { return Duration.ofMillis(get(SHUTDOWN_TIMEOUT)); }
  public boolean adminEnabled() { return get(ADMIN_ENABLED); }
  /** The admin bearer token, or null when the toggles are open to anyone who reaches the port. */
  public String adminToken() { return get(ADMIN_TOKEN); }
  public AllowedOrigins allowedOrigins() {
    AllowedOrigins origins = get(ALLOWED_ORIGINS);
    return origins == null ? AllowedOrigins.ANY : origins;
  }
  public boolean tls() { return get(TLS_CERT) != null; }
  public String tlsCert() { return get(TLS_CERT); }
  public String tlsKey() { return get(TLS_KEY); }
  public boolean metricsEnabled() { return get(METRICS_ENABLED); }
  public ClientAuth clientAuth() { return get(TLS_CLIENT_AUTH); }
  public TlsEngine tlsEngine() { return get(TLS_ENGINE); }
  public String tlsClientCa() { return get(TLS_CLIENT_CA); }
  public boolean showCredentials() { return get(SHOW_CREDENTIALS); }
  /** Subprotocols the servers may select: ["*"] any, empty none. */
  public List<String> subprotocols() { return get(SUBPROTOCOLS); }
  public int proxyHttpPort() { return get(PROXY_HTTP_PORT); }
  public int proxyWsPort() { return get(PROXY_WS_PORT); }
  public Duration proxyProtocolTimeout() { return Duration.ofMillis(get(PROXY_PROTOCOL_TIMEOUT)); }
  public long idleTimeoutMillis() {
    Long idle = get(IDLE_TIMEOUT);
    return idle != null ? idle : 2 * get(PING_INTERVAL);
  }

  public Duration handshakeTimeout() { return Duration.ofMillis(get(HANDSHAKE_TIMEOUT)); }
  public Duration httpIdleTimeout() { return Duration.ofMillis(get(HTTP_IDLE_TIMEOUT)); }
  public int maxPendingConnections() {
    Integer n = get(MAX_PENDING_CONNECTIONS);
    return n == null ? defaultMaxPending() : n;
  }

  /** A quarter of the process's open-file limit ({@code ulimit -n}), at least {@link #MIN_DEFAULT_PENDING}. */
  static int defaultMaxPending() {
    long limit = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
      ? unix.getMaxFileDescriptorCount() : 0;
    return (int) Math.max(MIN_DEFAULT_PENDING, Math.min(Integer.MAX_VALUE, limit / 4));
  }

  /** Clustering over Redis, or null when REDIS_URL is unset. */
  public ClusterSettings clusterSettings() {
    RedisEndpoint endpoint = get(REDIS_URL);
    if (endpoint == null) {
      return null;
    }
    String password = endpoint.password();
    if (password == null) {
      password = get(REDIS_PASSWORD);
    }
    String file = get(REDIS_PASSWORD_FILE);
    if (password == null && file != null) {
      try {
        password = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new ConfigException("cannot read " + REDIS_PASSWORD_FILE.env() + " " + file + ": " + e.getMessage());
      }
    }
    return new ClusterSettings(endpoint, password, get(CLUSTER_HEARTBEAT));
  }

  public long warmUpMillis() { return get(WARMUP); }

  /**
   * The configuration of the warm-up's private servers: this one's protocol settings (message size, keepalive,
   * subprotocols, instances, metrics on or off, TLS with the same certificate) on the given loopback ports, without
   * client certificates, PROXY listeners, Redis, an origin list, a connection, pending-connection or broadcast rate
   * limit, which would refuse or slow the warm-up's own sockets (the pending-connection limit is its default
   * again).
   */
  ServerConfig forWarmUp(int httpPort, int wsPort) {
    Map<Setting<?>, Object> copy = new HashMap<>(values);
    copy.put(HTTP_PORT, httpPort);
    copy.put(WS_PORT, wsPort);
    copy.put(BIND_HOST, "127.0.0.1");
    copy.put(PROXY_HTTP_PORT, 0);
    copy.put(PROXY_WS_PORT, 0);
    // Limits that never bite, but the same code paths as the real servers: a path the warm-up never ran is one
    // the JIT compiled without, and the first real client to take it throws the compiled caller away (a rate
    // limit's first bucket did that to the first broadcast: docs/performance.md, "Warm-up before ready").
    copy.put(MAX_CONNECTIONS, get(MAX_CONNECTIONS) > 0 ? Integer.MAX_VALUE : 0);
    copy.put(BROADCAST_RATE, get(BROADCAST_RATE) > 0 ? BROADCAST_RATE_MAX : 0);
    copy.put(TLS_CLIENT_AUTH, ClientAuth.NONE); // the warm-up's client has no certificate
    copy.put(WARMUP, 0L);
    for (Setting<?> off : List.of(TLS_CLIENT_CA, ALLOWED_ORIGINS, REDIS_URL, REDIS_PASSWORD, REDIS_PASSWORD_FILE,
      MAX_PENDING_CONNECTIONS)) {
      copy.remove(off);
    }
    return new ServerConfig(copy);
  }

  /** The limits the connection handlers of both servers enforce. */
  public ConnectionOptions connectionOptions() {
    return new ConnectionOptions(maxMessageBytes(), get(PING_INTERVAL), idleTimeoutMillis(), get(MAX_CONNECTIONS),
      get(BROADCAST_RATE), get(SLOW_CONSUMER_LIMIT), get(SHUTDOWN_GRACE), get(CLOSE_TIMEOUT));
  }
}
