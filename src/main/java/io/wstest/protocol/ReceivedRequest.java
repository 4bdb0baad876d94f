package io.wstest.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.wstest.wire.Fields;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A request as this process received it, for the welcome, {@code info}, {@code /request} and the 426 answer: what
 * a load balancer in front changed is visible here (headers added, removed or rewritten, the scheme, TLS, the PROXY
 * header). Header order and repeats are kept as they arrived. The values of credential headers (Authorization,
 * Proxy-Authorization, Cookie, and custom ones named like X-Api-Key or X-Auth-Token) are replaced by their size
 * unless SHOW_CREDENTIALS is on.
 */
public final class ReceivedRequest {

  /** Headers whose values are secrets: Authorization keeps its scheme word, Cookie its names. */
  private static final List<String> CREDENTIAL_HEADERS = List.of("authorization", "proxy-authorization", "cookie");
  /**
   * Parts of the names of the usual custom credential headers (X-Api-Key, X-Auth-Token, X-Amz-Security-Token,
   * X-Vault-Token, X-Client-Secret ...): their values are redacted whole. Not "key" alone, which would hide the
   * handshake's Sec-WebSocket-Key.
   */
  private static final List<String> CREDENTIAL_NAME_PARTS = List.of("api-key", "apikey", "token", "secret",
    "password", "x-auth");

  /** Room for a typical request's JSON (about 500 bytes) before the buffer grows. */
  private static final int INITIAL_BYTES = 768;
  private static final byte[] METHOD_KEY = JsonBytes.utf8("{\"method\":");

  private ReceivedRequest() {
  }

  /** The request as a JSON tree, for {@code /request} and the 426 answer: {@link #json}'s bytes, parsed. */
  public static JsonObject toJson(HttpServerRequest request, boolean webSocket, boolean showCredentials) {
    return new JsonObject(Buffer.buffer(ByteBufUtil.getBytes(json(request, webSocket, showCredentials))));
  }

  /**
   * The request as strict JSON in UTF-8, written field by field into a heap buffer: what every WebSocket keeps
   * ({@link Handshake}) and the one definition of the request's fields and their order.
   *
   * @param webSocket the request is (or asked to be) a WebSocket upgrade: the scheme is reported as ws/wss
   * @param showCredentials SHOW_CREDENTIALS: credential header values as received instead of redacted
   */
  static ByteBuf json(HttpServerRequest request, boolean webSocket, boolean showCredentials) {
    ByteBuf out = Unpooled.buffer(INITIAL_BYTES);
    HttpConnection connection = request.connection();
    Channel channel = channel(connection);
    ProxyProtocol.Header proxy = channel == null ? null : ProxyProtocol.header(channel);
    SocketAddress peer = request.remoteAddress();
    MultiMap headers = request.headers();
    ClientAddress address = ClientAddress.of(headers, peer, proxy == null ? null : proxy.sourceIp());
    boolean tls = request.isSSL();
    out.writeBytes(METHOD_KEY);
    JsonBytes.string(out, request.method().name());
    JsonBytes.field(out, "path", request.path());
    JsonBytes.field(out, "query", request.query());
    JsonBytes.field(out, "uri", request.uri());
    JsonBytes.field(out, Fields.HTTP_VERSION, httpVersion(request));
    JsonBytes.field(out, Fields.HOST, request.authority() == null ? null : request.authority().toString());
    JsonBytes.field(out, Fields.SCHEME, webSocket ? (tls ? "wss" : "ws") : (tls ? "https" : "http"));
    JsonBytes.key(out, Fields.HEADERS);
    out.writeByte('[');
    int count = 0;
    for (Map.Entry<String, String> header : headers) {
      if (count++ > 0) {
        out.writeByte(',');
      }
      out.writeByte('[');
      JsonBytes.string(out, header.getKey());
      out.writeByte(',');
      JsonBytes.string(out, showCredentials ? header.getValue() : redact(header.getKey(), header.getValue()));
      out.writeByte(']');
    }
    out.writeByte(']');
    JsonBytes.key(out, "header_count");
    JsonBytes.decimal(out, count);
    JsonBytes.field(out, "credentials", showCredentials ? "shown" : "redacted");
    JsonBytes.field(out, "client_ip", address.clientIp());
    JsonBytes.field(out, "remote_address", address.remoteAddress());
    JsonBytes.key(out, "forwarded_for");
    JsonBytes.strings(out, address.forwardedFor());
    JsonBytes.field(out, "peer", peer == null ? null : peer.hostAddress() + ":" + peer.port());
    JsonBytes.key(out, "proxy_protocol");
    JsonBytes.object(out, proxy == null ? null : proxy.toJson());
    JsonBytes.key(out, Fields.TLS);
    JsonBytes.object(out, tls ? tls(request, channel) : null);
    return out.writeByte('}');
  }

