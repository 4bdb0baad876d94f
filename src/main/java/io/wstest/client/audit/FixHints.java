package io.wstest.client.audit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The one table of configuration fixes the audit's report card prints: for each thing that can be wrong
 * ({@link Topic}) and each load balancer it recognises ({@link LbType}), one line. docs/test-lb.md shows the same
 * table ("Fix hints"); FixHintsTest keeps every cell filled.
 */
public final class FixHints {

  /** What a card line can ask to fix. */
  public enum Topic {
    UPGRADE, SUBPROTOCOL, COMPRESSION, CUSTOM_HEADER, HOST, ORIGIN, CLIENT_IP, HTTP_VERSION, MESSAGE_SIZE,
    SPREAD, MAKE_STICKY, REMOVE_STICKY, IDLE_TIMEOUT, KEEPALIVE, DRAIN
  }

  /** For a balancer that was not recognised: these three, the most common, on one line. */
  static final List<LbType> WHEN_UNRECOGNISED = List.of(LbType.NGINX, LbType.HAPROXY, LbType.INGRESS_NGINX);

  private static final Map<Topic, Map<LbType, String>> TABLE = new EnumMap<>(Topic.class);

  static {
    row(Topic.UPGRADE,
      "proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "
        + "$connection_upgrade; (with map $http_upgrade $connection_upgrade { default upgrade; '' close; })",
      "upgrades pass by default: remove configuration-snippet lines that set Upgrade or Connection",
      "mode http passes upgrades: remove option httpclose and any http-request set-header/del-header Upgrade or "
        + "Connection",
      "upgrade_configs: [{upgrade_type: websocket}] on the HttpConnectionManager (or the route)",
      "HTTP/HTTPS listeners upgrade by default: the target group's protocol version must be HTTP1",
      "a TCP listener passes the upgrade untouched: look at the proxy behind it",
      "upgrades pass by default: remove headers middlewares that set or strip Upgrade/Connection");
    row(Topic.SUBPROTOCOL,
      "do not clear Sec-WebSocket-Protocol: no proxy_set_header Sec-WebSocket-Protocol \"\"; no proxy_hide_header "
        + "Sec-WebSocket-Protocol",
      "remove configuration-snippet lines that touch Sec-WebSocket-Protocol",
      "no http-request/http-response del-header Sec-WebSocket-Protocol",
      "no request_headers_to_remove/response_headers_to_remove for sec-websocket-protocol",
      "passed as is: look for a WAF rule or edge function that strips Sec-WebSocket-Protocol",
      "passed as is (TCP): look at the proxy behind it",
      "no headers middleware that empties Sec-WebSocket-Protocol (customRequestHeaders)");
    row(Topic.COMPRESSION,
      "no proxy_set_header Sec-WebSocket-Extensions \"\"; (nginx passes it by default)",
      "remove configuration-snippet lines that clear Sec-WebSocket-Extensions",
      "no http-request del-header Sec-WebSocket-Extensions",
      "no request_headers_to_remove for sec-websocket-extensions",
      "passed as is: look for a WAF rule or edge function that strips Sec-WebSocket-Extensions",
      "passed as is (TCP): look at the proxy behind it",
      "no headers middleware that empties Sec-WebSocket-Extensions");
    row(Topic.CUSTOM_HEADER,
      "underscores_in_headers on; when the name has '_'; no proxy_pass_request_headers off; no proxy_set_header "
        + "NAME \"\"",
      "enable-underscores-in-headers: \"true\" in the ConfigMap when the name has '_'; no snippet clearing it",
      "no http-request del-header for it",
      "no request_headers_to_remove for it; headers_with_underscores_action: ALLOW when the name has '_'",
      "routing.http.drop_invalid_header_fields.enabled=false when the name is not a plain token",
      "passed as is (TCP): look at the proxy behind it",
      "no headers middleware that removes it");
    row(Topic.HOST,
      "proxy_set_header Host $host; (nginx sends the upstream's name, $proxy_host, by default)",
      "remove the nginx.ingress.kubernetes.io/upstream-vhost annotation",
      "remove http-request set-header Host (HAProxy keeps the Host sent)",
      "remove host_rewrite_literal / auto_host_rewrite from the route",
      "remove the listener rule's host header transform",
      "passed as is (TCP): look at the proxy behind it",
      "passHostHeader: true on the service (the default)");
    row(Topic.ORIGIN,
      "no proxy_set_header Origin",
      "remove configuration-snippet lines that rewrite Origin",
      "no http-request set-header/del-header Origin",
      "no request_headers_to_add/remove for origin",
      "passed as is: look for a WAF rule or edge function that rewrites Origin",
      "passed as is (TCP): look at the proxy behind it",
      "no headers middleware that rewrites Origin");
    row(Topic.CLIENT_IP,
      "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; (set it to $remote_addr at the edge)",
      "use-forwarded-headers / compute-full-forwarded-for in the ConfigMap; Service externalTrafficPolicy: Local",
      "option forwardfor (mode http), or send-proxy-v2 on the server lines to the service's PROXY port",
      "use_remote_address: true and xff_num_trusted_hops on the HttpConnectionManager",
      "routing.http.xff_header_processing.mode=append (the default) on the load balancer",
      "proxy_protocol_v2.enabled=true on the target group with the service's PROXY port, or preserve_client_ip",
      "forwardedHeaders.trustedIPs on the entry point (X-Forwarded-For is set by default)");
    row(Topic.HTTP_VERSION,
      "proxy_http_version 1.1;",
      "HTTP/1.1 upstream by default: remove snippets that set proxy_http_version 1.0",
      "HTTP/1.1 to servers by default: remove proto h2 from the server lines",
      "http_protocol_options (HTTP/1.1) on the cluster, not http2_protocol_options",
      "target group protocol version HTTP1",
      "passed as is (TCP): look at the proxy behind it",
      "servers as http:// URLs, not h2c://");
    row(Topic.MESSAGE_SIZE,
      "nginx sets no WebSocket message limit: look for a WAF module in front of it",
      "ModSecurity body limits (SecRequestBodyLimit in nginx.ingress.kubernetes.io/modsecurity-snippet)",
      "tune.bufsize large enough for the largest frame (global section)",
      "raise per_connection_buffer_limit_bytes and any buffer filter's max_request_bytes",
      "keep messages below the balancer's fixed frame limits (split larger ones)",
      "no limit of its own (TCP): look at the proxy behind it",
      "look for a WAF in front: the buffering middleware does not apply to WebSockets");
    row(Topic.SPREAD,
      "remove ip_hash / hash / sticky from the upstream; least_conn; spreads long-lived sockets best",
      "remove nginx.ingress.kubernetes.io/affinity and upstream-hash-by; Service sessionAffinity: None",
      "balance leastconn (or roundrobin); no stick on src; every server UP",
      "lb_policy: LEAST_REQUEST (or ROUND_ROBIN), no hash_policy on the source address",
      "stickiness.enabled=false on the target group; several healthy targets",
      "several healthy targets and cross-zone load balancing on; stickiness.enabled=false",
      "no loadBalancer.sticky on the service; several servers");
    row(Topic.MAKE_STICKY,
      "hash $remote_addr consistent; in the upstream (open-source nginx has no cookie stickiness; ip_hash groups "
        + "IPv4 /24s)",
      "nginx.ingress.kubernetes.io/affinity: cookie (and session-cookie-name)",
      "cookie SRV insert indirect nocache in the backend, cookie NAME on each server line",
      "lb_policy: RING_HASH with a cookie hash_policy on the route",
      "stickiness.enabled=true, stickiness.type=lb_cookie on the target group",
      "stickiness.enabled=true on the target group (by source address)",
      "loadBalancer.sticky.cookie on the service");
    row(Topic.REMOVE_STICKY,
      "remove ip_hash / hash $remote_addr / sticky from the upstream",
      "remove nginx.ingress.kubernetes.io/affinity; Service sessionAffinity: None",
      "remove the cookie line (and cookie on the server lines) and any stick on src",
      "lb_policy ROUND_ROBIN or LEAST_REQUEST, no hash_policy",
      "stickiness.enabled=false on the target group",
      "stickiness.enabled=false on the target group",
      "remove loadBalancer.sticky from the service");
    row(Topic.IDLE_TIMEOUT,
      "proxy_read_timeout 3600s; proxy_send_timeout 3600s; in the WebSocket location (default 60s)",
      "nginx.ingress.kubernetes.io/proxy-read-timeout: \"3600\" and proxy-send-timeout: \"3600\"",
      "timeout tunnel 1h in the defaults or the backend (the idle timeout after the upgrade)",
      "idle_timeout: 3600s on the route and stream_idle_timeout on the HttpConnectionManager",
      "idle_timeout.timeout_seconds=3600 on the load balancer (default 60)",
      "tcp.idle_timeout.seconds on the listener, up to 6000 (default 350)",
      "respondingTimeouts.idleTimeout on the entry point (and the serversTransport's idle timeout)");
    row(Topic.KEEPALIVE,
      "any frame resets proxy_read_timeout: send pings more often than it, or raise it",
      "any frame resets proxy-read-timeout: send pings more often than it, or raise it",
      "any frame resets timeout tunnel: send pings more often than it, or raise it",
      "any frame resets the idle timeouts: send pings more often than them, or raise them",
      "any frame resets idle_timeout.timeout_seconds: send pings more often than it",
      "any TCP segment resets tcp.idle_timeout.seconds: send pings more often than it",
      "any frame resets the idle timeout: send pings more often than it");
    row(Topic.DRAIN,
      "on reloads worker_shutdown_timeout above DRAIN_DELAY + SHUTDOWN_GRACE; pods' terminationGracePeriodSeconds "
        + "above the same",
      "readinessProbe on /readyz, terminationGracePeriodSeconds above DRAIN_DELAY + SHUTDOWN_GRACE, "
        + "worker-shutdown-timeout in the ConfigMap",
      "option httpchk GET /readyz and check on each server line; hard-stop-after above SHUTDOWN_GRACE for reloads",
      "health_checks on /readyz for the cluster; drain_timeout above SHUTDOWN_GRACE",
      "health check path /readyz; deregistration_delay.timeout_seconds above DRAIN_DELAY + SHUTDOWN_GRACE",
      "health check /readyz; deregistration_delay.timeout_seconds above DRAIN_DELAY + SHUTDOWN_GRACE",
      "healthCheck path /readyz on the service; lifeCycle.graceTimeOut above SHUTDOWN_GRACE");
  }

