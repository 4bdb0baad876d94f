package io.wstest.client.audit;

import java.util.Locale;

/** The outcome of one line of the report card. */
public enum CheckStatus {
  PASS, WARN, FAIL, SKIPPED;

  /** pass, warn, fail, skipped: as the console, JSON and HTML show it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
