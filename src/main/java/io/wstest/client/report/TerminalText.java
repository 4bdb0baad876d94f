package io.wstest.client.report;

/**
 * Text a server chose (instance names, close reasons, response excerpts ...) made harmless for a terminal: every
 * control character is shown as a {@code \}{@code uXXXX} escape instead of acting. A hostile server could otherwise
 * clear the screen or move the cursor (ESC and CSI sequences, also the 8-bit C1 forms), write the clipboard (OSC 52),
 * overwrite a line ({@code \r}) or start a line of its own that looks like test-lb's ({@code \n}). The bidirectional
 * overrides and the Unicode line separators, which reorder or break what is shown, are escaped too.
 */
public final class TerminalText {

  private TerminalText() {
  }

  /** The text with each unsafe character escaped; "null" for null, as string concatenation would print it. */
  public static String safe(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder safe = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (unsafe(c)) {
        if (safe == null) {
          safe = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        safe.append(String.format("\\u%04x", (int) c));
      } else if (safe != null) {
        safe.append(c);
      }
    }
    return safe == null ? text : safe.toString();
  }

  /** C0 controls (tab and newline too), DEL, C1 controls, line/paragraph separators, bidi embeddings and isolates. */
  static boolean unsafe(char c) {
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029
      || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
  }
}
