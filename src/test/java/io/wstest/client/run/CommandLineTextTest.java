package io.wstest.client.run;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CommandLineTextTest {

  @Test
  void argumentsAsTypedWithCredentialHeaderValuesHidden() {
    assertEquals("websocket-test-service test-lb sticky --host lb.example.com --header 'Cookie: SRV=b1' "
        + "--header 'Authorization: <a value of 10 characters, not shown>' "
        + "'--header=X-Api-Key: <a value of 3 characters, not shown>' --min-sticky 0.9",
      CommandLineText.of("websocket-test-service", List.of("test-lb", "sticky", "--host", "lb.example.com",
        "--header", "Cookie: SRV=b1", "--header", "Authorization: Bearer abc", "--header=X-Api-Key: xyz",
        "--min-sticky", "0.9")));
  }

  @Test
  void argumentsAShellWouldSplitAreQuoted() {
    assertEquals("p --url 'ws://h/a b' 'it'\\''s'", CommandLineText.of("p", List.of("--url", "ws://h/a b", "it's")));
  }

  @Test
  void valuesOfSecretOptionsAreHidden() {
    assertEquals("p test-lb drain --admin-token '<a value of 6 characters, not shown>' "
        + "'--admin-token=<a value of 3 characters, not shown>' --budget 1m",
      CommandLineText.of("p", List.of("test-lb", "drain", "--admin-token", "s3cr3t", "--admin-token=abc", "--budget",
        "1m")));
  }
}
