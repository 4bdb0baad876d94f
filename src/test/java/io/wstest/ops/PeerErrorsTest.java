package io.wstest.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

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

  @Test
  void onlyAProcessThatServesWritesTheSummaryAtInfoOrWarn() {
    Logger logger = (Logger) LoggerFactory.getLogger(PeerErrors.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      PeerErrors client = new PeerErrors(Duration.ofSeconds(10));
      client.countConnectionError("java.net.SocketException: Connection reset");
      client.logSummary();
      assertEquals(List.of(), lines.list.stream().filter(line -> line.getLevel().isGreaterOrEqual(Level.INFO))
        .map(ILoggingEvent::getFormattedMessage).toList(), "a client command reports its failures itself");

      PeerErrors server = new PeerErrors(Duration.ofSeconds(10));
      server.summariesShown(true);
      server.countConnectionError("java.net.SocketException: Connection reset");
      server.logSummary();
      server.countAcceptFailure("accept(..) failed with error(-24): Too many open files");
      server.logSummary();
      List<ILoggingEvent> shown = lines.list.stream().filter(line -> line.getLevel().isGreaterOrEqual(Level.INFO))
        .toList();
      assertEquals(List.of(Level.INFO, Level.WARN), shown.stream().map(ILoggingEvent::getLevel).toList());
      assertEquals("In the last 10 s: 1 connection failed on the peer's side (reset, broken pipe, bad TLS or HTTP; "
        + "latest: java.net.SocketException: Connection reset)", shown.get(0).getFormattedMessage());
    } finally {
      logger.detachAppender(lines);
    }
  }
}
