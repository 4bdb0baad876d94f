package io.wstest.client.handshake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.handshake.HandshakeObservation.Attempt;
import io.wstest.client.handshake.HandshakeObservation.Ladder;
import io.wstest.client.handshake.HandshakeObservation.Latency;
import io.wstest.wire.Fields;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Judges a {@link HandshakeObservation}: one {@link HandshakeCheck} per thing the load balancer may have changed,
 * in a fixed order. Pure: no I/O, so every judgement is unit-tested on its own.
 */
public final class HandshakeChecks {

  public static final String UPGRADE = "upgrade";
  public static final String SUBPROTOCOL = "subprotocol";
  public static final String COMPRESSION = "compression";
  public static final String MARKER = "custom header";
  public static final String HOST = "host";
  public static final String ORIGIN = "origin";
  public static final String CLIENT_IP = "client ip";
  public static final String HTTP_VERSION = "http version";
  public static final String TLS = "tls";
  public static final String MESSAGE_SIZE = "message size";
  public static final String LATENCY = "latency";

  static final String UPGRADE_FIX = "nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; "
    + "proxy_set_header Connection \"upgrade\"; | HAProxy: mode http passes the upgrade (no option httpclose) | "
    + "ingress-nginx: supported by default (check configuration-snippet does not clear Upgrade/Connection)";
  static final String SUBPROTOCOL_FIX = "nginx: do not clear Sec-WebSocket-Protocol (no proxy_set_header "
    + "Sec-WebSocket-Protocol \"\"; no proxy_hide_header for it) | HAProxy: no http-request/response del-header "
    + "Sec-WebSocket-Protocol | ingress-nginx: remove snippets that touch Sec-WebSocket-Protocol";
  static final String COMPRESSION_FIX = "nginx: pass Sec-WebSocket-Extensions (it does by default; no "
    + "proxy_set_header Sec-WebSocket-Extensions \"\") | HAProxy: no del-header Sec-WebSocket-Extensions | "
    + "ingress-nginx: remove snippets that clear Sec-WebSocket-Extensions";
  static final String MARKER_FIX = "nginx: underscores_in_headers on if the name has '_', and no "
    + "proxy_pass_request_headers off | HAProxy: no http-request del-header for it | ingress-nginx: allow it in "
    + "the ConfigMap (no header allow-list)";
  static final String HOST_FIX = "nginx: proxy_set_header Host $host; (the default sends $proxy_host) | HAProxy: "
    + "keeps Host unless http-request set-header Host | ingress-nginx: drop the upstream-vhost annotation";
  static final String ORIGIN_FIX = "nginx: no proxy_set_header Origin | HAProxy: no set-header/del-header Origin | "
    + "ingress-nginx: remove snippets that rewrite Origin";
  static final String CLIENT_IP_FIX = "nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; | "
    + "HAProxy: option forwardfor (or send-proxy to PROXY_HTTP_PORT) | ingress-nginx: use-forwarded-headers / "
    + "compute-full-forwarded-for in the ConfigMap, externalTrafficPolicy: Local";
  static final String SPOOF_FIX = "nginx: set X-Forwarded-For to $remote_addr at the edge (not "
    + "$proxy_add_x_forwarded_for) or trust only known proxies (set_real_ip_from) | HAProxy: http-request "
    + "del-header X-Forwarded-For before option forwardfor | ingress-nginx: use-forwarded-headers false at the edge";
  static final String HTTP_VERSION_FIX = "nginx: proxy_http_version 1.1; | HAProxy: HTTP/1.1 to servers by "
    + "default | ingress-nginx: HTTP/1.1 by default";
  static final String SIZE_FIX = "raise the balancer's WebSocket message or frame limit | nginx: no message "
    + "limit of its own, look for a WAF module in front | HAProxy: tune.bufsize (a frame must fit) | ingress-nginx: "
    + "WAF (ModSecurity) body limits; cloud balancers have fixed frame limits (API gateways: 32-128 KB)";

  private HandshakeChecks() {
  }

