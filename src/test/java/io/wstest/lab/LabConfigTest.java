package io.wstest.lab;

import io.wstest.testsupport.HaproxyProcess;
import io.wstest.testsupport.NginxProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The configurations lab writes for each flag, checked line by line and by the load balancers' own config check
 * ({@code nginx -t}, {@code haproxy -c}).
 */
class LabConfigTest {

  @TempDir
  Path dir;

  private LabSettings settings(Balancer balancer, boolean sticky, boolean leastConn, int canary, Duration idle)
    throws IOException {
    return new LabSettings(balancer, 3, sticky, leastConn, canary, idle, InetAddress.getByName("127.0.0.1"), 21700,
      21701, dir);
  }

  private static List<Replica> replicas(LabSettings settings) {
    return List.of(settings.replica(0, 21710, 21711), settings.replica(1, 21712, 21713),
      settings.replica(2, 21714, 21715));
  }

  @Test
  void canaryIsTheLastReplicasWithTheSmallWeight() throws IOException {
    List<Replica> replicas = replicas(settings(Balancer.NGINX, false, false, 1, LabSettings.DEFAULT_IDLE_TIMEOUT));
    assertEquals(List.of("v1", "v1", "v2"), replicas.stream().map(Replica::version).toList());
    assertEquals(List.of(9, 9, 1), replicas.stream().map(Replica::weight).toList());
    assertEquals(List.of("replica-1", "replica-2", "replica-3"), replicas.stream().map(Replica::name).toList());
  }

  @Test
  void nginxConfigFollowsTheFlags() throws Exception {
    LabSettings plain = settings(Balancer.NGINX, false, false, 0, LabSettings.DEFAULT_IDLE_TIMEOUT);
    String config = directives(Balancer.NGINX.config(plain, replicas(plain), dir));
    assertTrue(config.contains("listen 127.0.0.1:21700;") && config.contains("listen 127.0.0.1:21701;"), config);
    assertTrue(config.contains("server 127.0.0.1:21710;") && config.contains("server 127.0.0.1:21715;"), config);
    assertTrue(config.contains("proxy_read_timeout 1h;"), config);
    assertFalse(config.contains("least_conn") || config.contains("hash $remote_addr") || config.contains("weight="));
    checkNginx(config);

    LabSettings tuned = settings(Balancer.NGINX, true, false, 1, Duration.ofSeconds(5));
    config = directives(Balancer.NGINX.config(tuned, replicas(tuned), dir));
    assertTrue(config.contains("hash $remote_addr consistent;"), config);
    assertTrue(config.contains("server 127.0.0.1:21710 weight=9;"), config);
    assertTrue(config.contains("server 127.0.0.1:21714 weight=1;"), config);
    assertTrue(config.contains("proxy_read_timeout 5s;") && config.contains("proxy_send_timeout 5s;"), config);
    checkNginx(config);

    LabSettings leastConn = settings(Balancer.NGINX, false, true, 0, LabSettings.DEFAULT_IDLE_TIMEOUT);
    assertTrue(Balancer.NGINX.config(leastConn, replicas(leastConn), dir).contains("least_conn;"));
  }

  @Test
  void haproxyConfigFollowsTheFlags() throws Exception {
    LabSettings plain = settings(Balancer.HAPROXY, false, false, 0, LabSettings.DEFAULT_IDLE_TIMEOUT);
    String config = directives(Balancer.HAPROXY.config(plain, replicas(plain), dir));
    assertTrue(config.contains("bind 127.0.0.1:21700") && config.contains("bind 127.0.0.1:21701"), config);
    assertTrue(config.contains("balance roundrobin") && config.contains("timeout tunnel 1h"), config);
    assertTrue(config.contains("server replica-1 127.0.0.1:21710 check port 21710"), config);
    assertTrue(config.contains("server replica-1 127.0.0.1:21711 check port 21710"), "readiness on the HTTP port");
    assertFalse(config.contains("cookie SRV") || config.contains(" weight "), config);
    checkHaproxy(config);

    LabSettings tuned = settings(Balancer.HAPROXY, true, false, 1, Duration.ofMillis(1500));
    config = directives(Balancer.HAPROXY.config(tuned, replicas(tuned), dir));
    assertTrue(config.contains("cookie SRV insert indirect nocache"), config);
    assertTrue(config.contains("server replica-3 127.0.0.1:21714 weight 1 cookie replica-3"), config);
    assertTrue(config.contains("server replica-1 127.0.0.1:21710 weight 9 cookie replica-1"), config);
    assertTrue(config.contains("timeout tunnel 1500ms"), config);
    checkHaproxy(config);

    LabSettings leastConn = settings(Balancer.HAPROXY, false, true, 0, LabSettings.DEFAULT_IDLE_TIMEOUT);
    assertTrue(Balancer.HAPROXY.config(leastConn, replicas(leastConn), dir).contains("balance leastconn"));
  }

  /** The configuration without its comments (which name the other balancing methods). */
  private static String directives(String config) {
    return String.join("\n", config.lines().filter(line -> !line.strip().startsWith("#")).toList()) + "\n";
  }

  private void checkNginx(String config) throws Exception {
    assumeTrue(NginxProcess.available(), NginxProcess.INSTALL_HINT);
    Files.writeString(dir.resolve(LbTemplate.WEBSOCKET_PROXY), LbTemplate.text(LbTemplate.WEBSOCKET_PROXY));
    Path file = Files.writeString(dir.resolve("nginx.conf"), config);
    Path binary = new Executables(System.getenv(), Executables.SBIN_DIRS).find(Balancer.NGINX).binary();
    check(List.of(binary.toString(), "-t", "-q", "-p", dir.toString(), "-c", file.toString()));
  }

  private void checkHaproxy(String config) throws Exception {
    assumeTrue(HaproxyProcess.available(), HaproxyProcess.INSTALL_HINT);
    Path file = Files.writeString(dir.resolve("haproxy.cfg"), config);
    Path binary = new Executables(System.getenv(), Executables.SBIN_DIRS).find(Balancer.HAPROXY).binary();
    check(List.of(binary.toString(), "-c", "-f", file.toString()));
  }

  private static void check(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "config check did not finish: " + command);
    assertEquals(0, process.exitValue(), command + "\n" + output);
  }
}
