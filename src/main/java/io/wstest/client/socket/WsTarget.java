package io.wstest.client.socket;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One WebSocket endpoint to test: a name for the report ({@code http}, {@code raw} or {@code url}) and where it
 * is. The health check goes to the same host and port over http(s).
 */
public record WsTarget(String name, boolean ssl, String host, int port, String path) {

  /** Parses {@code ws[s]://host[:port][/path][?query]}; throws IllegalArgumentException with a readable message. */
  public static WsTarget fromUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      throw new IllegalArgumentException("'" + url + "' is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new IllegalArgumentException("'" + url + "' must start with ws:// or wss://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("'" + url + "' has no host");
    }
    boolean ssl = scheme.equals("wss");
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    return new WsTarget("url", ssl, host, port, path);
  }

  public String url() {
    return (ssl ? "wss://" : "ws://") + hostPort() + path;
  }

  public String hostPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  public String healthUrl() {
    return (ssl ? "https://" : "http://") + hostPort() + "/health";
  }

  /** An HTTP request to this target's host and port, over https for wss, with the extra headers and a timeout. */
  public RequestOptions httpRequest(HttpMethod method, String uri, List<Map.Entry<String, String>> headers,
                                    long timeoutMs) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setSsl(ssl)
      .setURI(uri).setTimeout(timeoutMs);
    headers.forEach(h -> options.addHeader(h.getKey(), h.getValue()));
    return options;
  }

  /** Opening a WebSocket to this target with the extra headers and a handshake timeout. */
  public WebSocketConnectOptions connectOptions(List<Map.Entry<String, String>> headers, long timeoutMs) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setURI(path)
      .setSsl(ssl).setConnectTimeout(timeoutMs);
    headers.forEach(h -> options.addHeader(h.getKey(), h.getValue()));
    return options;
  }
}
