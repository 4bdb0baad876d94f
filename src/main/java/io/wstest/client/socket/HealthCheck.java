package io.wstest.client.socket;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.wstest.wire.Fields;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code GET /health} on the target, as the seed's client did first: who answers, and is anyone there at all. */
public final class HealthCheck {

  /** What test-lb says when the health URL's port answers HTTP 426: it speaks only WebSocket. */
  public static final String NOT_ON_THIS_PORT = "health endpoint not on this port (raw WebSocket server)";

  /**
   * The outcome: {@code failure} is null when the service answered 200 with its identity, or when there was
   * nothing to check, and then {@code skipped} says why (the port serves only WebSockets).
   */
  public record Result(String url, Integer status, JsonObject body, Failure failure, String skipped) {
    /** The health check did not fail: it passed, or it was {@link #skipped()}. */
    public boolean ok() {
      return failure == null;
    }

    public String displayName() {
      JsonObject identity = body == null ? null : body.getJsonObject(Fields.SERVICE_IDENTITY);
      return identity == null ? null : identity.getString(Fields.DISPLAY_NAME);
    }

    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("url", url).put("ok", ok()).put("status", status);
      if (displayName() != null) {
        json.put(Fields.DISPLAY_NAME, displayName());
      }
      if (failure != null) {
        json.put("failure", failure.toJson());
      }
      if (skipped != null) {
        json.put("skipped", skipped);
      }
      return json;
    }
  }

  private final HttpClient client;
  private final List<Map.Entry<String, String>> headers;
  private final Duration timeout;

  public HealthCheck(Vertx vertx, List<Map.Entry<String, String>> headers, Duration timeout, boolean insecure) {
    this.client = vertx.createHttpClient(new HttpClientOptions()
      .setConnectTimeout((int) timeout.toMillis())
      .setTrustAll(insecure)
      .setVerifyHost(!insecure));
    this.headers = headers;
    this.timeout = timeout;
  }

  public Future<Result> check(WsTarget target) {
    String url = target.healthUrl();
    return client.request(target.httpRequest(HttpMethod.GET, "/health", headers, timeout.toMillis()))
      .compose(req -> req.send().compose(response -> response.body().map(body -> answer(url, response.statusCode(), body))))
      .recover(error -> Future.succeededFuture(new Result(url, null, null,
        Failure.ofRequest(error, target.hostPort(), "GET /health"), null)));
  }

  /**
   * {@code GET /cluster} on the health target's host and port: the service's own view of its replicas. Never
   * fails: no answer becomes a {@link ClusterView} with a failure.
   */
  public Future<ClusterView> cluster(WsTarget target) {
    String url = (target.ssl() ? "https://" : "http://") + target.hostPort() + "/cluster";
    return client.request(target.httpRequest(HttpMethod.GET, "/cluster", headers, timeout.toMillis()))
      .compose(req -> req.send().compose(response -> response.body().map(body -> {
        JsonObject json = null;
        try {
          json = body.toJsonObject();
        } catch (RuntimeException notJson) {
          // a load balancer's own error page, or another service: the status still says something
        }
        Failure failure = json == null && response.statusCode() != 404 ? Failure.of(FailureKind.PROTOCOL, "cluster",
          "HTTP " + response.statusCode() + " but not this service's JSON: " + Failure.excerpt(body.toString())) : null;
        return new ClusterView(url, response.statusCode(), json, failure);
      })))
      .recover(error -> Future.succeededFuture(new ClusterView(url, null, null,
        Failure.ofRequest(error, target.hostPort(), "GET /cluster"))));
  }

  private static Result answer(String url, int status, Buffer body) {
    JsonObject json = null;
    try {
      json = body.toJsonObject();
    } catch (RuntimeException notJson) {
      // reported below as a protocol failure
    }
    if (status == 426) {
      // Upgrade Required: a WebSocket-only port, such as this service's raw server (--url ws://host:8765/)
      return new Result(url, status, json, null, NOT_ON_THIS_PORT);
    }
    if (status != 200) {
      return new Result(url, status, json, new Failure(FailureKind.HANDSHAKE_STATUS, "health",
        "HTTP " + status + (body.length() == 0 ? "" : ": " + Failure.excerpt(body.toString())), status, null), null);
    }
    if (json == null || json.getJsonObject(Fields.SERVICE_IDENTITY) == null) {
      return new Result(url, status, json, Failure.of(FailureKind.PROTOCOL, "health",
        "200 but not this service's health JSON: " + Failure.excerpt(body.toString())), null);
    }
    return new Result(url, status, json, null, null);
  }

  public Future<Void> close() {
    return client.close();
  }
}
