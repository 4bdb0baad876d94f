package io.wstest.server;

import io.wstest.testsupport.SelfSignedCert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drain, admin, origin and TLS settings: defaults, parsing, and errors that name the setting. */
class OpsSettingsTest {

  @Test
  void defaults() {
    ServerConfig config = ServerConfig.fromEnv(Map.of());
    assertEquals(Duration.ofSeconds(5), config.drainDelay());
    assertEquals(Duration.ZERO, config.drainPeriod());
    assertEquals(Duration.ofSeconds(1), config.shutdownGrace());
    assertEquals(1_000, config.connectionOptions().shutdownGraceMillis());
    assertEquals(Duration.ofSeconds(20), config.shutdownTimeout());
    assertTrue(config.adminEnabled());
    assertNull(config.adminToken());
    assertTrue(config.allowedOrigins().allows("https://any.example"));
    assertFalse(config.tls());
  }

  @Test
  void durationsFromEnvAndFlags() {
    ServerConfig config = ServerConfig.resolve(Map.of("--drain-period", "1500ms"),
      Map.of("DRAIN_DELAY", "2s", "SHUTDOWN_TIMEOUT", "1m", "DRAIN_PERIOD", "9s"));
    assertEquals(Duration.ofSeconds(2), config.drainDelay());
    assertEquals(Duration.ofMillis(1500), config.drainPeriod(), "the flag wins over the env var");
    assertEquals(Duration.ofMinutes(1), config.shutdownTimeout());
  }

  @Test
  void badDrainDelayNamesIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of("DRAIN_DELAY", "soon")));
    assertTrue(e.getMessage().contains("DRAIN_DELAY") && e.getMessage().contains("soon"), e.getMessage());
  }

  @Test
  void drainPeriodMustFitInTheShutdownTimeout() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("DRAIN_PERIOD", "30s", "SHUTDOWN_TIMEOUT", "20s")));
    assertTrue(e.getMessage().contains("DRAIN_PERIOD") && e.getMessage().contains("SHUTDOWN_TIMEOUT"), e.getMessage());
  }

  @Test
  void theShutdownGraceMustFitInTheShutdownTimeoutWithTheDrainPeriod() {
    assertEquals(Duration.ofMillis(250), ServerConfig.resolve(Map.of("--shutdown-grace", "250ms"),
      Map.of("SHUTDOWN_GRACE", "3s")).shutdownGrace(), "the flag wins over the env var");
    assertEquals(Duration.ZERO, ServerConfig.fromEnv(Map.of("SHUTDOWN_GRACE", "0")).shutdownGrace());
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("DRAIN_PERIOD", "15s", "SHUTDOWN_GRACE", "5s", "SHUTDOWN_TIMEOUT", "20s")));
    assertTrue(e.getMessage().contains("SHUTDOWN_GRACE") && e.getMessage().contains("DRAIN_PERIOD")
      && e.getMessage().contains("SHUTDOWN_TIMEOUT"), e.getMessage());
    ConfigException bad = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("SHUTDOWN_GRACE", "a while")));
    assertTrue(bad.getMessage().contains("SHUTDOWN_GRACE") && bad.getMessage().contains("a while"), bad.getMessage());
  }

  @Test
  void badOriginListNamesTheSettingAndEntry() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("ALLOWED_ORIGINS", "app.example.com")));
    assertTrue(e.getMessage().contains("ALLOWED_ORIGINS") && e.getMessage().contains("scheme://host"), e.getMessage());
  }

  @Test
  void tlsNeedsBothReadableFiles(@TempDir Path dir) throws IOException, InterruptedException {
    SelfSignedCert pem = SelfSignedCert.create(dir);
    Path cert = pem.certPem();
    Path key = pem.keyPem();
    ConfigException onlyCert = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("TLS_CERT", cert.toString())));
    assertTrue(onlyCert.getMessage().contains("TLS_KEY"), onlyCert.getMessage());
    ConfigException missing = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("TLS_CERT", dir.resolve("nope.pem").toString(), "TLS_KEY", key.toString())));
    assertTrue(missing.getMessage().contains("TLS_CERT") && missing.getMessage().contains("no readable file"),
      missing.getMessage());
    assertTrue(ServerConfig.fromEnv(Map.of("TLS_CERT", cert.toString(), "TLS_KEY", key.toString())).tls());
  }

  @Test
  void tlsFilesThatAreNotPemExit2NamingTheSetting(@TempDir Path dir) throws IOException, InterruptedException {
    SelfSignedCert pem = SelfSignedCert.create(dir);
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "garbage\n");
    ConfigException badCert = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of(
      "TLS_CERT", garbage.toString(), "TLS_KEY", pem.keyPem().toString())));
    assertTrue(badCert.getMessage().startsWith("Invalid --tls-cert / TLS_CERT: " + garbage
      + " is not a usable PEM certificate (Missing -----BEGIN CERTIFICATE----- delimiter)"), badCert.getMessage());
    // a certificate given as the key
    ConfigException badKey = assertThrows(ConfigException.class, () -> ServerConfig.resolve(
      Map.of("--tls-key", pem.certPem().toString()), Map.of("TLS_CERT", pem.certPem().toString())));
    assertTrue(badKey.getMessage().startsWith("Invalid --tls-key / TLS_KEY: " + pem.certPem()
      + " is not a usable PEM private key"), badKey.getMessage());
    Path corrupt = Files.writeString(dir.resolve("corrupt.pem"),
      "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    badKey = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of(
      "TLS_CERT", pem.certPem().toString(), "TLS_KEY", corrupt.toString())));
    assertTrue(badKey.getMessage().contains("TLS_KEY") && !badKey.getMessage().contains("TLS_CERT"),
      badKey.getMessage());
  }

  @Test
  void tlsKeyOfAnotherCertificateIsRejected(@TempDir Path dir) throws IOException, InterruptedException {
    SelfSignedCert one = SelfSignedCert.create(Files.createDirectory(dir.resolve("one")));
    SelfSignedCert other = SelfSignedCert.create(Files.createDirectory(dir.resolve("other")));
    ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of(
      "TLS_CERT", one.certPem().toString(), "TLS_KEY", other.keyPem().toString())));
    assertTrue(e.getMessage().contains("--tls-key / TLS_KEY (" + other.keyPem() + ") is not the private key of the"
      + " certificate in --tls-cert / TLS_CERT"), e.getMessage());
  }
}