  private static String httpVersion(HttpServerRequest request) {
    return switch (request.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2";
      default -> request.version().name();
    };
  }

  /**
   * A credential header's value without its secret: {@code Bearer <redacted 40 bytes>},
   * {@code session=<redacted 32 bytes>; theme=<redacted 4 bytes>}; any other header unchanged.
   */
  static String redact(String name, String value) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!CREDENTIAL_HEADERS.contains(lower)) {
      return hasCredentialNamePart(lower) ? hidden(value.trim()) : value;
    }
    if (lower.equals("cookie")) {
      StringBuilder redacted = new StringBuilder();
      for (String cookie : value.split(";", -1)) {
        if (redacted.length() > 0) {
          redacted.append("; ");
        }
        String trimmed = cookie.trim();
        int eq = trimmed.indexOf('=');
        String cookieName = eq < 0 ? "" : trimmed.substring(0, eq);
        String cookieValue = eq < 0 ? trimmed : trimmed.substring(eq + 1);
        redacted.append(cookieName).append(eq < 0 ? "" : "=").append(hidden(cookieValue));
      }
      return redacted.toString();
    }
    String trimmed = value.trim();
    int space = trimmed.indexOf(' ');
    if (space > 0) { // "Basic xyz", "Bearer xyz": the scheme tells which kind of credential went through
      return trimmed.substring(0, space) + " " + hidden(trimmed.substring(space + 1).trim());
    }
    return hidden(trimmed);
  }

  /**
   * A loop, not a stream: it runs for every header of every upgrade. The stream was 2 % of the event loop's samples
   * in connect churn (JFR); the loop, with PackedJson's, took {@code Handshake.of} from 3.8–4.0 to 3.2–3.4 µs.
   */
  private static boolean hasCredentialNamePart(String lowerCaseName) {
    for (String part : CREDENTIAL_NAME_PARTS) {
      if (lowerCaseName.contains(part)) {
        return true;
      }
    }
    return false;
  }

  private static String hidden(String secret) {
    return "<redacted " + secret.getBytes(StandardCharsets.ISO_8859_1).length + " bytes>";
  }

  private static Channel channel(HttpConnection connection) {
    ChannelHandlerContext ctx = VertxInternals.handlerContext(connection);
    return ctx == null ? null : ctx.channel();
  }

  /** TLS as this process terminated it: protocol, cipher, SNI, ALPN and the client certificate (mTLS). */
  private static JsonObject tls(HttpServerRequest request, Channel channel) {
    SSLSession session = request.sslSession();
    if (session == null) {
      return null;
    }
    SslHandler ssl = channel == null ? null : channel.pipeline().get(SslHandler.class);
    JsonObject json = new JsonObject()
      .put("protocol", session.getProtocol())
      .put("cipher_suite", session.getCipherSuite())
      .put("sni", serverName(session))
      .put(Fields.ALPN, ssl == null ? null : ssl.applicationProtocol());
    X509Certificate client = null;
    try {
      Certificate[] peers = session.getPeerCertificates();
      if (peers.length > 0 && peers[0] instanceof X509Certificate x509) {
        client = x509;
      }
    } catch (SSLPeerUnverifiedException e) {
      // no client certificate: TLS_CLIENT_AUTH is off, or "request" and the client sent none
    }
    return json.put("client_certificate", client == null ? null : certificate(client));
  }

  /** The SNI name the client sent (Vert.x records it only with SNI certificate selection on; the JDK always). */
  private static String serverName(SSLSession session) {
    if (session instanceof ExtendedSSLSession extended) {
      for (SNIServerName name : extended.getRequestedServerNames()) {
        if (name instanceof SNIHostName host) {
          return host.getAsciiName();
        }
      }
    }
    return null;
  }

  static JsonObject certificate(X509Certificate certificate) {
    return new JsonObject()
      .put("subject", certificate.getSubjectX500Principal().getName())
      .put("issuer", certificate.getIssuerX500Principal().getName())
      .put("serial", certificate.getSerialNumber().toString(16))
      .put("not_after", DateTimeFormatter.ISO_INSTANT.format(certificate.getNotAfter().toInstant()))
      .put("sha256", fingerprint(certificate));
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      return null;
    }
  }
}
