package io.wstest.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * The two servers that speak the JSON protocol: {@code /ws} on the HTTP port and the raw server, which takes
 * any path (a path with a query string here, to prove it).
 */
public enum ProtocolServer {
  HTTP("http", "/ws"),
  RAW("raw", "/any/path?client=test");

  private final String wireName;
  private final String path;

  ProtocolServer(String wireName, String path) {
    this.wireName = wireName;
    this.path = path;
  }

  /** What the {@code server} field of a welcome or info names this server. */
  public String wireName() { return wireName; }

  public String path() { return path; }

  public int port(InProcessService service) {
    return this == HTTP ? service.httpPort() : service.wsPort();
  }

  /**
   * Opens a socket to this server of {@code service}.
   *
   * @param headers handshake headers as name, value, name, value...; a name given twice sends two header lines
   */
  public Future<WsTestClient> connect(Vertx vertx, InProcessService service, String... headers) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port(service))
      .setURI(path);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      options.addHeader(headers[i], headers[i + 1]);
    }
    return WsTestClient.connect(vertx, options);
  }

  /** The other protocol server. */
  public ProtocolServer other() {
    return this == HTTP ? RAW : HTTP;
  }
}
