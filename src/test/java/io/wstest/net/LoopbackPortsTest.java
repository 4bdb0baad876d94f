package io.wstest.net;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ports of one call are distinct, and each can be listened on at 127.0.0.1 right after. */
class LoopbackPortsTest {

  @Test
  void portsOfOneCallAreDistinctAndFree() throws IOException {
    for (int round = 0; round < 50; round++) {
      int[] ports = LoopbackPorts.free(3);
      assertEquals(3, Arrays.stream(ports).distinct().count(), Arrays.toString(ports));
      for (int port : ports) {
        try (ServerSocket listening = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          assertEquals(port, listening.getLocalPort());
        }
      }
    }
  }
}
