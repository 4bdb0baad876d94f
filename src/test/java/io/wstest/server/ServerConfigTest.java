package io.wstest.server;

import io.wstest.ops.AllowedOrigins;
import io.wstest.testsupport.SelfSignedCert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigTest {

  @Test
  void defaultsMatchTheDocumentedPorts() {
    ServerConfig config = ServerConfig.fromEnv(Map.of());
    assertEquals(8080, config.httpPort());
    assertEquals(8765, config.wsPort());
    assertEquals("0.0.0.0", config.bindHost());
    assertEquals(65536, config.maxMessageBytes());
    assertFalse(config.compression());
    assertTrue(config.instances() >= 1);
  }

  /**
   * The warm-up's private copy takes the same limit branches as the replica (a branch the warm-up never took is one
   * the JIT leaves out), at limits its own traffic never reaches; unlimited stays unlimited.
   */
  @Test
  void theWarmUpsCopyKeepsLimitsOnWhereTheReplicaHasThemAtValuesThatNeverBite() {
    var limited = ServerConfig.fromEnv(Map.of("MAX_CONNECTIONS", "1", "BROADCAST_RATE", "1"))
      .forWarmUp(1, 2).connectionOptions();
    assertEquals(Integer.MAX_VALUE, limited.maxConnections());
    assertEquals(1_000_000, limited.broadcastRate());
    var unlimited = ServerConfig.fromEnv(Map.of("MAX_CONNECTIONS", "0", "BROADCAST_RATE", "0"))
      .forWarmUp(1, 2).connectionOptions();
    assertEquals(0, unlimited.maxConnections());
    assertEquals(0, unlimited.broadcastRate());
  }

  @Test
  void flagBeatsEnvironmentBeatsDefault() {
    ServerConfig config = ServerConfig.resolve(Map.of("--http-port", "9000"),
      Map.of("HTTP_PORT", "9001", "WS_PORT", "9002", "WS_COMPRESSION", "true", "INSTANCES", "3"));
    assertEquals(9000, config.httpPort());
    assertEquals(9002, config.wsPort());
    assertTrue(config.compression());
    assertEquals(3, config.instances());
  }

  @Test
  void badEnvironmentValueNamesTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("HTTP_PORT", "eighty")));
    assertTrue(e.getMessage().contains("HTTP_PORT"), e.getMessage());
    assertTrue(e.getMessage().contains("eighty"), e.getMessage());
  }

  /** A made-up private key's body, as a Kubernetes secretKeyRef would put the PEM text into TLS_KEY. */
  private static final String KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" + "x".repeat(64);
  private static final String PEM = "-----BEGIN PRIVATE KEY-----\n" + KEY_BODY + "\n-----END PRIVATE KEY-----\n";

  @Test
  void pemTextInTlsKeyIsNamedNotEchoed() {
    for (Map<String, String> env : List.of(Map.of("TLS_KEY", PEM, "TLS_CERT", "/etc/hostname"),
      Map.of("TLS_KEY", KEY_BODY.substring(0, 40) + "\n-----BEGIN PRIVATE KEY-----"))) {
      ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(env));
      assertTrue(e.getMessage().contains("TLS_KEY looks like PEM content"), e.getMessage());
      assertTrue(e.getMessage().contains("mount it as a file"), e.getMessage());
      assertFalse(e.getMessage().contains("MIIEvQ"), e.getMessage());
    }
    ConfigException flag = assertThrows(ConfigException.class,
      () -> ServerConfig.resolve(Map.of("--tls-key", PEM), Map.of()));
    assertTrue(flag.getMessage().contains("--tls-key"), flag.getMessage());
    assertFalse(flag.getMessage().contains("MIIEvQ"), flag.getMessage());
  }

  @Test
  void longValuesAreDescribedNotEchoed() {
    String huge = "9".repeat(5000);
    ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of("HTTP_PORT", huge)));
    assertTrue(e.getMessage().contains("HTTP_PORT"), e.getMessage());
    assertTrue(e.getMessage().contains("5,000 characters, not shown"), e.getMessage());
    assertTrue(e.getMessage().length() < 300, e.getMessage());
    // a missing file's path is still shown: it is what the user needs to fix
    e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of("TLS_CERT", "/nope/cert.pem")));
    assertTrue(e.getMessage().contains("'/nope/cert.pem'"), e.getMessage());
  }

  @Test
  void aBadAdminTokenIsNamedNotEchoed() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("ADMIN_TOKEN", "s3cr3t-admin\tpart-two")));
    assertTrue(e.getMessage().contains("ADMIN_TOKEN"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    assertFalse(e.getMessage().contains("part-two"), e.getMessage());
    e = assertThrows(ConfigException.class,
      () -> ServerConfig.resolve(Map.of("--admin-token", "s3cr3t admin"), Map.of()));
    assertTrue(e.getMessage().contains("--admin-token"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    assertEquals("fine-t0ken", ServerConfig.fromEnv(Map.of("ADMIN_TOKEN", " fine-t0ken\n")).adminToken(),
      "the line break a secret file ends with is trimmed, not refused");
  }

  @Test
  void badFlagValueNamesTheFlag() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.resolve(Map.of("--ws-port", "70000"), Map.of()));
    assertTrue(e.getMessage().contains("--ws-port"), e.getMessage());
    e = assertThrows(ConfigException.class,
      () -> ServerConfig.resolve(Map.of("--instances", "0"), Map.of()));
    assertTrue(e.getMessage().contains("--instances"), e.getMessage());
    e = assertThrows(ConfigException.class,
      () -> ServerConfig.resolve(Map.of(), Map.of("WS_COMPRESSION", "maybe")));
    assertTrue(e.getMessage().contains("WS_COMPRESSION"), e.getMessage());
  }

  @Test
  void equalPortsForBothServersAreRejectedNamingBothSettings() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.resolve(Map.of("--http-port", "18082"), Map.of("WS_PORT", "18082")));
    for (String name : new String[] {"--http-port", "HTTP_PORT", "--ws-port", "WS_PORT", "18082"}) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
    // 0 asks the OS for a free port: each server gets its own
    ServerConfig any = ServerConfig.resolve(Map.of("--http-port", "0", "--ws-port", "0"), Map.of());
    assertEquals(0, any.httpPort());
    assertEquals(0, any.wsPort());
  }

  @Test
  void preUpgradeLimitsHaveDefaultsUnitsAndRefuseZero() {
    ServerConfig defaults = ServerConfig.fromEnv(Map.of());
    assertEquals(10_000, defaults.handshakeTimeout().toMillis());
    assertEquals(75_000, defaults.httpIdleTimeout().toMillis());
    long openFiles = ((com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory
      .getOperatingSystemMXBean()).getMaxFileDescriptorCount();
    assertEquals(Math.max(1000, openFiles / 4), defaults.maxPendingConnections(),
      "a quarter of the open-file limit (" + openFiles + "), at least 1000");
    ServerConfig set = ServerConfig.resolve(Map.of("--handshake-timeout", "500ms"),
      Map.of("HTTP_IDLE_TIMEOUT", "2m", "MAX_PENDING_CONNECTIONS", "50"));
    assertEquals(500, set.handshakeTimeout().toMillis());
    assertEquals(120_000, set.httpIdleTimeout().toMillis());
    assertEquals(50, set.maxPendingConnections());
    for (String env : new String[] {"HANDSHAKE_TIMEOUT", "HTTP_IDLE_TIMEOUT", "MAX_PENDING_CONNECTIONS"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of(env, "0")));
      assertTrue(e.getMessage().contains(env), e.getMessage());
    }
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.resolve(Map.of("--handshake-timeout", "soon"), Map.of()));
    assertTrue(e.getMessage().contains("--handshake-timeout"), e.getMessage());
  }

  @Test
  void durationsAcceptUnits() {
    assertEquals(250, Setting.parseDurationMillis("250ms"));
    assertEquals(5000, Setting.parseDurationMillis("5s"));
    assertEquals(5000, Setting.parseDurationMillis("5"));
    assertEquals(120000, Setting.parseDurationMillis("2m"));
    assertThrows(IllegalArgumentException.class, () -> Setting.parseDurationMillis("soon"));
    assertThrows(IllegalArgumentException.class, () -> Setting.parseDurationMillis("-1s"));
  }

  @Test
  void everySettingHasAFlagAnEnvAndHelp() {
    for (Setting<?> setting : ServerConfig.SETTINGS) {
      assertTrue(setting.flag().startsWith("--"), setting.flag());
      assertTrue(setting.env().matches("[A-Z_]+"), setting.env());
      assertTrue(setting.helpText().contains("env: " + setting.env()), setting.helpText());
    }
  }

  @Test
  void warmUpIsOffByDefaultAndTakesADuration() {
    assertEquals(0, ServerConfig.fromEnv(Map.of()).warmUpMillis());
    assertEquals(5000, ServerConfig.fromEnv(Map.of("WARMUP", "5s")).warmUpMillis());
    assertEquals(2500, ServerConfig.resolve(Map.of("--warmup", "2500ms"), Map.of("WARMUP", "5s")).warmUpMillis());
    ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of("WARMUP", "long")));
    assertTrue(e.getMessage().contains("WARMUP"), e.getMessage());
  }

  /**
   * The warm-up's private servers keep what shapes the code paths (message size, keepalive, metrics, TLS) and
   * drop what would refuse, slow or expose its own sockets: client certificates, PROXY listeners, Redis, an origin
   * list, the pending limit, the public address and ports. The connection and broadcast limits stay on, out of
   * reach: {@link #theWarmUpsCopyKeepsLimitsOnWhereTheReplicaHasThemAtValuesThatNeverBite}.
   */
  @Test
  void warmUpConfigIsTheSameProtocolOnLoopbackWithoutLimitsOrExtras(@TempDir Path dir) throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    Map<String, String> env = new HashMap<>(Map.of("BIND_HOST", "0.0.0.0", "HTTP_PORT", "8080", "WS_PORT", "8765",
      "MAX_CONNECTIONS", "5", "BROADCAST_RATE", "2", "PROXY_HTTP_PORT", "9080", "PROXY_WS_PORT", "9765",
      "ALLOWED_ORIGINS", "https://app.example", "REDIS_URL", "redis://127.0.0.1:6379"));
    env.putAll(Map.of("TLS_CERT", cert.certPem().toString(), "TLS_KEY", cert.keyPem().toString(),
      "MAX_MESSAGE_BYTES", "4096", "PING_INTERVAL", "7s", "METRICS_ENABLED", "false", "WARMUP", "5s",
      "INSTANCES", "3", "MAX_PENDING_CONNECTIONS", "10"));
    env.put("TLS_CLIENT_AUTH", "require");
    env.put("TLS_CLIENT_CA", cert.certPem().toString());
    ServerConfig warm = ServerConfig.fromEnv(env).forWarmUp(41000, 41001);

    assertEquals("127.0.0.1", warm.bindHost());
    assertEquals(41000, warm.httpPort());
    assertEquals(41001, warm.wsPort());
    assertEquals(0, warm.proxyHttpPort());
    assertEquals(0, warm.proxyWsPort());
    assertTrue(warm.tls(), "TLS warmed with the replica's own certificate");
    assertEquals(cert.certPem().toString(), warm.tlsCert());
    assertEquals(ClientAuth.NONE, warm.clientAuth());
    assertEquals(null, warm.tlsClientCa());
    assertEquals(null, warm.clusterSettings());
    assertEquals(AllowedOrigins.ANY, warm.allowedOrigins());
    assertEquals(ServerConfig.defaultMaxPending(), warm.maxPendingConnections());
    assertEquals(0, warm.warmUpMillis(), "no warm-up of the warm-up");
    assertEquals(4096, warm.maxMessageBytes());
    assertEquals(7000, warm.connectionOptions().pingIntervalMillis());
    assertFalse(warm.metricsEnabled());
    assertEquals(3, warm.instances());
  }
}
