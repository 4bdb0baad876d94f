package io.wstest.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogConfiguratorTest {

  @Test
  void logbackFindsItThroughTheServiceFile() {
    assertTrue(ServiceLoader.load(Configurator.class).stream()
      .anyMatch(provider -> provider.type() == LogConfigurator.class), "META-INF/services entry missing");
    // and this JVM's logging was set up by it: the root logger has its console appender
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertInstanceOf(ConsoleAppender.class, context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT"));
  }

  @Test
  void linesHaveTheSeedShapeAndNettyAndVertxAreQuiet() {
    LoggerContext context = new LoggerContext();
    assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new LogConfigurator().configure(context));
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    ConsoleAppender<?> console = (ConsoleAppender<?>) root.getAppender("STDOUT");
    PatternLayoutEncoder encoder = (PatternLayoutEncoder) console.getEncoder();
    LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("io.wstest.server.ServiceLauncher"), Level.INFO,
      "=== WebSocket Test Service Started ===", null, null);
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertTrue(line.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} - ServiceLauncher - INFO - "
      + "=== WebSocket Test Service Started ===\\R"), line);
    assertEquals(Level.WARN, context.getLogger("io.netty").getLevel());
    assertEquals(Level.WARN, context.getLogger("io.vertx").getLevel());
    assertEquals(Level.ERROR, context.getLogger(LogConfigurator.CLIENT_CONNECTION).getLevel());
    context.stop();
  }

  @Test
  void logLevelIsReadInAnyCaseAndDefaultsToInfo() {
    assertEquals(Level.INFO, LogConfigurator.rootLevel(null));
    assertEquals(Level.INFO, LogConfigurator.rootLevel(" "));
    assertEquals(Level.DEBUG, LogConfigurator.rootLevel("debug"));
    assertEquals(Level.TRACE, LogConfigurator.rootLevel("TRACE"));
    assertEquals(Level.ERROR, LogConfigurator.rootLevel(" error "));
    assertEquals(Level.INFO, LogConfigurator.rootLevel("loud"));
  }
}
