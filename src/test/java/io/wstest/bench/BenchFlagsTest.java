package io.wstest.bench;

import io.wstest.Commands;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad bench flags exit 2 with a message naming the flag, before anything is started or connected. */
class BenchFlagsTest {

  private record Result(int code, String err) {
  }

  private static Result bench(String... args) {
    CommandLine cli = Commands.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    String[] full = new String[args.length + 1];
    full[0] = "bench";
    System.arraycopy(args, 0, full, 1, args.length);
    return new Result(cli.execute(full), err.toString());
  }

  private static void assertBadFlag(String flag, String... args) {
    Result result = bench(args);
    assertEquals(2, result.code(), "exit code for " + String.join(" ", args) + ": " + result.err());
    assertTrue(result.err().contains(flag), "message should name " + flag + ": " + result.err());
  }

  @Test
  void unknownFlagExits2NamingIt() {
    assertBadFlag("--no-such-flag", "echo", "--spawn", "--no-such-flag");
  }

  @Test
  void outOfRangeValuesExit2NamingTheFlag() {
    assertBadFlag("--connections", "echo", "--spawn", "--connections", "0");
    assertBadFlag("--payload", "echo", "--spawn", "--payload", "5");
    assertBadFlag("--duration", "connect", "--spawn", "--duration", "-1");
    assertBadFlag("--warmup", "connect", "--spawn", "--warmup", "11m");
    assertBadFlag("--receivers", "broadcast", "--spawn", "--receivers", "0");
    assertBadFlag("--warmup-rounds", "broadcast", "--spawn", "--warmup-rounds", "-1");
    assertBadFlag("--connections", "hold", "--spawn", "--connections", "19000");
    assertBadFlag("--connections", "echo", "--spawn", "--connections", "many");
    assertBadFlag("--server-cpus", "echo", "--spawn", "--server-cpus", "zero");
    assertBadFlag("--replicas", "broadcast", "--spawn", "--redis", "--replicas", "9");
  }

  @Test
  void clusterModeNeedsRedisAndSpawnedReplicas() {
    assertBadFlag("--replicas", "broadcast", "--spawn", "--replicas", "3");
    assertBadFlag("--redis", "broadcast", "--url", "ws://127.0.0.1:1/", "--redis");
    assertBadFlag("--baseline", "broadcast", "--spawn", "--redis", "--baseline");
  }

  @Test
  void targetMustBeGivenExactlyOnce() {
    assertBadFlag("--url", "echo");
    assertBadFlag("--url", "echo", "--spawn", "--url", "ws://127.0.0.1:1/");
    assertBadFlag("--baseline", "echo", "--url", "ws://127.0.0.1:1/", "--baseline");
    assertBadFlag("--server-cds", "echo", "--url", "ws://127.0.0.1:1/", "--server-cds");
    assertBadFlag("--url", "echo", "--url", "http://127.0.0.1:1/");
  }

  @Test
  void tlsIsForSpawnedServersOfThisJarOnly() {
    assertBadFlag("--tls", "echo", "--url", "ws://127.0.0.1:1/", "--tls");
    assertBadFlag("--tls", "echo", "--spawn", "--tls", "--peer", "twin=java -jar x.jar {http} {ws}");
  }

  @Test
  void theTlsEngineIsJdkOrOpensslAndNeedsTls() {
    assertBadFlag("--tls-engine", "connect", "--spawn", "--tls", "--tls-engine", "boringssl");
    assertBadFlag("--tls-engine", "connect", "--spawn", "--tls-engine", "openssl");
    assertBadFlag("--tls-engine", "baseline-server", "--port", "1", "--tls-engine", "gnutls");
  }

  @Test
  void theBaselineServerWantsItsCertificateAndKeyTogether() {
    assertBadFlag("--tls-key", "baseline-server", "--port", "1", "--tls-cert", "cert.pem");
    assertBadFlag("--tls-cert", "baseline-server", "--port", "1", "--tls-key", "key.pem");
  }

  @Test
  void badPeerValuesExit2NamingTheFlag() {
    String ok = "go=true -http {http} -ws {ws}";
    assertBadFlag("--peer", "echo", "--url", "ws://127.0.0.1:1/", "--peer", ok);
    assertBadFlag("--peer", "echo", "--spawn", "--peer", "no-equals-sign");
    assertBadFlag("--peer", "echo", "--spawn", "--peer", "go=true -http {http}");
    assertBadFlag("--peer", "echo", "--spawn", "--peer", "service=true {http} {ws}");
    assertBadFlag("--peer", "echo", "--spawn", "--peer", "go=/no/such/peer-go -http {http} -ws {ws}");
    assertBadFlag("--peer", "echo", "--spawn", "--peer", "go='unterminated {http} {ws}");
    assertBadFlag("--peer", "broadcast", "--spawn", "--redis", "--peer", ok);
    Result twice = bench("echo", "--spawn", "--peer", ok, "--peer", ok);
    assertEquals(2, twice.code(), twice.err());
    assertTrue(twice.err().contains("--peer") && twice.err().contains("twice"), twice.err());
  }

  @Test
  void interleaveKeepsServersBenchStartedItselfInConnectAndEchoOnly() {
    assertBadFlag("--interleave", "connect", "--url", "ws://127.0.0.1:1/", "--interleave");
    assertBadFlag("--interleave", "echo", "--url", "ws://127.0.0.1:1/", "--interleave");
    assertBadFlag("--interleave", "hold", "--spawn", "--interleave");
    assertBadFlag("--interleave", "broadcast", "--spawn", "--interleave");
  }

  @Test
  void clientWarmupIsBounded() {
    assertBadFlag("--client-warmup", "echo", "--spawn", "--client-warmup", "6m");
    assertBadFlag("--client-warmup", "echo", "--spawn", "--client-warmup", "soon");
  }

  @Test
  void nonLoopbackTargetIsRefusedWithoutAllowRemote() {
    // a literal documentation address (TEST-NET-1): refused during flag validation, no packet is ever sent
    Result result = bench("echo", "--url", "ws://192.0.2.1:80/");
    assertEquals(2, result.code(), result.err());
    assertTrue(result.err().contains("--url") && result.err().contains("--allow-remote"), result.err());
  }

  @Test
  void missingScenarioExits2() {
    Result result = bench();
    assertEquals(2, result.code(), result.err());
    assertTrue(result.err().contains("scenario"), result.err());
  }

  @Test
  void jvmOptionsFileIsParsedIntoFlags() {
    assertEquals(List.of("-XX:+UseSerialGC", "-Xss256k", "-Xmx64m"),
      SpawnSettings.parseOptions("# comment\n-XX:+UseSerialGC -Xss256k  # why\n\n-Xmx64m\n"));
    List<String> recommended = SpawnSettings.recommendedJvmOptions();
    assertTrue(recommended.contains("-XX:+UseSerialGC"), "docker/jvm.options is packed next to the bench classes");
    // The image's java launcher reads the same file as an argument file: only plain flags keep the two readers equal.
    for (String flag : recommended) {
      assertTrue(flag.startsWith("-") && !flag.contains("\"") && !flag.contains("'"), "not a plain flag: " + flag);
    }
  }
}
