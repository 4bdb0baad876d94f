package io.wstest.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation-free scanner against Jackson's strict parser, which defines the answer: for every input both
 * must give the same type (or both "not strict JSON"). Inputs are everyday messages, JSON that Vert.x's lenient
 * parser accepts but strict JSON does not, and random mutations of generated objects.
 */
class StrictJsonTest {

  private static final String[] TRICKY = {
    "{\"type\":\"echo\",\"data\":\"x\"}",
    "{\"type\":\"ping\"}",
    "{\"type\":\"broadcast\",\"message\":\"hi\"}",
    "{\"type\":\"info\"}",
    "{\"type\":\"custom-type\"}",
    "{\"type\":\"\u00e9cho \u2603\"}",
    "{\"type\":\"ech\\u006f\"}",
    "{\"\\u0074ype\":\"ping\"}",
    "{\"typ\\u0065\":\"info\"}",
    "{\"type\":1}",
    "{\"type\":null}",
    "{\"type\":{\"type\":\"ping\"}}",
    "{\"type\":[\"ping\"]}",
    "{\"a\":{\"type\":\"ping\"},\"type\":\"echo\"}",
    "{\"type\":\"ping\",\"type\":\"echo\"}",
    "{\"type\":\"echo\",\"type\":3}",
    "{}",
    " \t\r\n{ \"type\" : \"echo\" } \n",
    "{\"type\":\"echo\"} x",
    "{\"type\":\"echo\"}{}",
    "{\"type\":\"echo\",}",
    "{\"type\":\"echo\" /* c */}",
    "// c\n{\"type\":\"echo\"}",
    "{\"type\":'echo'}",
    "{type:\"echo\"}",
    "{\"n\":01}", "{\"n\":-0}", "{\"n\":-}", "{\"n\":1.}", "{\"n\":.5}", "{\"n\":1e}", "{\"n\":1e+5}",
    "{\"n\":-0.5E-7}", "{\"n\":+1}", "{\"n\":NaN}", "{\"n\":Infinity}", "{\"n\":0x10}", "{\"n\":1 2}",
    "{\"b\":true}", "{\"b\":truex}", "{\"b\":tru}", "{\"b\":nul}", "{\"b\":false,\"c\":null}",
    "{\"s\":\"a\\qb\"}", "{\"s\":\"\\u12g4\"}", "{\"s\":\"\\ud800\"}", "{\"s\":\"tab\there\"}",
    "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
    "{\"a\":[1,2,[3,{\"b\":[]}]],\"type\":\"echo\"}",
    "{\"a\":[1,2,]}", "{\"a\":[,1]}", "{\"a\":[1 2]}", "{\"a\" \"b\"}", "{\"a\":}", "{\"a\"}", "{,}",
    "{\"type\":\"echo\"", "{\"type\":\"echo", "{\"type", "{", "", "   ", "[]", "[{\"type\":\"echo\"}]",
    "\"type\"", "42", "null", "\ufeff{\"type\":\"echo\"}", "{\u0000}", "{\"type\":\"echo\"}\u0000",
    "{\"a\":\"\u0001\"}", "{\"a\":1}\u000b",
  };

  @Test
  void agreesWithJacksonOnEdgeCases() {
    for (String json : TRICKY) {
      assertSame(json);
    }
  }

  @Test
  void agreesWithJacksonOnDeepAndLongInput() {
    assertSame("{\"a\":" + "[".repeat(63) + "]".repeat(63) + ",\"type\":\"echo\"}");
    assertSame("{\"a\":" + "[".repeat(64) + "]".repeat(64) + ",\"type\":\"echo\"}");
    assertSame("{\"a\":" + "[".repeat(600) + "]".repeat(600) + ",\"type\":\"echo\"}");
    assertSame("{\"a\":" + "[".repeat(600) + "]".repeat(599) + ",\"type\":\"echo\"}");
    assertSame("{\"n\":" + "9".repeat(99) + ",\"type\":\"ping\"}");
    assertSame("{\"n\":" + "9".repeat(1001) + ",\"type\":\"ping\"}");
    assertSame("{\"n\":1." + "5".repeat(1200) + "}");
    assertSame("{\"" + "k".repeat(60_000) + "\":1,\"type\":\"info\"}");
    assertSame("{\"type\":\"" + "t".repeat(20_000) + "\"}");
    assertSame("{\"data\":\"" + "x".repeat(20_000) + "\",\"type\":\"echo\"}");
  }

