package io.wstest.lab;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy's runtime API, the admin socket the lab's haproxy.cfg opens in the lab directory (the load-balancer tests,
 * which run the same template, use it too).
 */
public final class HaproxyRuntime {

  /** The socket's file name, as haproxy-lb.cfg.template names it under the runtime directory. */
  public static final String SOCKET = "admin.sock";
  /** The "status" column of "show stat" (CSV, 0-based). */
  private static final int STATUS = 17;

  private final Path socket;

  public HaproxyRuntime(Path socket) {
    this.socket = socket;
  }

  /**
   * HAProxy sends nothing to a server before its first readiness check passed, and says so only here: asks
   * "show stat" every 100 ms until every server of both backends is UP. Returns null when they are, else the last
   * answer once {@code deadline} (a {@link System#nanoTime()}) passed.
   */
  public String awaitServersUp(long deadline) {
    String stat = "";
    while (System.nanoTime() < deadline) {
      stat = command("show stat");
      List<String> servers = stat.lines().filter(line -> line.startsWith("be_"))
        .filter(line -> !line.contains(",BACKEND,")).toList();
      if (!servers.isEmpty() && servers.stream().allMatch(line -> {
        String[] fields = line.split(",", -1);
        return fields.length > STATUS && fields[STATUS].startsWith("UP");
      })) {
        return null;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return stat;
      }
    }
    return stat;
  }

  /** One command and its whole answer; empty while the socket does not accept yet. */
  public String command(String command) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      StringBuilder reply = new StringBuilder();
      while (channel.read(buffer) > 0) {
        buffer.flip();
        reply.append(StandardCharsets.UTF_8.decode(buffer));
        buffer.clear();
      }
      return reply.toString();
    } catch (IOException e) {
      return "";
    }
  }
}
