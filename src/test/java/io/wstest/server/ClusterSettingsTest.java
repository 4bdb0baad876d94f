package io.wstest.server;

import io.wstest.cluster.ClusterSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** REDIS_URL and its password sources: clustering off by default, passwords never in an error message. */
class ClusterSettingsTest {

  @Test
  void clusteringIsOffWithoutRedisUrl() {
    assertNull(ServerConfig.fromEnv(Map.of()).clusterSettings());
  }

  @Test
  void theUrlsPasswordAndTheHeartbeat() {
    ClusterSettings settings = ServerConfig.resolve(Map.of("--cluster-heartbeat", "250ms"),
      Map.of("REDIS_URL", "redis://:pw1@redis:6379")).clusterSettings();
    assertEquals("pw1", settings.password());
    assertEquals(250, settings.heartbeatMillis());
    assertEquals(750, settings.expiryMillis());
    assertFalse(settings.toString().contains("pw1"));
  }

  @Test
  void aPasswordFromTheEnvironmentOrAFile(@TempDir Path dir) throws IOException {
    assertEquals("pw2", ServerConfig.fromEnv(Map.of("REDIS_URL", "redis://redis", "REDIS_PASSWORD", "pw2"))
      .clusterSettings().password());
    Path file = Files.writeString(dir.resolve("password"), "pw3\n");
    ClusterSettings fromFile = ServerConfig.fromEnv(Map.of("REDIS_URL", "redis://redis",
      "REDIS_PASSWORD_FILE", file.toString())).clusterSettings();
    assertEquals("pw3", fromFile.password());
    assertEquals(1000, fromFile.heartbeatMillis());
  }

  @Test
  void anUnusableUrlIsNamedButItsPasswordNotRepeated() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("REDIS_URL", "http://user:topsecret@redis:6379")));
    assertTrue(e.getMessage().contains("REDIS_URL"), e.getMessage());
    assertTrue(e.getMessage().contains("http://user:***@redis:6379"), e.getMessage());
    assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
  }

  @Test
  void thePasswordGivenTwiceIsRefusedWithoutShowingIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromEnv(Map.of(
      "REDIS_URL", "redis://:topsecret@redis", "REDIS_PASSWORD", "othersecret")));
    assertTrue(e.getMessage().contains("more than once"), e.getMessage());
    assertFalse(e.getMessage().contains("secret@") || e.getMessage().contains("othersecret"), e.getMessage());
  }

  @Test
  void aTooShortHeartbeatIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("REDIS_URL", "redis://redis", "CLUSTER_HEARTBEAT", "10ms")));
    assertTrue(e.getMessage().contains("CLUSTER_HEARTBEAT"), e.getMessage());
  }
}
