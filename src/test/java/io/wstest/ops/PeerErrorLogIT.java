package io.wstest.ops;

import io.wstest.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service at its open-files limit fails every accept (Netty retries each second per port): the log gets one
 * summary line per {@link PeerErrors#SUMMARY_PERIOD}, not a warning with a stack trace per failure.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerErrorLogIT {

  /** Connections beyond the limit: they wait in the listen backlog, and every accept of one fails. */
  private static final int CONNECTIONS = 40;

  @Test
  void acceptsFailingAtTheOpenFilesLimitMakeOneSummaryLineNotALineEach() throws Exception {
    ServiceProcess service = ServiceProcess.builder().start().awaitStarted(Duration.ofSeconds(60));
    List<Socket> sockets = new ArrayList<>();
    try {
      // the running process gets an open-files limit a few above what it holds now
      long open;
      try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(service.pid()), "fd"))) {
        open = fds.count();
      }
      long limit = open + 4;
      Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(service.pid()),
        "--nofile=" + limit + ":" + limit).inheritIO().start();
      assertEquals(0, prlimit.waitFor(), "prlimit");
      for (int i = 0; i < CONNECTIONS; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", service.httpPort()), 5_000);
        sockets.add(socket);
      }
      String summary = service.lineContaining("not accepted").get(60, TimeUnit.SECONDS);
      assertTrue(summary.contains("PeerErrors - WARN - In the last 10 s: "), summary);
      assertTrue(summary.contains("Too many open files"), summary);
      String log = service.output();
      assertFalse(log.contains("reached at the tail of the pipeline"), log);
      long lines = log.lines().filter(line -> line.contains("Too many open files")).count();
      assertEquals(1, lines, "only the summary names the failure:\n" + log);
    } finally {
      for (Socket socket : sockets) {
        closeQuietly(socket);
      }
      service.close();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