  private FixHints() {
  }

  /** One row of the table, its cells in the order of {@link LbType}. */
  private static void row(Topic topic, String... cells) {
    if (cells.length != LbType.values().length) {
      throw new IllegalStateException(topic + ": " + cells.length + " cells, not one per load balancer type");
    }
    Map<LbType, String> row = new EnumMap<>(LbType.class);
    for (LbType type : LbType.values()) {
      row.put(type, cells[type.ordinal()]);
    }
    TABLE.put(topic, row);
  }

  /** The fix for one balancer: "nginx: proxy_read_timeout 3600s; ...". */
  public static String forLb(Topic topic, LbType lb) {
    return lb.displayName() + ": " + TABLE.get(topic).get(lb);
  }

  /**
   * The fix for the recognised balancer, or when none was recognised (null) the fixes for nginx, HAProxy and
   * ingress-nginx on one line, separated by " | ".
   */
  public static String fix(Topic topic, LbType lb) {
    if (lb != null) {
      return forLb(topic, lb);
    }
    List<String> parts = new ArrayList<>();
    WHEN_UNRECOGNISED.forEach(type -> parts.add(forLb(topic, type)));
    return String.join(" | ", parts);
  }

  /** The bare cell, for the documentation table and its test. */
  public static String cell(Topic topic, LbType lb) {
    return TABLE.get(topic).get(lb);
  }
}
