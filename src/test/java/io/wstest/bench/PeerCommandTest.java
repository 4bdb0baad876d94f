package io.wstest.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --peer NAME=COMMAND: how the command is split (no shell), how the ports go in, and what is refused. */
class PeerCommandTest {

  private static String refused(String value) {
    return assertThrows(IllegalArgumentException.class, () -> PeerCommand.parse(value)).getMessage();
  }

  @Test
  void nameAndArgumentsAreSplitOnWhitespaceAndPortsSubstitutedInEveryArgument() {
    PeerCommand peer = PeerCommand.parse("go=/opt/peer-go  -http {http}\t-ws {ws} --listen=127.0.0.1:{ws}");
    assertEquals("go", peer.name());
    assertEquals(List.of("/opt/peer-go", "-http", "{http}", "-ws", "{ws}", "--listen=127.0.0.1:{ws}"),
      peer.template());
    assertEquals(List.of("/opt/peer-go", "-http", "33001", "-ws", "33002", "--listen=127.0.0.1:33002"),
      peer.command(33001, 33002));
  }

  @Test
  void quotesGroupAndBackslashesEscapeWithoutAnyShellExpansion() {
    assertEquals(List.of("a b", "c'd", "e\"f", "g\\h", "$HOME", "*", "x y", "", "ij"),
      PeerCommand.split("'a b' \"c'd\" \"e\\\"f\" \"g\\\\h\" $HOME * x\\ y '' i'j'"));
    // inside "..." a backslash escapes only " and \ ; inside '...' nothing
    assertEquals(List.of("a\\nb", "c\\\"d"), PeerCommand.split("\"a\\nb\" 'c\\\"d'"));
    assertEquals(List.of(), PeerCommand.split("  \t "));
  }

  @Test
  void environmentGoesThroughEnvAsPlainArguments() {
    PeerCommand peer = PeerCommand.parse("node=env HTTP_PORT={http} WS_PORT={ws} node /tmp/peer-node/server.js");
    assertEquals(List.of("env", "HTTP_PORT=1", "WS_PORT=2", "node", "/tmp/peer-node/server.js"), peer.command(1, 2));
  }

  @Test
  void malformedValuesAreRefusedWithTheReason() {
    assertTrue(refused("/opt/peer-go -http {http} -ws {ws}").contains("NAME=COMMAND"));
    assertTrue(refused("=/opt/peer-go -http {http} -ws {ws}").contains("peer name"));
    assertTrue(refused("go lang=/opt/peer-go {http} {ws}").contains("peer name"));
    assertTrue(refused("service=/opt/peer-go {http} {ws}").contains("taken"));
    assertTrue(refused("baseline=/opt/peer-go {http} {ws}").contains("taken"));
    assertTrue(refused("go=").contains("empty"));
    assertTrue(refused("go=/opt/peer-go -ws {ws}").contains("{http}"));
    assertTrue(refused("go=/opt/peer-go -http {http}").contains("{ws}"));
    assertTrue(refused("go=/opt/peer-go 'unterminated {http} {ws}").contains("unterminated '"));
    assertTrue(refused("go=/opt/peer-go \"unterminated {http} {ws}").contains("unterminated \""));
    assertTrue(refused("go=/opt/peer-go {http} {ws} \\").contains("backslash"));
  }

  @Test
  void theProgramMustBeAnExecutableFileOrOnThePath() {
    String path = System.getenv("PATH");
    assertEquals(Optional.empty(), PeerCommand.parse("t=true {http} {ws}").programProblem(path));
    assertTrue(PeerCommand.parse("t=no-such-peer-program {http} {ws}").programProblem(path).orElseThrow()
      .contains("not on the PATH"));
    assertTrue(PeerCommand.parse("t=/no/such/peer {http} {ws}").programProblem(path).orElseThrow()
      .contains("not an executable file"));
    assertTrue(PeerCommand.parse("t=/tmp {http} {ws}").programProblem(path).orElseThrow()
      .contains("not an executable file"), "a directory is not a program");
  }
}
