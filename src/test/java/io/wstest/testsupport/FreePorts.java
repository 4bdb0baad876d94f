package io.wstest.testsupport;

import io.wstest.net.LoopbackPorts;

import java.util.HashSet;
import java.util.Set;

/**
 * Ports nobody listens on right now, so parallel test runs and a running service on 8080 never clash. Never the
 * same port twice in one JVM: the kernel may hand a just-closed port out again, and two picked back to back (a
 * service's HTTP and WebSocket ports) must differ.
 */
public final class FreePorts {

  private static final int ATTEMPTS = 100;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {
  }

  public static synchronized int next() {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = LoopbackPorts.free();
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no loopback port not handed out before after " + ATTEMPTS + " tries");
  }
}
