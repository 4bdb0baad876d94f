package io.wstest.client;

import io.wstest.client.run.ReportSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whether test-lb treats stdout as a terminal (emoji, progress bars) on every JDK it runs on. */
class ReportSettingsTest {

  @Test
  void noConsoleIsNeverATerminal() {
    assertFalse(ReportSettings.isTerminal(false, null));
    assertFalse(ReportSettings.isTerminal(false, true));
  }

  @Test
  void beforeJdk22AConsoleMeansATerminal() {
    assertTrue(ReportSettings.isTerminal(true, null));
  }

  @Test
  void fromJdk22TheConsoleMustSayItIsATerminal() {
    // JDK 22-24 hand out a console with stdout piped into a CI log: isTerminal() is false there
    assertFalse(ReportSettings.isTerminal(true, false));
    assertTrue(ReportSettings.isTerminal(true, true));
  }

  @Test
  void isTerminalIsLookedUpWhereTheJdkHasIt() {
    assertEquals(Runtime.version().feature() >= 22, ReportSettings.consoleIsTerminalMethod() != null);
  }

  @Test
  void surefiresPipedStdoutIsNoTerminal() {
    assertFalse(ReportSettings.stdoutIsTerminal());
  }
}
