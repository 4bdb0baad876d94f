package io.wstest.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Turns the lines Netty and Vert.x log for each peer error, where no handler of the service is asked, into counts
 * for {@link PeerErrors}' summary:
 * <ul>
 *   <li>Netty's WARN "An exceptionCaught() event ... reached at the tail of the pipeline" for an accept that failed
 *   with "Too many open files" (a listening socket has no handler of Vert.x's to take it), up to one a second per
 *   port while the process is at its open-files limit;</li>
 *   <li>Vert.x's ERROR with only an exception's message, which it logs for a connection without an exception
 *   handler (a handshake still in progress).</li>
 * </ul>
 */
final class PeerErrorLogFilter extends TurboFilter {

  private static final String VERTX_CONNECTION = "io.vertx.core.net.impl.ConnectionBase";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == null || !level.isGreaterOrEqual(Level.WARN)) {
      return FilterReply.NEUTRAL;
    }
    String name = logger.getName();
    if (name.startsWith("io.netty.") && isAcceptFailure(t)) {
      PeerErrors.acceptFailed(t);
      return FilterReply.DENY;
    }
    if (name.equals(VERTX_CONNECTION)) {
      PeerErrors.connectionErrorMessage(t != null ? t.toString() : format);
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  private static boolean isAcceptFailure(Throwable t) {
    for (Throwable cause = t; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && message.contains("Too many open files")) {
        return true;
      }
    }
    return false;
  }
}
