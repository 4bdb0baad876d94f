package io.wstest.client.report;

/** The seed's emoji, with plain ASCII stand-ins for pipes, CI logs and {@code --no-emoji}. */
public enum Glyph {
  START("🚀", ">>"),
  HEALTH("🔍", "[health]"),
  OK("✅", "[OK]"),
  ENDPOINT("📡", "[endpoint]"),
  ROUNDS("🔄", "[test]"),
  PLUG("🔌", "[ws]"),
  RESULTS("📊", "[results]"),
  WARN("⚠️", "[WARN]"),
  FAIL("❌", "[FAIL]"),
  HINT("💡", "[hint]");

  private final String emoji;
  private final String ascii;

  Glyph(String emoji, String ascii) {
    this.emoji = emoji;
    this.ascii = ascii;
  }

  public String text(boolean useEmoji) {
    return useEmoji ? emoji : ascii;
  }
}
