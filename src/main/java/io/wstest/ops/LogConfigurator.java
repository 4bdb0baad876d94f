package io.wstest.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

import java.util.Locale;

/**
 * The service's logging set up in code, found by logback through {@code META-INF/services}: lines shaped like the
 * seed service's ({@code 2024-01-20 10:30:00 - Logger - INFO - message}) on standard output, Netty and Vert.x at
 * WARN, everything else at {@code LOG_LEVEL} (default INFO), and the lines they log for each peer error summed up
 * ({@link PeerErrors}).
 *
 * <p>Why not logback.xml: reading it costs logback's XML configurator about 250 ms and 350 classes at every start
 * (measured: 390 ms vs 140 ms to the first log line on one CPU), a quarter of the service's start-to-ready
 * (docs/performance.md). A file given with {@code -Dlogback.configurationFile=...} still wins: then this
 * configurator steps aside.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

  /**
   * Micrometer's MeterRegistry logs through this logger only "This Gauge has been already registered (...), the
   * registration will be ignored", once per JVM at WARN. vertx-micrometer 5.1.6 registers gauges again by design:
   * {@code vertx.eventbus.handlers} for every event-bus consumer, and for every accepted connection of a server
   * it measures (it keeps its own counter per series and relies on Micrometer returning the registered gauge;
   * vertx-micrometer-metrics issue 259), so every start logged it: a warning about nothing an operator can act on,
   * and one that could never point at a double registration of the service's own, since Vert.x always used it up
   * first. (The HTTP servers' series are runtime/HttpServerSeries's, registered once.)
   */
  static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";
  /**
   * vertx-core 5.1.6's WebSocket and HTTP client logs "Connection evicted" through this logger, and nothing else,
   * at WARN for every pooled connection the server closed or refused: a load generator whose target refused 7 of
   * 12 upgrades printed 7 such lines next to its own report of the refusals (status and count).
   */
  static final String CLIENT_CONNECTION = "io.vertx.core.http.impl.HttpClientConnection";
  static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss} - %logger{0} - %level - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder(encoder);
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(rootLevel(System.getenv("LOG_LEVEL")));
    root.addAppender(console);
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("io.vertx").setLevel(Level.WARN);
    context.getLogger(METER_REGISTRY).setLevel(Level.ERROR);
    context.getLogger(CLIENT_CONNECTION).setLevel(Level.ERROR);
    // what Netty and Vert.x log once per peer error becomes a count in a periodic summary (PeerErrors)
    PeerErrorLogFilter peerErrors = new PeerErrorLogFilter();
    peerErrors.setContext(context);
    peerErrors.start();
    context.addTurboFilter(peerErrors);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** {@code LOG_LEVEL} as a level: ERROR, WARN, INFO, DEBUG or TRACE in any case; unset or anything else is INFO. */
  static Level rootLevel(String value) {
    if (value == null || value.isBlank()) {
      return Level.INFO;
    }
    return Level.toLevel(value.trim().toUpperCase(Locale.ROOT), Level.INFO);
  }
}
