package io.wstest.server;

import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up's traffic, in process: every step completes, and it stops once its time is up. */
@ExtendWith(VertxExtension.class)
class WarmUpTest {

  @Test
  void runsRoundsOnItsOwnServersUntilItsTimeIsUp(VertxTestContext test) {
    // the service's defaults, as a replica without settings would warm up (ports and address are the warm-up's own)
    ServerConfig config = ServerConfig.fromEnv(Map.of("MAX_CONNECTIONS", "1", "BROADCAST_RATE", "1"));
    WarmUp.run(config, InProcessService.IDENTITY, 1_500).onComplete(test.succeeding(summary -> test.verify(() -> {
      assertNull(summary.problem(), summary.toString());
      assertTrue(summary.rounds() >= WarmUp.ECHO_EVERY, summary.toString());
      // every socket opened once, and 25 more at every 8th round
      assertEquals(WarmUp.SOCKETS + summary.rounds() / WarmUp.CHURN_EVERY * WarmUp.CHURN, summary.connects(),
        summary.toString());
      assertTrue(summary.messages() >= (long) summary.rounds() * WarmUp.SOCKETS, summary.toString());
      assertTrue(summary.elapsedMs() >= 1_500, summary.toString());
      test.completeNow();
    })));
  }
}
