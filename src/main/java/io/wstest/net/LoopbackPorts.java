package io.wstest.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on 127.0.0.1 for the servers this process starts for itself: the service's warm-up copies of its
 * servers, and the servers and redis-server that {@code bench} spawns. The kernel picks them (from the ephemeral
 * range); each is held open until all of one call are picked, so one call never hands out a port twice, which two
 * calls can: the kernel may give a port just closed out again at once.
 */
public final class LoopbackPorts {

  private LoopbackPorts() {
  }

  /** One free port. */
  public static int free() {
    return free(1)[0];
  }

  /**
   * {@code count} distinct free ports.
   *
   * @throws UncheckedIOException when the kernel has none to give
   */
  public static int[] free(int count) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1: " + e.getMessage(), e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // held only to keep the ports of one call distinct
        }
      }
    }
  }
}
