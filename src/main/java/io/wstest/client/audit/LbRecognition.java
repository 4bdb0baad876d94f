package io.wstest.client.audit;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which load balancer answered, from what it showed: the headers it answered with ({@code Server: nginx/1.22.1},
 * {@code x-envoy-upstream-service-time} ...), the headers it added to the request the service received
 * ({@code X-Amzn-Trace-Id}, ingress-nginx's {@code X-Scheme} ...), the cookies it set ({@code AWSALB},
 * {@code INGRESSCOOKIE}), and its own answer to a request it must refuse (nginx's and HAProxy's error pages differ).
 * Pure: every rule is unit-tested.
 *
 * @param type    the balancer, or null when nothing showed which one it is
 * @param because what gave it away (or that nothing did), one line
 * @param given   true when {@code --lb} named it rather than the evidence
 */
public record LbRecognition(LbType type, String because, boolean given) {

  /**
   * What the audit saw of the balancer.
   *
   * @param answerHeaders  headers of its answers (GET /health, the 101 or the refused upgrade)
   * @param requestSeen    the request headers as the service received them through it
   * @param cookies        names of the cookies it set
   * @param refusalAnswer  its answer to a malformed request (status line, headers, start of the body), or null
   */
  public record Evidence(List<Map.Entry<String, String>> answerHeaders, List<Map.Entry<String, String>> requestSeen,
                         List<String> cookies, String refusalAnswer) {
  }

  public static LbRecognition given(LbType type) {
    return new LbRecognition(type, "given with --lb " + type.option(), true);
  }

  public static LbRecognition of(Evidence e) {
    String server = first(e.answerHeaders(), "Server");
    String serverLower = server == null ? "" : server.toLowerCase(Locale.ROOT);
    String refusal = e.refusalAnswer() == null ? "" : e.refusalAnswer();
    String refusalLower = refusal.toLowerCase(Locale.ROOT);
    if (serverLower.startsWith("envoy") || has(e.answerHeaders(), "x-envoy-upstream-service-time")
      || hasPrefix(e.requestSeen(), "x-envoy-")) {
      return found(LbType.ENVOY, serverLower.startsWith("envoy") ? "Server: " + server
        : has(e.answerHeaders(), "x-envoy-upstream-service-time") ? "answers carry x-envoy-upstream-service-time"
        : "the service received x-envoy-* request headers");
    }
    if (serverLower.startsWith("awselb") || refusalLower.contains("server: awselb")) {
      return found(LbType.AWS_ALB, "Server: " + (server == null ? "awselb" : server));
    }
    String albCookie = e.cookies().stream().filter(c -> c.toUpperCase(Locale.ROOT).startsWith("AWSALB")).findFirst()
      .orElse(null);
    if (albCookie != null) {
      return found(LbType.AWS_ALB, "it set the cookie " + albCookie);
    }
    if (has(e.requestSeen(), "X-Amzn-Trace-Id")) {
      return found(LbType.AWS_ALB, "the service received X-Amzn-Trace-Id");
    }
    boolean nginxServer = serverLower.startsWith("nginx");
    boolean nginxPage = refusalLower.contains("<center>nginx");
    if (nginxServer || nginxPage) {
      String how = nginxServer ? "Server: " + server : "its error page is nginx's";
      if (has(e.requestSeen(), "X-Scheme") || has(e.requestSeen(), "X-Forwarded-Scheme")) {
        return found(LbType.INGRESS_NGINX, how + ", and the service received X-Scheme / X-Forwarded-Scheme "
          + "(set by ingress-nginx)");
      }
      if (e.cookies().stream().anyMatch(c -> c.equalsIgnoreCase("INGRESSCOOKIE"))) {
        return found(LbType.INGRESS_NGINX, how + ", and it set the cookie INGRESSCOOKIE");
      }
      return found(LbType.NGINX, how);
    }
    if (serverLower.startsWith("traefik") || has(e.requestSeen(), "X-Forwarded-Server")
      || e.cookies().stream().anyMatch(c -> c.equalsIgnoreCase("_TRAEFIK_BACKEND"))) {
      return found(LbType.TRAEFIK, serverLower.startsWith("traefik") ? "Server: " + server
        : has(e.requestSeen(), "X-Forwarded-Server") ? "the service received X-Forwarded-Server (set by Traefik)"
        : "it set the cookie _TRAEFIK_BACKEND");
    }
    if (refusalLower.contains("your browser sent an invalid request")) {
      return found(LbType.HAPROXY, "its error page is HAProxy's (\"Your browser sent an invalid request.\")");
    }
    return new LbRecognition(null, "not recognised: no Server header, request header, cookie or error page of a "
      + "known load balancer (name it with --lb for its fixes)", false);
  }

  private static LbRecognition found(LbType type, String because) {
    return new LbRecognition(type, because, false);
  }

  private static String first(List<Map.Entry<String, String>> headers, String name) {
    return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
      .orElse(null);
  }

  private static boolean has(List<Map.Entry<String, String>> headers, String name) {
    return first(headers, name) != null;
  }

  private static boolean hasPrefix(List<Map.Entry<String, String>> headers, String prefix) {
    return headers.stream().anyMatch(h -> h.getKey().toLowerCase(Locale.ROOT).startsWith(prefix));
  }

  /** The type's name in the card ("nginx"), or "not recognised". */
  public String shown() {
    return type == null ? "not recognised" : type.displayName();
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", type == null ? null : type.option())
      .put("name", type == null ? null : type.displayName()).put("because", because).put("given", given);
  }
}
