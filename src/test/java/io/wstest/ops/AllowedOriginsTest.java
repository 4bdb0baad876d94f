package io.wstest.ops;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllowedOriginsTest {

  @Test
  void listedOriginsMatchExactlyIgnoringCaseAndTrailingSlash() {
    AllowedOrigins origins = AllowedOrigins.parse(" https://App.example.com/ ,http://localhost:3000");
    assertTrue(origins.allows("https://app.example.com"));
    assertTrue(origins.allows("HTTPS://APP.EXAMPLE.COM"));
    assertTrue(origins.allows("http://localhost:3000"));
    assertFalse(origins.allows("http://app.example.com"), "scheme matters");
    assertFalse(origins.allows("https://app.example.com:8443"), "port matters");
    assertFalse(origins.allows("https://evil.app.example.com"));
    assertFalse(origins.allows("null"));
  }

  @Test
  void requestsWithoutOriginAreNonBrowserClientsAndAllowed() {
    assertTrue(AllowedOrigins.parse("https://app.example.com").allows(null));
  }

  @Test
  void starAndDefaultAllowAnything() {
    assertTrue(AllowedOrigins.parse("*").allows("https://anything.example"));
    assertTrue(AllowedOrigins.ANY.allows("https://anything.example"));
  }

  @Test
  void entriesThatAreNotOriginsAreRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
      () -> AllowedOrigins.parse("https://ok.example, app.example.com"));
    assertTrue(e.getMessage().contains("'app.example.com'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AllowedOrigins.parse("https://a.example/path"));
    assertThrows(IllegalArgumentException.class, () -> AllowedOrigins.parse(" , "));
  }
}
