package io.wstest.options;

import java.util.Locale;

/** Shares and levels as every flag takes them: {@code 0.99} or {@code 99%}. */
public final class Fractions {

  private Fractions() {
  }

  /**
   * Parses {@code text} for {@code flag} into a fraction between {@code min} and {@code max} (both inclusive);
   * throws {@link InvalidOption} naming the flag otherwise.
   */
  public static double parse(String flag, String text, double min, double max) {
    double fraction;
    try {
      fraction = parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidOption(flag, e.getMessage());
    }
    return parse(flag, fraction, min, max);
  }

  /** Checks a converted fraction option: throws {@link InvalidOption} naming {@code flag} outside min..max. */
  public static double parse(String flag, double fraction, double min, double max) {
    if (!(fraction >= min && fraction <= max)) {
      throw new InvalidOption(flag, "'" + percent(fraction) + "' is outside " + percent(min) + ".." + percent(max));
    }
    return fraction;
  }

  /** {@code 0.99} or {@code 99%} as 0.99; throws IllegalArgumentException saying what was expected. */
  public static double parse(String text) {
    String value = text == null ? "" : text.trim();
    boolean percent = value.endsWith("%");
    double fraction;
    try {
      fraction = Double.parseDouble(percent ? value.substring(0, value.length() - 1).trim() : value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a fraction such as 0.99 or 99%");
    }
    if (Double.isNaN(fraction) || Double.isInfinite(fraction)) {
      throw new IllegalArgumentException("'" + text + "' is not a fraction such as 0.99 or 99%");
    }
    return percent ? fraction / 100 : fraction;
  }

  /** 0.99 as "99%", 0.995 as "99.5%". */
  public static String percent(double fraction) {
    String text = String.format(Locale.ROOT, "%.4f", fraction * 100).replaceAll("0+$", "").replaceAll("\\.$", "");
    return text + "%";
  }
}
