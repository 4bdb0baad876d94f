package io.wstest.options;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of every command, flag and environment variable: {@code 500ms}, {@code 5s} (the unit
 * when none is given), {@code 2m}, {@code 1h}; fractions too ({@code 1.5s}).
 */
public final class Durations {

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  private Durations() {
  }

  /** What every duration error says after the value. */
  public static final String EXPECTED = "is not a duration such as 500ms, 5s, 2m or 1h (a bare number is seconds)";

  /** Parses {@code text}; throws IllegalArgumentException saying what was expected when it is not a duration. */
  public static Duration parse(String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' " + EXPECTED);
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = amount * switch (unit) {
      case "ms" -> 1;
      case "s" -> 1000;
      case "m" -> 60_000;
      default -> 3_600_000;
    };
    return Duration.ofMillis(Math.round(millis));
  }

  /** Parses {@code text} for {@code flag}; throws {@link InvalidOption} when it is not a duration within min..max. */
  public static Duration parse(String flag, String text, Duration min, Duration max) {
    Duration value;
    try {
      value = parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidOption(flag, e.getMessage());
    }
    return parse(flag, value, min, max);
  }

  /** Checks a converted duration option: throws {@link InvalidOption} naming {@code flag} outside min..max. */
  public static Duration parse(String flag, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new InvalidOption(flag, "'" + format(value) + "' is outside " + format(min) + ".." + format(max));
    }
    return value;
  }

  /** The shortest exact spelling: 1h, 10m, 5s, 1500ms. */
  public static String format(Duration duration) {
    long ms = duration.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
