package io.wstest.options;

import java.util.Locale;

/** Shares and levels as test-lb's flags take them: {@code 0.99} or {@code 99%}. */
public final class Fractions {

  private Fractions() {
  }

  /**
   * Parses {@code text} for {@code flag} into a fraction between {@code min} and {@code max} (both inclusive);
   * throws {@link InvalidOption} naming the flag otherwise.
   */
  public static double parse(String flag, String text, double min, double max) {
    String value = text == null ? "" : text.trim();
    boolean percent = value.endsWith("%");
    double fraction;
    try {
      fraction = Double.parseDouble(percent ? value.substring(0, value.length() - 1).trim() : value);
    } catch (NumberFormatException e) {
      throw new InvalidOption(flag, "'" + text + "' is not a fraction such as 0.99 or 99%");
    }
    if (percent) {
      fraction /= 100;
    }
    if (!(fraction >= min && fraction <= max)) {
      throw new InvalidOption(flag, "'" + text + "' is outside " + percent(min) + ".." + percent(max));
    }
    return fraction;
  }

  /** 0.99 as "99%", 0.995 as "99.5%". */
  public static String percent(double fraction) {
    String text = String.format(Locale.ROOT, "%.4f", fraction * 100).replaceAll("0+$", "").replaceAll("\\.$", "");
    return text + "%";
  }
}
