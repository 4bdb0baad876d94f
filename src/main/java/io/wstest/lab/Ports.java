package io.wstest.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Ports for the lab's listeners. Free ones are picked below the ephemeral range (32768 and up on Linux), where no
 * outgoing connection can hold a port between the pick and the child's bind.
 */
final class Ports {

  private static final int LOWEST = 20000;
  private static final int ABOVE_HIGHEST = 32768;
  private static final int ATTEMPTS = 500;

  private final InetAddress bind;
  private final Set<Integer> handedOut = new HashSet<>();
  private final Random random = new Random();

  Ports(InetAddress bind) {
    this.bind = bind;
  }

  /** True when nothing listens on {@code port} at the bind address right now. */
  boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(bind, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reserves a port the caller chose (already checked with {@link #isFree}). */
  int take(int port) {
    handedOut.add(port);
    return port;
  }

  /** A free port not handed out before. */
  int next() {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = LOWEST + random.nextInt(ABOVE_HIGHEST - LOWEST);
      if (!handedOut.contains(port) && isFree(port)) {
        return take(port);
      }
    }
    throw new IllegalStateException("no free port between " + LOWEST + " and " + (ABOVE_HIGHEST - 1) + " on "
      + bind.getHostAddress() + " after " + ATTEMPTS + " tries");
  }
}