  public static List<HandshakeCheck> evaluate(HandshakeObservation o) {
    List<HandshakeCheck> checks = new ArrayList<>();
    checks.add(upgrade(o.upgrade()));
    boolean upgraded = o.upgrade().upgraded();
    checks.add(subprotocol(o.subprotocolOffered(), o.subprotocol()));
    JsonObject request = upgraded ? request(o.upgrade().welcome()) : null;
    if (request == null) {
      String why = upgraded ? "the welcome has no request (a server older than this client?)"
        : "no WebSocket through the load balancer (see upgrade)";
      for (String name : List.of(COMPRESSION, MARKER, HOST, ORIGIN, CLIENT_IP, HTTP_VERSION, TLS)) {
        checks.add(HandshakeCheck.skipped(name, why));
      }
    } else {
      checks.add(compression(o.upgrade()));
      checks.add(marker(request, o.markerName(), o.markerValue()));
      checks.add(host(request, o.sentHost()));
      checks.add(origin(request, o.sentOrigin()));
      checks.add(clientIp(o.upgrade().welcome(), o.direct()));
      checks.add(httpVersion(request));
      checks.add(tls(o.clientScheme(), request));
    }
    checks.add(messageSize(o.ladder(), upgraded));
    checks.add(latency(o.latency(), o.direct()));
    return checks;
  }

  static HandshakeCheck upgrade(Attempt a) {
    if (a.status() != null && a.status() == 101) {
      return HandshakeCheck.pass(UPGRADE, "101 Switching Protocols");
    }
    if (a.status() == null) {
      return HandshakeCheck.fail(UPGRADE, "no HTTP answer: " + a.failure(), "check the balancer's address, "
        + "port and listener (ws:// vs wss://)");
    }
    JsonObject diagnosis = json(a.body());
    if (diagnosis != null && diagnosis.getValue("problems") instanceof JsonArray problems) {
      List<String> named = new ArrayList<>();
      for (Object p : problems) {
        if (p instanceof JsonObject problem) {
          named.add(problem.getString("field", problem.getString("reason", "?")) + ": "
            + problem.getString("message", problem.getString("reason", "")));
        }
      }
      String fix = fixes(diagnosis.getJsonObject("fix"));
      return HandshakeCheck.fail(UPGRADE, "HTTP " + a.status() + " from the server, which says the upgrade "
        + "request reached it broken: " + String.join("; ", named), fix.isEmpty() ? UPGRADE_FIX : fix);
    }
    return HandshakeCheck.fail(UPGRADE, "HTTP " + a.status() + " instead of 101"
      + (a.body() == null || a.body().isBlank() ? "" : ", body: " + excerpt(a.body())), UPGRADE_FIX);
  }

