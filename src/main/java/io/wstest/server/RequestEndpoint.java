package io.wstest.server;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wstest.identity.ServiceIdentity;
import io.wstest.protocol.ReceivedRequest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code ANY /request}: the request as this process received it, as JSON (like traefik/whoami's {@code /api}), with
 * the body's size and SHA-256. The body is hashed as it streams in and never kept; over MAX_MESSAGE_BYTES the
 * answer is 413 and the connection is closed, so a large upload costs no memory.
 */
final class RequestEndpoint {

  private final ServiceIdentity identity;
  private final boolean showCredentials;
  private final long maxBodyBytes;

  RequestEndpoint(ServiceIdentity identity, boolean showCredentials, long maxBodyBytes) {
    this.identity = identity;
    this.showCredentials = showCredentials;
    this.maxBodyBytes = maxBodyBytes;
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    JsonObject received = ReceivedRequest.toJson(request, false, showCredentials);
    String declared = request.getHeader("Content-Length");
    if (declared != null && declaredTooLarge(declared)) {
      tooLarge(ctx);
      return;
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      request.response().writeContinue();
    }
    MessageDigest sha256 = sha256();
    long[] size = {0};
    boolean[] refused = {false};
    request.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      size[0] += chunk.length();
      if (size[0] > maxBodyBytes) {
        refused[0] = true;
        tooLarge(ctx);
      } else {
        sha256.update(chunk.getBytes());
      }
    });
    request.endHandler(v -> {
      if (!refused[0]) {
        Responses.json(ctx, 200, received
          .put("body", new JsonObject()
            .put("bytes", size[0])
            .put("sha256", HexFormat.of().formatHex(sha256.digest()))
            .put("limit_bytes", maxBodyBytes))
          .put("service_identity", identity.toJson()));
      }
    });
    request.resume();
  }

  private boolean declaredTooLarge(String declared) {
    try {
      return Long.parseLong(declared.trim()) > maxBodyBytes;
    } catch (NumberFormatException e) {
      return false; // Netty has already refused a malformed Content-Length
    }
  }

  /** 413, then the connection closes: the rest of the body is not read. */
  private void tooLarge(RoutingContext ctx) {
    ctx.response()
      .setStatusCode(413)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .putHeader("Connection", "close")
      .end(new JsonObject().put("error", "body_too_large")
        .put("message", "/request reads at most " + maxBodyBytes + " bytes of body (MAX_MESSAGE_BYTES)")
        .put("status", 413).encode())
      .onComplete(v -> ctx.request().connection().close());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
