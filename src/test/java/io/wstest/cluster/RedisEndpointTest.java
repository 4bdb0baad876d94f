package io.wstest.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisEndpointTest {

  @Test
  void thePasswordIsKeptApartAndNeverShown() {
    RedisEndpoint endpoint = RedisEndpoint.parse("redis://app:p%40ss:w0rd@redis.example:6380/2");
    assertEquals("p@ss:w0rd", endpoint.password());
    assertEquals("redis://app:***@redis.example:6380/2", endpoint.masked());
    assertEquals(endpoint.masked(), endpoint.toString());
    assertEquals("redis://app@redis.example:6380/2", endpoint.withoutPassword());
    assertFalse(endpoint.tls());
  }

  @Test
  void aPasswordWithoutUserAndTheDefaultPort() {
    RedisEndpoint endpoint = RedisEndpoint.parse("rediss://:secret@10.0.0.5");
    assertEquals("secret", endpoint.password());
    assertEquals("rediss://:***@10.0.0.5:6379", endpoint.masked());
    assertEquals("rediss://10.0.0.5:6379", endpoint.withoutPassword());
    assertTrue(endpoint.tls());
  }

  @Test
  void noPassword() {
    RedisEndpoint endpoint = RedisEndpoint.parse("redis://redis:6379");
    assertNull(endpoint.password());
    assertEquals("redis://redis:6379", endpoint.masked());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://:hunter2@redis:6379", "redis://:hunter2@", "redis://:hunter2@redis:6379/x/y",
    "hunter2 redis", "redis:/hunter2"})
  void unusableUrlsAreRefusedWithoutRepeatingThem(String raw) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(raw));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertTrue(e.getMessage().startsWith("expected"), e.getMessage());
  }
}