  /** The 426 answer's {@code fix} object as one line: nginx, HAProxy, ingress-nginx. */
  private static String fixes(JsonObject fix) {
    if (fix == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (String[] lb : new String[][] {{"nginx", "nginx"}, {"haproxy", "HAProxy"}, {"ingress_nginx", "ingress-nginx"}}) {
      Object value = fix.getValue(lb[0]);
      if (value != null) {
        parts.add(lb[1] + ": " + oneLine(value));
      }
    }
    return String.join(" | ", parts);
  }

  private static String oneLine(Object value) {
    if (value instanceof JsonArray array) {
      List<String> lines = new ArrayList<>();
      array.forEach(v -> lines.add(String.valueOf(v)));
      return String.join(" ", lines);
    }
    return String.valueOf(value).replace('\n', ' ').trim();
  }

  static HandshakeCheck subprotocol(String offered, Attempt a) {
    if (a == null) {
      return HandshakeCheck.skipped(SUBPROTOCOL, "not tested");
    }
    if (!a.upgraded()) {
      if (a.status() != null && a.status() != 101) {
        return HandshakeCheck.skipped(SUBPROTOCOL, "offering " + offered + ": HTTP " + a.status()
          + " (see upgrade)");
      }
      if (a.failure() != null && a.failure().toLowerCase(Locale.ROOT).contains("subprotocol")) {
        return HandshakeCheck.fail(SUBPROTOCOL, "offered " + offered + ", the 101 came back without it: the "
          + "balancer removed Sec-WebSocket-Protocol (a browser fails such a connection)", SUBPROTOCOL_FIX);
      }
      return HandshakeCheck.fail(SUBPROTOCOL, "offering " + offered + " the handshake failed: " + a.failure(),
        SUBPROTOCOL_FIX);
    }
    List<String> seen = strings(a.welcome().getValue(Fields.SUBPROTOCOLS_OFFERED));
    String selected = a.welcome().getString(Fields.SUBPROTOCOL);
    String measured = "offered " + offered + "; the server saw " + (seen.isEmpty() ? "none" : String.join(", ", seen))
      + ", selected " + (selected == null ? "none" : selected) + "; the client got back "
      + (a.subprotocol() == null ? "none" : a.subprotocol());
    if (!seen.contains(offered)) {
      return HandshakeCheck.fail(SUBPROTOCOL, measured, SUBPROTOCOL_FIX);
    }
    if (selected == null) {
      return HandshakeCheck.warn(SUBPROTOCOL, measured + " (the server's SUBPROTOCOLS does not select it)",
        "set SUBPROTOCOLS=* or list " + offered + " on the server");
    }
    if (!selected.equals(a.subprotocol())) {
      return HandshakeCheck.fail(SUBPROTOCOL, measured, SUBPROTOCOL_FIX);
    }
    return HandshakeCheck.pass(SUBPROTOCOL, measured);
  }

  static HandshakeCheck compression(Attempt a) {
    List<String> offered = strings(a.welcome().getValue(Fields.EXTENSIONS_OFFERED));
    List<String> accepted = strings(a.welcome().getValue(Fields.EXTENSIONS));
    String got = header(a.responseHeaders(), "Sec-WebSocket-Extensions");
    boolean reached = offered.stream().anyMatch(e -> e.toLowerCase(Locale.ROOT).startsWith("permessage-deflate"));
    if (!reached) {
      return HandshakeCheck.warn(COMPRESSION, "permessage-deflate offered, the server saw "
        + (offered.isEmpty() ? "no extensions" : String.join(", ", offered)) + ": the balancer removed "
        + "Sec-WebSocket-Extensions (messages go uncompressed)", COMPRESSION_FIX);
    }
    if (accepted.isEmpty()) {
      return HandshakeCheck.skipped(COMPRESSION, "permessage-deflate reached the server, which does not "
        + "compress (WS_COMPRESSION=false)");
    }
    if (got == null || !got.toLowerCase(Locale.ROOT).contains("permessage-deflate")) {
      return HandshakeCheck.fail(COMPRESSION, "the server accepted " + String.join(", ", accepted)
        + " but the 101 the client got has " + (got == null ? "no Sec-WebSocket-Extensions" : got)
        + ": compressed messages would not be understood", COMPRESSION_FIX);
    }
    return HandshakeCheck.pass(COMPRESSION, "permessage-deflate negotiated: " + got);
  }

  static HandshakeCheck marker(JsonObject request, String name, String value) {
    List<String> values = headerValues(request, name);
    if (values.isEmpty()) {
      return HandshakeCheck.fail(MARKER, name + " did not reach the server", MARKER_FIX);
    }
    if (!values.contains(value)) {
      return HandshakeCheck.fail(MARKER, name + " arrived changed: sent " + value + ", the server saw "
        + String.join(", ", values), MARKER_FIX);
    }
    return HandshakeCheck.pass(MARKER, name + ": " + value + " arrived unchanged");
  }

  static HandshakeCheck host(JsonObject request, String sentHost) {
    String seen = request.getString(Fields.HOST);
    String measured = "sent " + sentHost + ", the server saw " + (seen == null ? "no Host" : seen);
    if (seen != null && hostName(seen).equalsIgnoreCase(sentHost)) {
      return HandshakeCheck.pass(HOST, measured);
    }
    return HandshakeCheck.warn(HOST, measured + " (virtual hosts, redirects and origin checks behind it see "
      + "another name)", HOST_FIX);
  }

  static HandshakeCheck origin(JsonObject request, String sentOrigin) {
    List<String> seen = headerValues(request, "Origin");
    if (seen.contains(sentOrigin)) {
      return HandshakeCheck.pass(ORIGIN, sentOrigin + " arrived unchanged");
    }
    return HandshakeCheck.warn(ORIGIN, "sent " + sentOrigin + ", the server saw "
      + (seen.isEmpty() ? "no Origin" : String.join(", ", seen)) + " (origin checks behind it cannot work)",
      ORIGIN_FIX);
  }

  static HandshakeCheck clientIp(JsonObject welcome, Attempt direct) {
    JsonObject request = request(welcome);
    List<String> chain = strings(welcome.getValue(Fields.FORWARDED_FOR));
    Object proxy = welcome.getValue(Fields.PROXY_PROTOCOL);
    String clientIp = welcome.getString(Fields.CLIENT_IP);
    String peer = welcome.getString(Fields.REMOTE_ADDRESS);
    String via;
    if (!chain.isEmpty()) {
      via = headerValues(request, "X-Forwarded-For").isEmpty() ? "Forwarded" : "X-Forwarded-For";
    } else if (proxy instanceof JsonObject) {
      via = "the PROXY protocol";
    } else {
      return HandshakeCheck.warn(CLIENT_IP, "no X-Forwarded-For, Forwarded or PROXY header: the server sees "
        + "only " + peer + " (the balancer)", CLIENT_IP_FIX);
    }
    String measured = "client_ip " + clientIp + " from " + via + (chain.isEmpty() ? "" : " " + chain)
      + ", TCP peer " + peer;
    if (direct == null || !direct.upgraded()) {
      return HandshakeCheck.pass(CLIENT_IP, measured
        + (direct == null ? "" : " (--direct failed: not compared)"));
    }
    String own = direct.welcome().getString(Fields.REMOTE_ADDRESS);
    if (own != null && own.equals(clientIp)) {
      return HandshakeCheck.pass(CLIENT_IP, measured + "; equals the client's address seen directly (" + own + ")");
    }
    return HandshakeCheck.fail(CLIENT_IP, measured + "; but directly the server sees the client as " + own,
      SPOOF_FIX);
  }

  static HandshakeCheck httpVersion(JsonObject request) {
    String version = request.getString(Fields.HTTP_VERSION);
    JsonObject tls = request.getValue(Fields.TLS) instanceof JsonObject t ? t : null;
    String alpn = tls == null ? "no TLS at the server" : "ALPN " + (tls.getString(Fields.ALPN) == null ? "none"
      : tls.getString(Fields.ALPN));
    String measured = "the server got " + version + ", " + alpn;
    if ("HTTP/1.1".equals(version)) {
      return HandshakeCheck.pass(HTTP_VERSION, measured);
    }
    return HandshakeCheck.warn(HTTP_VERSION, measured + " (a WebSocket upgrade needs HTTP/1.1)", HTTP_VERSION_FIX);
  }

  static HandshakeCheck tls(String clientScheme, JsonObject request) {
    String serverScheme = request.getString(Fields.SCHEME);
    boolean clientTls = "wss".equals(clientScheme);
    boolean serverTls = request.getValue(Fields.TLS) instanceof JsonObject || "wss".equals(serverScheme);
    String where;
    if (clientTls && !serverTls) {
      where = "TLS terminated at the load balancer (plain ws from it to the server)";
    } else if (clientTls) {
      where = "TLS reaches the server (passthrough, or re-encrypted by the balancer)";
    } else if (serverTls) {
      where = "the balancer opens TLS to the server";
    } else {
      where = "no TLS on either side";
    }
    return HandshakeCheck.pass(TLS, "client used " + clientScheme + ", the server saw "
      + (serverTls ? "wss" : "ws") + ": " + where);
  }

  static HandshakeCheck messageSize(Ladder l, boolean upgraded) {
    if (l == null) {
      return HandshakeCheck.skipped(MESSAGE_SIZE, upgraded ? "the ladder socket could not be opened"
        : "no WebSocket through the load balancer (see upgrade)");
    }
    String limit = l.serverLimit() == null ? "the server does not state its limit" : "the server's "
      + "MAX_MESSAGE_BYTES is " + bytes(l.serverLimit());
    if (l.firstFailed() == null) {
      return HandshakeCheck.pass(MESSAGE_SIZE, "largest passing " + bytes(l.largestPassed()) + "; every size "
        + "tried passed; " + limit);
    }
    String end = ending(l);
    boolean withinLimit = l.serverLimit() == null || l.firstFailed() <= l.serverLimit();
    if (!withinLimit && l.closedByServerLimit()) {
      return HandshakeCheck.pass(MESSAGE_SIZE, "largest passing " + bytes(l.largestPassed()) + ", the server's "
        + "own limit (MAX_MESSAGE_BYTES); " + bytes(l.firstFailed()) + " closed by the server (" + end + "), not "
        + "by the balancer");
    }
    if (!withinLimit) {
      return HandshakeCheck.pass(MESSAGE_SIZE, "largest passing " + bytes(l.largestPassed()) + ", the server's "
        + "own limit (MAX_MESSAGE_BYTES); " + bytes(l.firstFailed()) + " ended " + end + " (not the server's "
        + "1009 as it sent it)");
    }
    if (l.closedByServerLimit()) {
      return HandshakeCheck.warn(MESSAGE_SIZE, "largest passing " + bytes(l.largestPassed()) + "; "
        + bytes(l.firstFailed()) + " closed by the server's limit (" + end + "), below the limit it stated: a "
        + "balancer that enlarges messages?", SIZE_FIX);
    }
    return HandshakeCheck.fail(MESSAGE_SIZE, "largest passing " + bytes(l.largestPassed()) + "; "
      + bytes(l.firstFailed()) + " cut by the load balancer (" + end + "), " + limit, SIZE_FIX);
  }

  private static String ending(Ladder l) {
    if (l.detail() != null) {
      return l.detail();
    }
    String code = l.closeCode() == null ? "1006" : String.valueOf(l.closeCode());
    return "close " + code + (l.closeReason() == null || l.closeReason().isEmpty() ? "" : " '" + l.closeReason()
      + "'") + (l.reset() ? ", TCP reset" : "");
  }

  static HandshakeCheck latency(Latency l, Attempt direct) {
    if (direct == null) {
      return HandshakeCheck.skipped(LATENCY, "give --direct URL (a server reached without the balancer) to "
        + "measure what the balancer adds");
    }
    if (l == null || l.throughLb().isEmpty() || l.direct().isEmpty()) {
      return HandshakeCheck.skipped(LATENCY, "no round trips on both paths"
        + (direct.failure() == null ? "" : ": --direct failed: " + direct.failure()));
    }
    double lb50 = percentile(l.throughLb(), 50);
    double lb99 = percentile(l.throughLb(), 99);
    double d50 = percentile(l.direct(), 50);
    double d99 = percentile(l.direct(), 99);
    return HandshakeCheck.pass(LATENCY, String.format(Locale.ROOT, "through the balancer p50 %.2f ms p99 %.2f ms; "
      + "direct p50 %.2f ms p99 %.2f ms; the balancer adds %+.2f ms (p50) %+.2f ms (p99) over %d pings each",
      lb50, lb99, d50, d99, lb50 - d50, lb99 - d99, Math.min(l.throughLb().size(), l.direct().size())));
  }

  /** Nearest-rank percentile of round trips, in ms. */
  public static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static JsonObject request(JsonObject welcome) {
    return welcome != null && welcome.getValue(Fields.REQUEST) instanceof JsonObject r ? r : null;
  }

  /** Every value of a header in the request as the server received it (names case-insensitive). */
  static List<String> headerValues(JsonObject request, String name) {
    List<String> values = new ArrayList<>();
    if (request.getValue(Fields.HEADERS) instanceof JsonArray headers) {
      for (Object h : headers) {
        if (h instanceof JsonArray pair && pair.size() == 2 && name.equalsIgnoreCase(String.valueOf(pair.getValue(0)))) {
          values.add(String.valueOf(pair.getValue(1)));
        }
      }
    }
    return values;
  }

  private static String header(List<Map.Entry<String, String>> headers, String name) {
    return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
      .orElse(null);
  }

  private static List<String> strings(Object value) {
    List<String> list = new ArrayList<>();
    if (value instanceof JsonArray array) {
      array.forEach(v -> list.add(String.valueOf(v)));
    }
    return list;
  }

  /** The host part of a Host header value: without the port, without IPv6 brackets. */
  static String hostName(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end > 0 ? host.substring(1, end) : host;
    }
    int colon = host.lastIndexOf(':');
    return colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
  }

  private static JsonObject json(String body) {
    if (body == null) {
      return null;
    }
    try {
      return new JsonObject(body);
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private static String excerpt(String body) {
    String flat = body.replaceAll("\\s+", " ").trim();
    return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
  }

  static String bytes(int n) {
    return n + " B";
  }
}
