package io.wstest.server;

import io.vertx.core.Vertx;
import io.wstest.identity.IdentityResolver;
import io.wstest.identity.ServiceIdentity;
import io.wstest.runtime.FatalErrors;
import io.wstest.ops.GracefulShutdown;
import io.wstest.ops.LocalService;
import io.wstest.ops.PeerErrors;
import io.wstest.options.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/** {@code serve}: runs the service until the process is stopped. Its options come from {@link ServerConfig#SETTINGS}. */
@Command(name = "serve",
  description = "Run the WebSocket test service: HTTP + /ws on the HTTP port, a raw WebSocket server on the WS port.",
  footer = {"",
    "Identity comes from the environment: POD_NAME, POD_NAMESPACE, NODE_NAME, POD_IP, SERVICE_NAME, "
      + "SERVICE_VERSION.",
    // read by ops/LogConfigurator, not by ServerConfig: it must apply before the first log line
    "Logging: LOG_LEVEL (env only, default: INFO) = ERROR, WARN, INFO, DEBUG or TRACE.",
    "Other commands: see `java -jar websocket-test-service.jar help`."})
public final class ServeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Adds one option per setting to the serve command; called once when the command line is built. */
  public static void addSettingOptions(CommandSpec serve) {
    for (Setting<?> setting : ServerConfig.SETTINGS) {
      OptionSpec.Builder option = OptionSpec.builder(setting.flag())
        .paramLabel(setting.label())
        .type(String.class)
        .description(setting.helpText());
      if (setting.label().equals(Setting.DURATION_LABEL)) {
        // checked when parsed, as every command's durations are; ServerConfig reads the text again, like the env
        option.type(Duration.class).converters(new DurationConverter());
      }
      if (setting.label().equals("true|false")) {
        option.arity("0..1").fallbackValue("true");
      }
      serve.addOption(option.build());
    }
  }

  /** The service this environment describes, for {@code healthcheck}; throws ConfigException like the service would. */
  public static LocalService localService(Map<String, String> env) {
    ServerConfig config = ServerConfig.fromEnv(env);
    return new LocalService(config.bindHost(), config.httpPort(), config.tls(),
      config.tls() ? TlsPem.certificates(config.tlsCert()) : List.of());
  }

  @Override
  public Integer call() {
    return serve(givenFlags(), spec.commandLine().getErr());
  }

  /**
   * {@code serve} without any flag, the way the container image and most deployments start it (settings in the
   * environment): the same as {@link #call} with nothing parsed, without building the command line. picocli's
   * classes are compiled for Java 5, so the JVM verifies them the slow way and no AppCDS archive can hold them;
   * reading the serve command's annotations and options costs more still. Measured on one pinned CPU with the
   * image's flags and archive ({@code bench hold --spawn --server-cds}): start to ready 1.35 -> 0.77 s, idle RSS
   * 84.5 -> 77.5 MB (docs/performance.md).
   */
  public static int serveWithoutFlags() {
    return serve(Map.of(), new PrintWriter(System.err, true));
  }

  /** Runs the service with these flags (flag name to its last value) over the environment, until it is stopped. */
  private static int serve(Map<String, String> flags, PrintWriter err) {
    ServerConfig config;
    try {
      config = ServerConfig.resolve(flags, System.getenv());
    } catch (ConfigException e) {
      err.println("Error: " + e.getMessage());
      err.println("Run with --help to see every option.");
      return 2;
    }
    ServiceIdentity identity = IdentityResolver.forThisProcess().resolve();
    FatalErrors.installUncaughtExceptionHandler();
    PeerErrors.showSummaries();
    Vertx vertx = ServiceVertx.create(config);
    EventLoopWatchdog watchdog = EventLoopWatchdog.arm(vertx);
    GracefulShutdown shutdown = new GracefulShutdown(vertx, config.drainDelay(), config.drainPeriod(),
      config.shutdownTimeout());
    CountDownLatch stopped = new CountDownLatch(1);
    // Registered before start-up, so a SIGTERM right after the "Started" line is drained too.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      watchdog.disarm(); // Vert.x is closed on purpose now: its event loops end
      boolean drained = shutdown.run();
      stopped.countDown();
      if (drained) {
        System.out.flush();
        System.err.flush();
        // A JVM stopped by SIGTERM / SIGINT exits 143 / 130 once its hooks return; a graceful drain is a
        // normal stop, so it ends with 0 (this is the only shutdown hook).
        Runtime.getRuntime().halt(0);
      }
    }, "shutdown"));
    try {
      ServiceLauncher.start(vertx, config, identity).toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      err.println("Error: " + (cause instanceof PortInUseException ? cause.getMessage() : "start-up failed: " + cause));
      err.flush();
      watchdog.disarm();
      vertx.close();
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private Map<String, String> givenFlags() {
    Map<String, String> flags = new HashMap<>();
    for (Setting<?> setting : ServerConfig.SETTINGS) {
      if (spec.commandLine().getParseResult().hasMatchedOption(setting.flag())) {
        List<String> given = spec.findOption(setting.flag()).stringValues();
        flags.put(setting.flag(), given.get(given.size() - 1));
      }
    }
    return flags;
  }
}
