package io.wstest.client.socket;

import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;

/**
 * A failed connection attempt: its kind, the step it failed in (connect, welcome, pong), a one-line detail,
 * and the HTTP status (non-101 upgrades) or close code (sockets closed early) when there is one.
 */
public record Failure(FailureKind kind, String stage, String detail, Integer httpStatus, Short closeCode) {

  private static final int BODY_EXCERPT = 200;

  /** No server answered at all: the name did not resolve, the port refused, or the handshake never started. */
  public boolean unreachable() {
    return stage.equals("connect")
      && (kind == FailureKind.DNS || kind == FailureKind.REFUSED || kind == FailureKind.TIMEOUT);
  }

  public static Failure of(FailureKind kind, String stage, String detail) {
    return new Failure(kind, stage, detail, null, null);
  }

  public static Failure closed(String stage, Short code, String reason) {
    String detail = "closed by the server before the " + stage
      + (code == null ? " without a close frame (1006)" : " with code " + code)
      + (reason == null || reason.isEmpty() ? "" : ": " + reason);
    return new Failure(FailureKind.CLOSED, stage, detail, null, code == null ? 1006 : code);
  }

  /** Turns a connect-step exception into a failure whose detail reads without a stack trace. */
  public static Failure ofConnect(Throwable error, String hostPort) {
    FailureKind kind = FailureKind.classify(error);
    switch (kind) {
      case HANDSHAKE_STATUS: {
        UpgradeRejectedException rejected = find(error, UpgradeRejectedException.class);
        String body = rejected.getBody() == null ? "" : excerpt(rejected.getBody().toString());
        return new Failure(kind, "connect", "upgrade rejected with HTTP " + rejected.getStatus()
          + " (expected 101 Switching Protocols)" + (body.isEmpty() ? "" : ", body: " + body),
          rejected.getStatus(), null);
      }
      case DNS:
        return of(kind, "connect", "unknown host: cannot resolve " + hostPort);
      case REFUSED:
        return of(kind, "connect", "connection refused by " + hostPort + " (nothing listening?)");
      case TIMEOUT:
        return of(kind, "connect", "no WebSocket handshake with " + hostPort + " within the timeout");
      case TLS:
        return of(kind, "connect", "TLS handshake with " + hostPort + " failed: " + rootMessage(error)
          + " (use --insecure for self-signed certificates)");
      default:
        return of(kind, "connect", rootMessage(error));
    }
  }

  /**
   * Like {@link #ofConnect} for a plain HTTP request such as the health check: a timeout there means no HTTP
   * answer, not a missing WebSocket handshake.
   */
  public static Failure ofRequest(Throwable error, String hostPort, String request) {
    Failure failure = ofConnect(error, hostPort);
    return failure.kind() != FailureKind.TIMEOUT ? failure : of(FailureKind.TIMEOUT, failure.stage(),
      "no HTTP answer to " + request + " from " + hostPort + " within the timeout");
  }

  public static String excerpt(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= BODY_EXCERPT ? oneLine : oneLine.substring(0, BODY_EXCERPT) + "...";
  }

  public static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new IllegalArgumentException("no " + type.getSimpleName() + " in " + error);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("kind", kind.label()).put("stage", stage).put("detail", detail);
    if (httpStatus != null) {
      json.put("http_status", httpStatus);
    }
    if (closeCode != null) {
      json.put("close_code", closeCode);
    }
    return json;
  }
}
