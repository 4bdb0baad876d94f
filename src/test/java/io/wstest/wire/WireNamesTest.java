package io.wstest.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every field and message type name in {@link Fields} and {@link MessageTypes} is one docs/protocol.md documents. */
class WireNamesTest {

  private static final Path PROTOCOL_DOC = Path.of("docs", "protocol.md");

  @Test
  void everyFieldNameIsInTheProtocolDoc() throws IOException {
    assertDocumented(Fields.class, 42);
  }

  @Test
  void everyMessageTypeIsInTheProtocolDoc() throws IOException {
    assertDocumented(MessageTypes.class, 11);
  }

  /** Each constant's value appears in the doc as a JSON key or string ("name") or as code (`name`). */
  private static void assertDocumented(Class<?> names, int atLeast) throws IOException {
    String doc = Files.readString(PROTOCOL_DOC);
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Field field : names.getDeclaredFields()) {
      if (!Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) {
        continue;
      }
      String value = constant(field);
      assertEquals(field.getName().toLowerCase(Locale.ROOT), value,
        "the constant's name spells its value: " + field.getName());
      checked++;
      if (!doc.contains("\"" + value + "\"") && !doc.contains("`" + value + "`")) {
        missing.add(value);
      }
    }
    assertTrue(checked >= atLeast, "checked only " + checked + " constants of " + names.getSimpleName());
    assertTrue(missing.isEmpty(), "not in " + PROTOCOL_DOC + ": " + missing);
  }

  private static String constant(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
