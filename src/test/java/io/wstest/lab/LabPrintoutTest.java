package io.wstest.lab;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands lab prints fit the lab it started: ports, weights shares, idle time, stickiness. */
class LabPrintoutTest {

  private static final Path JAR = Path.of("/opt/wstest/websocket-test-service.jar");
  private static final Path DIR = Path.of("/tmp/wstest-lab-test");

  private static String print(Balancer balancer, boolean sticky, int replicas, int canary, Duration idle)
    throws Exception {
    LabSettings settings = new LabSettings(balancer, replicas, sticky, false, canary, idle,
      InetAddress.getByName("127.0.0.1"), 8080, 8765, DIR);
    List<Replica> list = new java.util.ArrayList<>();
    List<Long> pids = new java.util.ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      list.add(settings.replica(i, 21000 + 2 * i, 21001 + 2 * i));
      pids.add(1000L + i);
    }
    return new LabPrintout(settings, JAR, list, pids, 999, Path.of("/usr/sbin/nginx")).text();
  }

  @Test
  void canaryWeightsAndShortIdleTimeoutGiveRunnableCommands() throws Exception {
    String text = print(Balancer.HAPROXY, false, 3, 1, Duration.ofSeconds(5));
    String target = "--host 127.0.0.1 --http-port 8080 --ws-port 8765";
    assertTrue(text.contains("java -jar " + JAR + " test-lb weights " + target + " -n 400 --weights v1=18,v2=1"), text);
    assertTrue(text.contains("test-lb idle-timeout " + target + " --max-idle 15s\n"), text);
    assertTrue(text.contains("replica-3   pid 1002     v2 weight 1  http://127.0.0.1:21004/  ws://127.0.0.1:21005/"),
      text);
    assertTrue(text.contains("haproxy (pid 999)") && text.contains("idle timeout 5s"), text);
    assertTrue(text.contains("admin.sock"), text);
    String[] lines = text.split("\n");
    assertTrue(lines[lines.length - 1].startsWith(Lab.READY + " 3 replicas behind haproxy at http://127.0.0.1:8080/"),
      "the ready line comes last: " + lines[lines.length - 1]);
  }

  @Test
  void withoutCanaryOrStickinessTheHintsSayHowToGetThem() throws Exception {
    String text = print(Balancer.NGINX, false, 4, 0, LabSettings.DEFAULT_IDLE_TIMEOUT);
    assertTrue(text.contains("-n 40 --expect-instances 4"), text);
    assertTrue(text.contains("restart lab with --canary 1"), text);
    assertTrue(text.contains("restart lab with --sticky"), text);
    assertTrue(text.contains("restart lab with --idle-timeout 5s"), text);
    assertTrue(text.contains("/usr/sbin/nginx -p " + DIR + " -c " + DIR.resolve("nginx.conf") + " -s reload"), text);
    assertFalse(text.contains("weight 9"), "equal weights are not printed: " + text);

    String sticky = print(Balancer.NGINX, true, 3, 0, LabSettings.DEFAULT_IDLE_TIMEOUT);
    assertTrue(sticky.contains("-n 30 --expect-instances 1\n"), "nginx's address hash: one client, one replica");
    assertTrue(print(Balancer.HAPROXY, true, 3, 0, LabSettings.DEFAULT_IDLE_TIMEOUT).contains("--expect-instances 3"),
      "HAProxy's cookie pins only clients that send it back; test-lb spread sends none");
    assertFalse(sticky.contains("restart lab with --sticky"), sticky);
    assertTrue(sticky.contains("hash $remote_addr consistent"), sticky);
  }

  @Test
  void noLoadBalancerPointsAtTheFirstReplica() throws Exception {
    String text = print(null, false, 2, 0, LabSettings.DEFAULT_IDLE_TIMEOUT);
    assertFalse(text.contains("Load balancer:"), text);
    assertTrue(text.contains("test-lb --host 127.0.0.1 --http-port 21000 --ws-port 21001 --expect-instances 1"), text);
    assertEquals(1, text.lines().filter(l -> l.startsWith(Lab.READY)).count());
    assertTrue(text.contains(Lab.READY + " 2 replicas (no load balancer)"), text);
  }
}
