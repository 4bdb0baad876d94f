package io.wstest.ops;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Peer errors become one summary line per period, whatever their number. */
class PeerErrorsTest {

  @Test
  void manyErrorsMakeOneSummaryLineAndTheNextStartsFromZero() {
    PeerErrors errors = new PeerErrors(Duration.ofSeconds(10));
    for (int i = 0; i < 1_845; i++) {
      errors.countConnectionError("java.net.SocketException: Connection reset");
    }
    errors.countAcceptFailure("accept(..) failed with error(-24): Too many open files");
    errors.countAcceptFailure("accept(..) failed with error(-24): Too many open files");
    assertEquals("In the last 10 s: 1845 connections failed on the peer's side (reset, broken pipe, bad TLS or "
      + "HTTP; latest: java.net.SocketException: Connection reset); 2 connections not accepted (latest: accept(..) "
      + "failed with error(-24): Too many open files): raise the open-files limit or lower MAX_CONNECTIONS",
      errors.takeSummary());
    assertNull(errors.takeSummary(), "nothing new: no line");
    errors.countConnectionError("javax.net.ssl.SSLHandshakeException: no cipher suites in common");
    assertEquals("In the last 10 s: 1 connection failed on the peer's side (reset, broken pipe, bad TLS or HTTP; "
      + "latest: javax.net.ssl.SSLHandshakeException: no cipher suites in common)", errors.takeSummary());
  }
}
