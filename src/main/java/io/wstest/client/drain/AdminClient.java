package io.wstest.client.drain;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.wstest.client.socket.Failure;
import io.wstest.client.socket.WsTarget;
import io.wstest.wire.Fields;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The service's admin toggles over HTTP ({@code POST}, no body, as the service requires of toggles), with the
 * token as {@code Authorization: Bearer} when there is one. Every request opens its own connection: through a load
 * balancer each one is balanced anew, which is what reaching a given replica after a few tries needs (a kept-alive
 * connection can stay pinned to one replica).
 */
final class AdminClient {

  /** One toggle's answer: the HTTP status and, from the service's JSON, which replica took it; or why none came. */
  record Answer(String request, Integer status, JsonObject body, String failure) {

    boolean accepted() {
      return status != null && status == 202;
    }

    String instanceId() {
      return body == null ? null : body.getString(Fields.INSTANCE_ID);
    }

    String displayName() {
      return body == null ? null : body.getString(Fields.DISPLAY_NAME);
    }

    /** "HTTP 401 (unauthorized)", or the failure: for messages. */
    String describe() {
      if (status == null) {
        return failure;
      }
      String error = body == null ? null : body.getString("error");
      return "HTTP " + status + (error == null ? "" : " (" + error + ")");
    }
  }

  private final HttpClient client;
  private final List<Map.Entry<String, String>> headers;
  private final String adminToken;
  private final Duration timeout;

  AdminClient(Vertx vertx, List<Map.Entry<String, String>> headers, String adminToken, Duration timeout,
              boolean insecure) {
    this.client = vertx.createHttpClient(new HttpClientOptions()
      .setKeepAlive(false)
      .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
      .setTrustAll(insecure)
      .setVerifyHost(!insecure));
    this.headers = headers;
    this.adminToken = adminToken;
    this.timeout = timeout;
  }

  /** {@code POST uri} on the target's host and port over http(s); never fails: no answer becomes a failure. */
  Future<Answer> post(WsTarget target, String uri, Duration requestTimeout) {
    String request = "POST " + uri;
    RequestOptions options = target.httpRequest(HttpMethod.POST, uri, headers, requestTimeout.toMillis());
    if (adminToken != null) {
      options.putHeader("Authorization", "Bearer " + adminToken);
    }
    return client.request(options)
      .compose(req -> req.send().compose(response -> response.body().map(body -> {
        JsonObject json = null;
        try {
          json = body.toJsonObject();
        } catch (RuntimeException notJson) {
          // a load balancer's own error page: the status still says something
        }
        return new Answer(request, response.statusCode(), json, null);
      })))
      .recover(error -> Future.succeededFuture(new Answer(request, null, null,
        Failure.ofRequest(error, target.hostPort(), request).detail())));
  }

  Future<Answer> post(WsTarget target, String uri) {
    return post(target, uri, timeout);
  }

  Future<Void> close() {
    return client.close();
  }
}
