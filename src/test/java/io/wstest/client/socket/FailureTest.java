package io.wstest.client.socket;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.MultiMap;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connect failures as Vert.x and Netty raise them, mapped to kinds and one-line details. */
class FailureTest {

  @Test
  void kindsFollowTheCauseChain() {
    assertEquals(FailureKind.DNS, FailureKind.classify(new VertxException(new UnknownHostException("x.invalid"))));
    assertEquals(FailureKind.REFUSED, FailureKind.classify(new ConnectException("Connection refused")));
    assertEquals(FailureKind.TIMEOUT, FailureKind.classify(new ConnectTimeoutException("connection timed out")));
    assertEquals(FailureKind.TLS, FailureKind.classify(new VertxException(new SSLHandshakeException("bad cert"))));
    assertEquals(FailureKind.ERROR, FailureKind.classify(new IllegalStateException("odd")));
  }

  @Test
  void rejectedUpgradeShowsStatusAndABodyExcerpt() {
    String body = "<html>\n<body>502 Bad Gateway</body>\n</html>" + "x".repeat(500);
    Failure failure = Failure.ofConnect(new UpgradeRejectedException("rejected", 502, MultiMap.caseInsensitiveMultiMap(),
      Buffer.buffer(body)), "lb:80");
    assertEquals(FailureKind.HANDSHAKE_STATUS, failure.kind());
    assertEquals(502, failure.httpStatus());
    assertTrue(failure.detail().startsWith("upgrade rejected with HTTP 502 (expected 101 Switching Protocols), body: "
      + "<html> <body>502 Bad Gateway</body> </html>"), failure.detail());
    assertTrue(failure.detail().endsWith("..."), "long bodies are cut");
    assertFalse(failure.unreachable(), "a server answered");
    assertTrue(Failure.ofConnect(new ConnectException("Connection refused"), "lb:80").unreachable());
  }

  @Test
  void closeWithoutACloseFrameIs1006() {
    Failure failure = Failure.closed("pong", null, null);
    assertEquals((short) 1006, failure.closeCode());
    assertTrue(failure.detail().contains("without a close frame (1006)"), failure.detail());
    assertEquals((short) 1001, Failure.closed("welcome", (short) 1001, "going away").closeCode());
  }
}
