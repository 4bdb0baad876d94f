package io.wstest.server;

import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.InProcessService;
import io.wstest.testsupport.SelfSignedCert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up's traffic, in process: every step completes, it stops once its time is up, over TLS too. */
@ExtendWith(VertxExtension.class)
class WarmUpTest {

  @Test
  void runsRoundsOnItsOwnServersUntilItsTimeIsUp(VertxTestContext test) {
    // the service's defaults, as a replica without settings would warm up (ports and address are the warm-up's own)
    ServerConfig config = ServerConfig.fromEnv(Map.of("MAX_CONNECTIONS", "1", "BROADCAST_RATE", "1"));
    // two rounds at least after the 200 first handshakes, with room for a loaded CI machine
    WarmUp.run(config, InProcessService.IDENTITY, 2_500).onComplete(test.succeeding(summary -> test.verify(() -> {
      assertNull(summary.problem(), summary.toString());
      assertTrue(summary.rounds() >= WarmUp.ECHO_EVERY, summary.toString());
      // every socket opened once, and 25 more at every 8th round
      assertEquals(WarmUp.SOCKETS + summary.rounds() / WarmUp.CHURN_EVERY * WarmUp.CHURN, summary.connects(),
        summary.toString());
      assertTrue(summary.messages() >= (long) summary.rounds() * WarmUp.SOCKETS, summary.toString());
      assertTrue(summary.elapsedMs() >= 2_500, summary.toString());
      assertEquals(0, summary.deflateConnects(), "WS_COMPRESSION is off: " + summary);
      test.completeNow();
    })));
  }

  /**
   * Eight consecutive steps' messages take every length modulo 8, broadcasts and echoes alike: the frame decoder
   * unmasks 8 bytes, then 4, then single bytes, and a remainder the warm-up never sent is a branch left uncompiled.
   */
  @Test
  void eightStepsMessagesTakeEveryLengthModulo8() {
    Set<Integer> broadcasts = new HashSet<>();
    Set<Integer> echoes = new HashSet<>();
    for (int step = 1; step <= 8; step++) {
      String text = WarmUp.withFiller("warmup-" + step + ".", step);
      assertTrue(text.startsWith("warmup-" + step + "."), text);
      broadcasts.add(WarmUp.broadcastMessage(text).getBytes(StandardCharsets.UTF_8).length % 8);
      echoes.add(WarmUp.echoMessage(text).getBytes(StandardCharsets.UTF_8).length % 8);
    }
    assertEquals(8, broadcasts.size(), broadcasts.toString());
    assertEquals(8, echoes.size(), echoes.toString());
  }

  /** With WS_COMPRESSION on, half the sockets negotiate permessage-deflate, and their rounds complete too. */
  @Test
  void withCompressionHalfTheSocketsNegotiatePermessageDeflate(VertxTestContext test) {
    ServerConfig config = ServerConfig.fromEnv(Map.of("WS_COMPRESSION", "true"));
    // long enough for two rounds after the 200 first handshakes, which negotiate deflate in a cold JVM (1.6 s for
    // them alone in one CI run on a loaded two-core machine)
    WarmUp.run(config, InProcessService.IDENTITY, 4_000).onComplete(test.succeeding(summary -> test.verify(() -> {
      assertNull(summary.problem(), summary.toString());
      assertTrue(summary.rounds() >= WarmUp.ECHO_EVERY, summary.toString());
      // the first 200 connects: indexes 2, 3, 6, 7, ... offer it; reconnected sockets keep their index's choice
      assertTrue(summary.deflateConnects() >= WarmUp.SOCKETS / 2, summary.toString());
      assertTrue(summary.deflateConnects() < summary.connects(), summary.toString());
      assertTrue(summary.messages() >= (long) summary.rounds() * WarmUp.SOCKETS, summary.toString());
      test.completeNow();
    })));
  }

  /** A replica with TLS warms up over wss with its own certificate; one that requires client certificates too. */
  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void warmsUpOverTlsWithTheReplicasCertificate(@TempDir Path dir, VertxTestContext test) throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    ServerConfig config = ServerConfig.fromEnv(Map.of("TLS_CERT", cert.certPem().toString(),
      "TLS_KEY", cert.keyPem().toString(), "TLS_CLIENT_AUTH", "require", "TLS_CLIENT_CA", cert.certPem().toString()));
    // long enough for rounds after the 200 first TLS handshakes (about 3.5 s on a loaded two-core machine)
    WarmUp.run(config, InProcessService.IDENTITY, 6_000).onComplete(test.succeeding(summary -> test.verify(() -> {
      assertNull(summary.problem(), summary.toString());
      assertTrue(summary.rounds() >= 1, summary.toString());
      assertTrue(summary.connects() >= WarmUp.SOCKETS, summary.toString());
      test.completeNow();
    })));
  }
}
