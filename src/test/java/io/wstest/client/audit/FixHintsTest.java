package io.wstest.client.audit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fix table: a line for every topic and balancer, and docs/test-lb.md shows the same table. */
class FixHintsTest {

  @Test
  void everyTopicHasAFixForEveryBalancer() {
    for (FixHints.Topic topic : FixHints.Topic.values()) {
      for (LbType lb : LbType.values()) {
        String cell = FixHints.cell(topic, lb);
        assertFalse(cell == null || cell.isBlank(), topic + " / " + lb);
        assertFalse(cell.contains("\n") || cell.contains("|"), "one line, no table separator: " + topic + "/" + lb);
        assertEquals(lb.displayName() + ": " + cell, FixHints.fix(topic, lb));
      }
    }
  }

  @Test
  void theRecognisedBalancerGetsItsOwnLineTheOthersTheCommonThree() {
    assertEquals("nginx: proxy_read_timeout 3600s; proxy_send_timeout 3600s; in the WebSocket location "
      + "(default 60s)", FixHints.fix(FixHints.Topic.IDLE_TIMEOUT, LbType.NGINX));
    String unknown = FixHints.fix(FixHints.Topic.IDLE_TIMEOUT, null);
    assertTrue(unknown.startsWith("nginx: proxy_read_timeout") && unknown.contains(" | HAProxy: timeout tunnel")
      && unknown.contains(" | ingress-nginx: nginx.ingress.kubernetes.io/proxy-read-timeout"), unknown);
  }

  @Test
  void theDocumentationShowsEveryCell() throws Exception {
    String docs = Files.readString(Path.of("docs", "test-lb.md"), StandardCharsets.UTF_8);
    for (FixHints.Topic topic : FixHints.Topic.values()) {
      for (LbType lb : LbType.values()) {
        String cell = FixHints.cell(topic, lb).replace("|", "\\|");
        assertTrue(docs.contains(cell), "docs/test-lb.md lacks the " + topic + " fix for " + lb.displayName()
          + ": " + cell);
      }
    }
  }
}
