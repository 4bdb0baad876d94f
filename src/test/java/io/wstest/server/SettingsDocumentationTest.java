package io.wstest.server;

import io.wstest.identity.IdentityResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The settings tables of the README and docs/operations.md against the code: a row per setting with its flag, its
 * variable and its default, and in docs/operations.md also the variables read outside the settings table.
 */
class SettingsDocumentationTest {

  /** Markdown table rows naming something in code spans (tests run in the project root). */
  private static List<String> settingRows(String file) throws IOException {
    return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream()
      .filter(l -> l.startsWith("|") && l.contains("`")).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "docs/operations.md"})
  void everySettingHasARowWithItsFlagVariableAndDefault(String file) throws IOException {
    List<String> rows = settingRows(file);
    for (Setting<?> setting : ServerConfig.SETTINGS) {
      String row = rows.stream()
        .filter(r -> r.contains("`" + setting.flag() + "`") && r.contains("`" + setting.env() + "`")).findFirst()
        .orElseThrow(() -> new AssertionError(file + " has no row for " + setting.flag() + " / " + setting.env()));
      if (setting.defaultText() != null) {
        assertTrue(row.contains(setting.defaultText()), file + ": default " + setting.defaultText() + " in " + row);
      }
    }
  }

  @Test
  void operationsListsEveryVariableReadOutsideTheSettingsTable() throws IOException {
    List<String> rows = settingRows("docs/operations.md");
    List<String> envOnly = new ArrayList<>(IdentityResolver.ENV_VARS);
    envOnly.addAll(List.of("LOG_LEVEL", "KUBERNETES_SERVICE_HOST"));
    for (String env : envOnly) {
      assertTrue(rows.stream().anyMatch(r -> r.contains("`" + env + "`")), "docs/operations.md has no row for " + env);
    }
  }

  @Test
  void operationsExplainsDurationsOnce() throws IOException {
    String text = Files.readString(Path.of("docs/operations.md"), StandardCharsets.UTF_8);
    assertEquals(2, text.split("Durations are written", -1).length, "one place says how durations are written");
  }
}