  @Test
  void everydayMessagesDoNotFallBackToJackson() {
    for (String json : new String[] {
      "{\"type\":\"echo\",\"data\":\"" + "x".repeat(40) + "\"}",
      "{\"type\":\"ping\",\"t\":1732000000000}",
      "{\"type\":\"broadcast\",\"message\":{\"text\":\"hi \u2603\",\"n\":[1,2.5e3,-0,true,false,null]}}",
      "{\"seq\":12,\"type\":\"echo\",\"payload\":\"\\\"quoted\\\" \\n\"}",
    }) {
      assertTrue(StrictJson.scannerDecides(buffer(json)), json);
      assertSame(json);
    }
  }

  @Test
  void agreesWithJacksonOnRandomMutations() {
    Random random = new Random(6455);
    String alphabet = "{}[],:\"\\ \t\n/*0123456789.-+eEtrufalsn\u00e9\u2603\u0001";
    for (int i = 0; i < 5_000; i++) {
      String json = randomObject(random, 0);
      int edits = random.nextInt(4);
      StringBuilder mutated = new StringBuilder(json);
      for (int e = 0; e < edits && mutated.length() > 0; e++) {
        int at = random.nextInt(mutated.length());
        switch (random.nextInt(3)) {
          case 0 -> mutated.deleteCharAt(at);
          case 1 -> mutated.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> mutated.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      assertSame(mutated.toString());
    }
  }

  private static String randomObject(Random random, int depth) {
    List<String> members = new ArrayList<>();
    int n = random.nextInt(depth == 0 ? 5 : 3);
    if (depth == 0 && random.nextBoolean()) {
      members.add("\"type\":" + (random.nextInt(5) == 0 ? randomValue(random, depth) : "\""
        + new String[] {"echo", "ping", "broadcast", "info", "other"}[random.nextInt(5)] + "\""));
    }
    for (int i = 0; i < n; i++) {
      members.add(randomString(random) + ":" + randomValue(random, depth));
    }
    java.util.Collections.shuffle(members, random);
    return "{" + String.join(",", members) + "}";
  }

  private static String randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 6 : 8);
    return switch (kind) {
      case 0 -> randomString(random);
      case 1 -> Integer.toString(random.nextInt(2000) - 1000);
      case 2 -> Double.toString(random.nextGaussian() * 1e6);
      case 3 -> "true";
      case 4 -> "false";
      case 5 -> "null";
      case 6 -> randomObject(random, depth + 1);
      default -> {
        List<String> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          items.add(randomValue(random, depth + 1));
        }
        yield "[" + String.join(",", items) + "]";
      }
    };
  }

  private static String randomString(Random random) {
    String[] parts = {"a", "type", "x y", "\\n", "\\u0041", "\\\"", "\u00e9", "\u2603", "\ud83d\ude00", "9"};
    StringBuilder s = new StringBuilder("\"");
    for (int i = random.nextInt(4); i > 0; i--) {
      s.append(parts[random.nextInt(parts.length)]);
    }
    return s.append('"').toString();
  }

  private static void assertSame(String json) {
    Buffer data = buffer(json);
    String expected = StrictJson.jacksonTypeOf(data, ((BufferInternal) data).getByteBuf());
    assertEquals(expected, StrictJson.typeOf(data), () -> "type of " + abbreviate(json));
  }

  private static Buffer buffer(String json) {
    return Buffer.buffer(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String abbreviate(String json) {
    return json.length() <= 200 ? json : json.substring(0, 200) + "... (" + json.length() + " chars)";
  }
}
