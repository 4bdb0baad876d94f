package io.wstest.server;

import io.wstest.options.Durations;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration knob: the CLI flag, the environment variable behind it, its default and how to parse it.
 * The table of settings in {@link ServerConfig} drives parsing, validation and {@code --help} alike, so the
 * three can never disagree.
 */
public final class Setting<T> {

  /** The help label of every duration setting; serve's --help shows it, and the CLI converts such flags. */
  public static final String DURATION_LABEL = "DURATION";

  private final String env;
  private final String flag;
  private final String label;
  private final String defaultText;
  private final String description;
  private final Function<String, T> parser;
  /** How a given value may be shown in an error message when it must be masked (secrets); null: SafeEcho decides. */
  private Function<String, String> shown;

  private Setting(String env, String flag, String label, String defaultText, String description,
                  Function<String, T> parser) {
    this.env = env;
    this.flag = flag;
    this.label = label;
    this.defaultText = defaultText;
    this.description = description;
    this.parser = parser;
  }

  public static Setting<Integer> port(String env, String flag, int defaultPort, String description) {
    return new Setting<>(env, flag, "PORT", Integer.toString(defaultPort), description,
      raw -> parseInt(raw, 0, 65535, "a port number 0-65535"));
  }

  public static Setting<Integer> integer(String env, String flag, Integer defaultValue, int min, int max,
                                         String description) {
    String expected = max == Integer.MAX_VALUE ? "a whole number >= " + min : "a whole number " + min + "-" + max;
    return new Setting<>(env, flag, "N", defaultValue == null ? null : defaultValue.toString(), description,
      raw -> parseInt(raw, min, max, expected));
  }

  /** Milliseconds, written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} or a bare number of seconds. */
  public static Setting<Long> duration(String env, String flag, String defaultValue, String description) {
    return new Setting<>(env, flag, DURATION_LABEL, defaultValue, description, Setting::parseDurationMillis);
  }

  public static Setting<Boolean> bool(String env, String flag, boolean defaultValue, String description) {
    return new Setting<>(env, flag, "true|false", Boolean.toString(defaultValue), description, Setting::parseBool);
  }

  public static Setting<String> text(String env, String flag, String label, String defaultValue, String description) {
    return new Setting<>(env, flag, label, defaultValue, description, raw -> raw);
  }

  /** A value with its own parser; the parser throws IllegalArgumentException saying what it expected. */
  public static <T> Setting<T> parsed(String env, String flag, String label, String defaultValue, String description,
                                      Function<String, T> parser) {
    return new Setting<>(env, flag, label, defaultValue, description, parser);
  }

  /** A path to a file that must exist and be readable when the service starts. */
  public static Setting<String> readableFile(String env, String flag, String description) {
    return new Setting<>(env, flag, "FILE", null, description, raw -> {
      if (raw.contains("-----BEGIN")) {
        throw new IllegalArgumentException(env + " looks like PEM content, not a path: mount it as a file (in"
          + " Kubernetes a secret volume, not an env var from secretKeyRef) and pass the file's path");
      }
      try {
        if (!Files.isReadable(Path.of(raw))) {
          throw new IllegalArgumentException("no readable file at that path");
        }
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("not a file path"); // its own message would repeat the value
      }
      return raw;
    });
  }

  /** The same setting, whose given values are shown through {@code mask} in error messages (secrets). */
  public Setting<T> shownAs(Function<String, String> mask) {
    this.shown = mask;
    return this;
  }

  /** A given value as an error message may repeat it. */
  String shown(String raw) {
    return shown == null ? raw : shown.apply(raw);
  }

  /** True when given values are shown only through a mask. */
  boolean masked() {
    return shown != null;
  }

  public String env() { return env; }
  public String flag() { return flag; }
  public String label() { return label; }
  /** The default as written in help, or null when the setting is unset by default. */
  public String defaultText() { return defaultText; }
  public String description() { return description; }

  /** Help line: description, env var and default. */
  public String helpText() {
    return description + " (env: " + env + (defaultText == null ? "" : ", default: " + defaultText) + ")";
  }

  T parse(String raw) {
    return parser.apply(raw.trim());
  }

  static int parseInt(String raw, int min, int max, String expected) {
    int value;
    try {
      value = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected " + expected);
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException("expected " + expected);
    }
    return value;
  }

  /** The one duration grammar of every command ({@link Durations}), for flags and environment variables alike. */
  public static long parseDurationMillis(String raw) {
    try {
      return Durations.parse(raw).toMillis();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected a duration such as 500ms, 5s, 2m, 1h or a number of seconds");
    }
  }

  static boolean parseBool(String raw) {
    switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true": case "1": case "yes": case "on": return true;
      case "false": case "0": case "no": case "off": return false;
      default: throw new IllegalArgumentException("expected true or false");
    }
  }
}
