package io.wstest.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A server that speaks only the seed protocol, as the original Python service and the peer servers
 * (peers/go-gorilla, peers/node-ws) do: {@code GET /health} with {@code service_identity}, a welcome that names the
 * instance only inside {@code service_identity} (no top-level {@code instance_id}, no {@code seq}), ping → pong and
 * anything else → echo, without sequence numbers. {@code /ws} on the HTTP port, any path on the raw port; both on
 * 127.0.0.1, on free ports. The identity is the caller's, so a test can also make it hostile.
 */
public final class SeedProtocolServer {

  private final JsonObject identity;
  private HttpServer http;
  private HttpServer raw;

  private SeedProtocolServer(JsonObject identity) {
    this.identity = identity;
  }

  public static Future<SeedProtocolServer> start(Vertx vertx, JsonObject identity) {
    SeedProtocolServer server = new SeedProtocolServer(identity);
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0);
    server.http = vertx.createHttpServer(options).requestHandler(server::onHttp);
    server.raw = vertx.createHttpServer(options).requestHandler(server::onRaw);
    return Future.all(server.http.listen(), server.raw.listen()).map(server);
  }

  public int httpPort() {
    return http.actualPort();
  }

  public int wsPort() {
    return raw.actualPort();
  }

  public Future<Void> close() {
    return Future.join(http.close(), raw.close()).mapEmpty();
  }

  private void onHttp(HttpServerRequest request) {
    if (request.path().equals("/ws") && isUpgrade(request)) {
      request.toWebSocket().onSuccess(this::serve);
    } else if (request.path().equals("/health") || request.path().equals("/")) {
      request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(new JsonObject()
        .put("status", "healthy").put("timestamp", now()).put("active_websocket_connections", 0)
        .put("service", identity.getString("service_name")).put("version", "1.0.0")
        .put("service_identity", identity).encode());
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void onRaw(HttpServerRequest request) {
    if (isUpgrade(request)) {
      request.toWebSocket().onSuccess(this::serve);
    } else {
      request.response().setStatusCode(426).putHeader(HttpHeaders.UPGRADE, "websocket").end();
    }
  }

  private static boolean isUpgrade(HttpServerRequest request) {
    return "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
  }

  private void serve(ServerWebSocket ws) {
    ws.textMessageHandler(text -> {
      JsonObject message;
      try {
        message = new JsonObject(text);
      } catch (RuntimeException e) {
        ws.writeTextMessage(new JsonObject().put("type", "error").put("message", "invalid JSON").encode());
        return;
      }
      if ("ping".equals(message.getValue("type"))) {
        ws.writeTextMessage(new JsonObject().put("type", "pong").put("timestamp", now()).put("original_data", message)
          .encode());
      } else {
        ws.writeTextMessage(new JsonObject().put("type", "echo").put("original_message", message)
          .put("timestamp", now()).put("served_by", identity.getString("display_name")).encode());
      }
    });
    ws.writeTextMessage(new JsonObject().put("type", "welcome")
      .put("message", "Connected to " + identity.getString("display_name")).put("timestamp", now())
      .put("client_ip", ws.remoteAddress().host()).put("service_identity", identity).encode());
  }

  private static String now() {
    return Instant.now().toString();
  }
}
