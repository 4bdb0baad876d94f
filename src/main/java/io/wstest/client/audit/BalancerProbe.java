package io.wstest.client.audit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.wstest.client.socket.WsTarget;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two plain HTTP requests to the balancer for {@link LbRecognition}: {@code GET /health} (whose answer carries the
 * balancer's Server header, if it adds one) and one with a header line that has no colon, which a balancer must
 * refuse itself, with its own error page. Each is one TCP (or TLS) connection, {@code Connection: close}, bounded
 * by the timeout and by {@value #MAX_ANSWER} bytes read; an answer that does not come is no evidence, not an error.
 */
final class BalancerProbe {

  static final int MAX_ANSWER = 16 * 1024;
  /** A header line without a colon: invalid HTTP/1.1 that balancers refuse with their own 400 page. */
  static final String MALFORMED_LINE = "X-Wstest-Probe no-colon-here";

  /** The two answers, each as received (status line, headers, start of the body), or null. */
  record Answers(String health, String refusal) {

    /** Their status lines, for the report: what the balancer answered itself. */
    JsonObject toJson() {
      return new JsonObject().put("health", statusLine(health)).put("malformed_request", statusLine(refusal));
    }

    private static String statusLine(String answer) {
      if (answer == null) {
        return null;
      }
      int end = answer.indexOf('\n');
      return (end < 0 ? answer : answer.substring(0, end)).trim();
    }

    /** The headers of the {@code GET /health} answer. */
    List<Map.Entry<String, String>> healthHeaders() {
      return headers(health);
    }
  }

  private final Vertx vertx;
  private final long timeoutMs;
  /** Kept in a field: a client only referenced from a local variable can be cleaned up mid-request. */
  private final NetClient client;

  /** The user's {@code --header} values, sent on both requests as on every other (a Host or a credential). */
  private final String extraHeaders;

  BalancerProbe(Vertx vertx, List<Map.Entry<String, String>> headers, long timeoutMs, boolean insecure) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    StringBuilder lines = new StringBuilder();
    headers.forEach(h -> lines.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
    this.extraHeaders = lines.toString();
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeoutMs)
      .setTrustAll(insecure).setHostnameVerificationAlgorithm(insecure ? "" : "HTTPS"));
  }

  Future<Answers> probe(WsTarget target) {
    String host = extraHeaders.regionMatches(true, 0, "Host:", 0, 5) || extraHeaders.toLowerCase(Locale.ROOT)
      .contains("\r\nhost:") ? "" : "Host: " + target.hostPort() + "\r\n";
    Future<String> health = ask(target, "GET /health HTTP/1.1\r\n" + host + extraHeaders
      + "Accept: application/json\r\nConnection: close\r\n\r\n");
    return health.compose(h -> ask(target, "GET " + target.path() + " HTTP/1.1\r\n" + host + extraHeaders
      + MALFORMED_LINE + "\r\nConnection: close\r\n\r\n").map(r -> new Answers(h, r)));
  }

  /** Sends {@code request} and completes with what came back until the close, the limit or the timeout (or null). */
  private Future<String> ask(WsTarget target, String request) {
    Promise<String> answer = Promise.promise();
    Buffer received = Buffer.buffer();
    ConnectOptions options = new ConnectOptions().setHost(target.host()).setPort(target.port()).setSsl(target.ssl())
      .setTimeout((int) timeoutMs);
    if (target.ssl() && !isAddress(target.host())) {
      options.setSniServerName(target.host()); // an ingress picks its certificate and route by it
    }
    client.connect(options).onComplete(connected -> {
        if (connected.failed()) {
          answer.tryComplete(null);
          return;
        }
        NetSocket socket = connected.result();
        long timer = vertx.setTimer(timeoutMs, id -> {
          answer.tryComplete(received.length() == 0 ? null : received.toString(StandardCharsets.ISO_8859_1));
          socket.close();
        });
        socket.handler(data -> {
          received.appendBuffer(data.length() > MAX_ANSWER - received.length()
            ? data.slice(0, MAX_ANSWER - received.length()) : data);
          if (received.length() >= MAX_ANSWER) {
            vertx.cancelTimer(timer);
            answer.tryComplete(received.toString(StandardCharsets.ISO_8859_1));
            socket.close();
          }
        });
        socket.closeHandler(v -> {
          vertx.cancelTimer(timer);
          answer.tryComplete(received.length() == 0 ? null : received.toString(StandardCharsets.ISO_8859_1));
        });
        socket.write(request);
      });
    return answer.future();
  }

  private static boolean isAddress(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  Future<Void> close() {
    return client.close();
  }

  /** The header lines of an HTTP answer, up to the blank line. */
  static List<Map.Entry<String, String>> headers(String answer) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    if (answer == null) {
      return headers;
    }
    String[] lines = answer.split("\r?\n", -1);
    for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.add(Map.entry(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()));
      }
    }
    return headers;
  }
}
