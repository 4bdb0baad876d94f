package io.wstest.server;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the server can be told, read once at start-up. Each value comes from its CLI flag, else its
 * environment variable, else the default. The {@link #SETTINGS} table is the single list of knobs.
 */
public final class ServerConfig {

  public static final Setting<Integer> HTTP_PORT = Setting.port("HTTP_PORT", "--http-port", 8080,
    "HTTP port: /, /health, /ws, /echo");
  public static final Setting<Integer> WS_PORT = Setting.port("WS_PORT", "--ws-port", 8765,
    "raw WebSocket server port (any path)");
  public static final Setting<String> BIND_HOST = Setting.text("BIND_HOST", "--bind", "ADDRESS", "0.0.0.0",
    "address both servers listen on");
  /**
   * One event loop per CPU this process may use (Vert.x defaults to two): with two busy loops on one pinned CPU
   * each waits out the other's scheduler time slice, p99 4 ms instead of 0.6 ms (docs/performance.md).
   */
  public static final int EVENT_LOOPS = Runtime.getRuntime().availableProcessors();
  public static final Setting<Integer> INSTANCES = Setting.integer("INSTANCES", "--instances",
    null, 1, 1024, "verticle instances per server (default: one per event loop = one per CPU, "
      + EVENT_LOOPS + " here)");
  public static final Setting<Integer> MAX_MESSAGE_BYTES = Setting.integer("MAX_MESSAGE_BYTES",
    "--max-message-bytes", 65536, 125, 64 * 1024 * 1024,
    "largest WebSocket message accepted; larger ones close the socket with 1009");
  public static final Setting<Boolean> WS_COMPRESSION = Setting.bool("WS_COMPRESSION", "--ws-compression", false,
    "accept permessage-deflate (costs ~100 KB native memory per connection)");

  /** Every setting, in the order {@code --help} lists them. */
  public static final List<Setting<?>> SETTINGS = List.of(
    HTTP_PORT, WS_PORT, BIND_HOST, INSTANCES, MAX_MESSAGE_BYTES, WS_COMPRESSION);

  private final Map<Setting<?>, Object> values;

  private ServerConfig(Map<Setting<?>, Object> values) {
    this.values = values;
  }

  /**
   * Resolves every setting: flag value first, then environment, then default.
   *
   * @param flags values given on the command line, keyed by flag ({@code --http-port})
   * @param env   the process environment (injected for tests)
   * @throws ConfigException naming the flag or env var whose value is unusable
   */
  public static ServerConfig resolve(Map<String, String> flags, Map<String, String> env) {
    Map<Setting<?>, Object> values = new HashMap<>();
    for (Setting<?> setting : SETTINGS) {
      String raw = flags.get(setting.flag());
      String source = "option " + setting.flag();
      if (raw == null) {
        raw = env.get(setting.env());
        source = "environment variable " + setting.env();
        if (raw != null && raw.isBlank()) {
          raw = null;
        }
      }
      if (raw == null) {
        raw = setting.defaultText();
        source = "default of " + setting.flag();
      }
      if (raw == null) {
        continue;
      }
      try {
        values.put(setting, setting.parse(raw));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("Invalid value for " + source + ": '" + raw + "' (" + e.getMessage() + ")");
      }
    }
    return new ServerConfig(values);
  }

  /** Defaults plus the given environment; handy for tests and embedding. */
  public static ServerConfig fromEnv(Map<String, String> env) {
    return resolve(Map.of(), env);
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) values.get(setting);
  }

  public int httpPort() { return get(HTTP_PORT); }
  public int wsPort() { return get(WS_PORT); }
  public String bindHost() { return get(BIND_HOST); }
  public int instances() {
    Integer n = get(INSTANCES);
    return n == null ? EVENT_LOOPS : n;
  }
  public int maxMessageBytes() { return get(MAX_MESSAGE_BYTES); }
  public boolean compression() { return get(WS_COMPRESSION); }
}
