package io.wstest.lab;

import io.wstest.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lab's usage errors (exit 2, the message naming the flag) and its load-balancer lookup, in this JVM: all of it is
 * decided before anything is started.
 */
class LabCommandTest {

  @TempDir
  Path dir;

  private record Run(int code, String err) {
  }

  private static Run run(CommandLine cli, String... args) {
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    int code = cli.execute(args);
    return new Run(code, err.toString());
  }

  private static Run lab(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "lab";
    System.arraycopy(args, 0, full, 1, args.length);
    return run(Commands.commandLine(), full);
  }

  private static void assertUsageError(String flag, String... args) {
    Run run = lab(args);
    assertEquals(2, run.code(), run.err());
    assertTrue(run.err().contains(flag), "names " + flag + ": " + run.err());
  }

  @Test
  void badFlagsExitTwoNamingTheFlag() {
    assertUsageError("--replicas", "--replicas", "0");
    assertUsageError("--replicas", "--replicas", "21");
    assertUsageError("--replicas", "--replicas", "three");
    assertUsageError("--lb", "--lb", "apache");
    assertUsageError("--canary", "--replicas", "3", "--canary", "3");
    assertUsageError("--canary", "--canary", "-1");
    assertUsageError("--idle-timeout", "--idle-timeout", "5x");
    assertUsageError("--idle-timeout", "--idle-timeout", "500ms");
    assertUsageError("--least-conn", "--sticky", "--least-conn");
    assertUsageError("--sticky", "--no-lb", "--sticky");
    assertUsageError("--port", "--no-lb", "--port", "9000");
    assertUsageError("--port", "--port", "70000");
    assertUsageError("--ws-port", "--port", "9000", "--ws-port", "9000");
    assertUsageError("--bind", "--bind", "lab.example");
    assertUsageError("--replica", "--replica", "3");
  }

  @Test
  void helpNamesTheCanaryWeightsAndTheStopBound() {
    String help = Commands.commandLine().getSubcommands().get("lab").getUsageMessage();
    assertTrue(help.contains("weight " + Replica.CANARY_WEIGHT), help);
    assertTrue(help.contains("weight " + Replica.STABLE_WEIGHT), help);
    assertTrue(help.contains("SIGKILL after " + Lab.STOP_BOUND_SECONDS + " s"), help);
    for (String flag : List.of("--lb", "--no-lb", "--replicas", "--sticky", "--least-conn", "--canary",
      "--idle-timeout", "--bind", "--port", "--ws-port", "--dir")) {
      assertTrue(help.contains(flag), flag);
    }
  }

  @Test
  void aLoadBalancerNotInstalledExitsTwoWithThePackageToInstall() throws IOException {
    Path emptyPath = Files.createDirectory(dir.resolve("bin"));
    Map<String, String> env = Map.of("PATH", emptyPath.toString());

    Run nginx = run(new CommandLine(new LabCommand(env, List.of())), "--lb", "nginx");
    assertEquals(2, nginx.code(), nginx.err());
    assertTrue(nginx.err().contains("nginx is not installed") && nginx.err().contains("apt-get install nginx"),
      nginx.err());

    Run haproxy = run(new CommandLine(new LabCommand(env, List.of())), "--lb", "haproxy");
    assertEquals(2, haproxy.code(), haproxy.err());
    assertTrue(haproxy.err().contains("apt-get install haproxy"), haproxy.err());

    Run either = run(new CommandLine(new LabCommand(env, List.of())));
    assertEquals(2, either.code(), either.err());
    assertTrue(either.err().contains("neither nginx nor haproxy is installed"), either.err());
    assertTrue(either.err().contains("--no-lb"), either.err());
  }

  @Test
  void lookupPrefersTheExplicitBinaryThenPathThenSbin() throws IOException {
    Path pathDir = Files.createDirectory(dir.resolve("path"));
    Path sbin = Files.createDirectory(dir.resolve("sbin"));
    Path explicit = executable(dir.resolve("my-nginx"));

    Executables onlySbin = new Executables(Map.of("PATH", pathDir.toString()), List.of(sbin));
    assertNull(onlySbin.find(Balancer.NGINX).binary());
    Path inSbin = executable(sbin.resolve("nginx"));
    assertEquals(inSbin, onlySbin.find(Balancer.NGINX).binary());
    Path onPath = executable(pathDir.resolve("nginx"));
    assertEquals(onPath, onlySbin.find(Balancer.NGINX).binary());

    Executables withEnv = new Executables(Map.of("PATH", pathDir.toString(), "LAB_NGINX_BIN", explicit.toString()),
      List.of(sbin));
    assertEquals(explicit, withEnv.find(Balancer.NGINX).binary());

    Path notExecutable = Files.writeString(dir.resolve("plain-file"), "");
    Executables.Lookup wrong = new Executables(Map.of("LAB_HAPROXY_BIN", notExecutable.toString()), List.of(sbin))
      .find(Balancer.HAPROXY);
    assertNull(wrong.binary());
    assertTrue(wrong.problem().contains("LAB_HAPROXY_BIN=" + notExecutable), wrong.problem());
    assertFalse(wrong.problem().isBlank());
  }

  private static Path executable(Path file) throws IOException {
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
