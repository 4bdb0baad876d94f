package io.wstest.protocol;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wstest.testsupport.RawFrameClient;
import io.wstest.testsupport.RawFrameClient.Frame;
import io.wstest.testsupport.InProcessService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static io.wstest.testsupport.RawFrameClient.BINARY;
import static io.wstest.testsupport.RawFrameClient.CLOSE;
import static io.wstest.testsupport.RawFrameClient.CONTINUATION;
import static io.wstest.testsupport.RawFrameClient.PING;
import static io.wstest.testsupport.RawFrameClient.PONG;
import static io.wstest.testsupport.RawFrameClient.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6455 strictness on every endpoint, proven with hand-built frames over plain TCP: each bad frame closes
 * only its own socket, with the right close code, and the server completes the closing handshake.
 */
@ExtendWith(VertxExtension.class)
class RfcConformanceTest {

  private static final int MAX = 1024;
  private static InProcessService service;

  /** The three WebSocket endpoints: /ws and /echo on the HTTP port, any path on the raw port. */
  record Target(String name, boolean http, String path, boolean welcome) {
    int port() {
      return http ? service.httpPort() : service.wsPort();
    }

    RawFrameClient open() throws Exception {
      RawFrameClient ws = RawFrameClient.connect(port(), path);
      if (welcome) {
        assertTrue(ws.readText().contains("\"welcome\""));
      }
      return ws;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Target> targets() {
    return Stream.of(new Target("http /ws", true, "/ws", true), new Target("http /echo", true, "/echo", false),
      new Target("raw 8765", false, "/anything", true));
  }

  @BeforeAll
  static void deploy(Vertx vertx, VertxTestContext test) {
    InProcessService.start(vertx, Map.of("MAX_MESSAGE_BYTES", Integer.toString(MAX)))
      .onComplete(test.succeeding(s -> {
        service = s;
        test.completeNow();
      }));
  }

  private static void assertClosedWith(RawFrameClient ws, int code) throws Exception {
    Frame close = ws.readUntil(CLOSE);
    assertEquals(code, close.closeCode(), "close code; reason: " + close.text());
    ws.answerClose(close);
    assertTrue(ws.serverClosedTcp(), "server must close the TCP connection after the closing handshake");
  }

  /** After a bad frame on one socket, a second socket on the same endpoint still works. */
  private static void assertOthersUnaffected(Target target) throws Exception {
    try (RawFrameClient other = target.open()) {
      other.send(true, BINARY, new byte[] {1, 2, 3});
      Frame echo = other.read();
      assertEquals(BINARY, echo.opcode());
      assertArrayEquals(new byte[] {1, 2, 3}, echo.payload());
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void invalidUtf8InTextMessageCloses1007(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.send(true, TEXT, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
      assertClosedWith(ws, 1007);
    }
    assertOthersUnaffected(target);
  }

  @ParameterizedTest
  @MethodSource("targets")
  void invalidUtf8SplitAcrossFragmentsCloses1007(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      // A valid 4-byte sequence start, then a byte that cannot continue it, in the next fragment.
      ws.send(false, TEXT, new byte[] {'a', (byte) 0xF0, (byte) 0x9F});
      ws.send(true, CONTINUATION, new byte[] {(byte) 0x41});
      assertClosedWith(ws, 1007);
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void textEndingInsideACharacterCloses1007(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.send(true, TEXT, new byte[] {'a', (byte) 0xE2, (byte) 0x82});
      assertClosedWith(ws, 1007);
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void validUtf8SplitAcrossFragmentsIsAccepted(Target target) throws Exception {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    try (RawFrameClient ws = target.open()) {
      if (target.welcome()) {
        ws.send(false, TEXT, concat("{\"type\":\"echo\",\"v\":\"".getBytes(StandardCharsets.UTF_8), new byte[] {euro[0]}));
        ws.send(true, CONTINUATION, concat(new byte[] {euro[1], euro[2]}, "\"}".getBytes(StandardCharsets.UTF_8)));
        String reply = ws.readText();
        assertTrue(reply.contains("\"v\":\"€\""), reply);
      } else {
        ws.send(false, TEXT, new byte[] {euro[0]});
        ws.send(true, CONTINUATION, new byte[] {euro[1], euro[2]});
        assertEquals("€", ws.readText());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void reservedBitsWithoutExtensionClose1002(Target target) throws Exception {
    for (int rsv : new int[] {1, 2, 4}) {
      try (RawFrameClient ws = target.open()) {
        ws.sendFrame(true, rsv, TEXT, "{}".getBytes(StandardCharsets.UTF_8), true);
        assertClosedWith(ws, 1002);
      }
    }
    assertOthersUnaffected(target);
  }

  @ParameterizedTest
  @MethodSource("targets")
  void unknownOpcodesClose1002(Target target) throws Exception {
    for (int opcode : new int[] {3, 7, 0xB, 0xF}) {
      try (RawFrameClient ws = target.open()) {
        ws.send(true, opcode, new byte[] {1});
        assertClosedWith(ws, 1002);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void unmaskedClientFrameCloses1002(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.sendFrame(true, 0, TEXT, "{}".getBytes(StandardCharsets.UTF_8), false);
      assertClosedWith(ws, 1002);
    }
    assertOthersUnaffected(target);
  }

  @ParameterizedTest
  @MethodSource("targets")
  void fragmentedControlFrameCloses1002(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.send(false, PING, new byte[] {1, 2});
      assertClosedWith(ws, 1002);
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void oversizedControlFrameCloses1002(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.send(true, PING, new byte[126]);
      assertClosedWith(ws, 1002);
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void continuationWithoutAMessageCloses1002(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.send(true, CONTINUATION, new byte[] {'x'});
      assertClosedWith(ws, 1002);
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void newMessageInsideAFragmentedOneCloses1002(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.send(false, TEXT, new byte[] {'a'});
      ws.send(true, TEXT, new byte[] {'b'});
      assertClosedWith(ws, 1002);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
  void invalidCloseCodesClose1002(int code) throws Exception {
    for (Target target : targets().toList()) {
      try (RawFrameClient ws = target.open()) {
        ws.sendClose(RawFrameClient.closePayload(code, ""));
        assertClosedWith(ws, 1002);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void oneByteClosePayloadCloses1002(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.sendClose(new byte[] {0x03});
      assertClosedWith(ws, 1002);
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void invalidUtf8CloseReasonCloses1007(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.sendClose(concat(new byte[] {0x03, (byte) 0xE8}, new byte[] {(byte) 0xCE, (byte) 0xBA, (byte) 0xE1, (byte) 0xBD}));
      assertClosedWith(ws, 1007);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1001, 1003, 1011, 3000, 4999})
  void validCloseIsEchoedAndTheConnectionEnds(int code) throws Exception {
    for (Target target : targets().toList()) {
      try (RawFrameClient ws = target.open()) {
        ws.sendClose(RawFrameClient.closePayload(code, "bye"));
        assertClosedWith(ws, code);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void emptyCloseIsAnswered(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.sendClose(new byte[0]);
      Frame close = ws.readUntil(CLOSE);
      assertTrue(close.closeCode() == -1 || close.closeCode() == 1000, "close code " + close.closeCode());
      ws.answerClose(close);
      assertTrue(ws.serverClosedTcp());
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void pingIsAnsweredWithPongCarryingThePayload(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      byte[] payload = "are you there".getBytes(StandardCharsets.UTF_8);
      ws.send(true, PING, payload);
      Frame pong = ws.readUntil(PONG);
      assertArrayEquals(payload, pong.payload());
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void singleFrameOverTheLimitCloses1009(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.send(true, BINARY, new byte[MAX + 1]);
      assertClosedWith(ws, 1009);
    }
    assertOthersUnaffected(target);
  }

  @ParameterizedTest
  @MethodSource("targets")
  void fragmentedMessageOverTheLimitCloses1009(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.send(false, BINARY, new byte[MAX / 2]);
      ws.send(false, CONTINUATION, new byte[MAX / 2]);
      ws.send(true, CONTINUATION, new byte[1]);
      assertClosedWith(ws, 1009);
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void messageExactlyAtTheLimitIsEchoed(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      byte[] payload = new byte[MAX];
      Arrays.fill(payload, (byte) 7);
      ws.send(false, BINARY, Arrays.copyOf(payload, 100));
      ws.send(true, CONTINUATION, Arrays.copyOfRange(payload, 100, MAX));
      Frame echo = ws.read();
      assertEquals(BINARY, echo.opcode());
      assertArrayEquals(payload, echo.payload());
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void controlFramesMayInterleaveWithFragments(Target target) throws Exception {
    try (RawFrameClient ws = target.open()) {
      ws.send(false, BINARY, new byte[] {1});
      ws.send(true, PING, new byte[] {9});
      ws.send(true, CONTINUATION, new byte[] {2});
      Frame pong = ws.read();
      assertEquals(PONG, pong.opcode());
      Frame echo = ws.read();
      assertArrayEquals(new byte[] {1, 2}, echo.payload());
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
