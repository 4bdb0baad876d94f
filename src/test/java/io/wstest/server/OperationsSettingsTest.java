package io.wstest.server;

import io.wstest.Commands;
import io.wstest.protocol.ConnectionOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keepalive, limit and metrics settings: defaults, derived values and the errors bad values give. */
class OperationsSettingsTest {

  @Test
  void defaults() {
    ServerConfig config = ServerConfig.fromEnv(Map.of());
    assertEquals(new ConnectionOptions(65536, 30_000, 60_000, 0, 10, 100, 1_000, 10_000), config.connectionOptions());
    assertTrue(config.metricsEnabled());
  }

  @Test
  void idleTimeoutFollowsThePingIntervalUnlessSet() {
    assertEquals(10_000, ServerConfig.fromEnv(Map.of("PING_INTERVAL", "5s")).idleTimeoutMillis());
    assertEquals(0, ServerConfig.fromEnv(Map.of("PING_INTERVAL", "0")).idleTimeoutMillis());
    assertEquals(45_000, ServerConfig.fromEnv(Map.of("PING_INTERVAL", "0", "IDLE_TIMEOUT", "45s")).idleTimeoutMillis());
    assertEquals(0, ServerConfig.fromEnv(Map.of("IDLE_TIMEOUT", "0")).idleTimeoutMillis());
  }

  @Test
  void anIdleTimeoutNotLongerThanThePingIntervalIsRefusedNamingBoth() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("PING_INTERVAL", "30s", "IDLE_TIMEOUT", "30s")));
    assertTrue(e.getMessage().contains("IDLE_TIMEOUT") && e.getMessage().contains("PING_INTERVAL"), e.getMessage());
  }

  @Test
  void badEnvironmentValueNamesTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
      () -> ServerConfig.fromEnv(Map.of("BROADCAST_RATE", "-1")));
    assertTrue(e.getMessage().contains("environment variable BROADCAST_RATE"), e.getMessage());
  }

  @Test
  void badFlagExitsWithTwoNamingTheFlag() {
    StringWriter err = new StringWriter();
    CommandLine cli = Commands.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("serve", "--ping-interval", "soon");
    assertEquals(2, code);
    assertTrue(err.toString().contains("--ping-interval") && err.toString().contains("'soon'"), err.toString());
  }
}
