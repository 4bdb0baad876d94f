package io.wstest.client.audit;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which load balancer the evidence names, rule by rule; the answers are the real ones of nginx 1.22 and HAProxy. */
class LbRecognitionTest {

  private static final List<Map.Entry<String, String>> NONE = List.of();

  /** nginx's own answer to the probe's malformed request, as nginx 1.22 sends it. */
  static final String NGINX_400 = "HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n"
    + "Connection: close\r\n\r\n<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 "
    + "Bad Request</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";
  /** HAProxy's, as HAProxy 2.6 sends it: no Server header, its own page. */
  static final String HAPROXY_400 = "HTTP/1.1 400 Bad request\r\nContent-length: 90\r\nCache-Control: no-cache\r\n"
    + "Connection: close\r\nContent-Type: text/html\r\n\r\n<html><body><h1>400 Bad request</h1>\nYour browser sent "
    + "an invalid request.\n</body></html>\n";

  private static LbRecognition of(List<Map.Entry<String, String>> answers, List<Map.Entry<String, String>> seen,
                                  List<String> cookies, String refusal) {
    return LbRecognition.of(new LbRecognition.Evidence(answers, seen, cookies, refusal));
  }

  @Test
  void nginxByItsServerHeaderOrItsErrorPage() {
    LbRecognition byHeader = of(List.of(Map.entry("server", "nginx/1.22.1")), NONE, List.of(), null);
    assertEquals(LbType.NGINX, byHeader.type());
    assertEquals("Server: nginx/1.22.1", byHeader.because());
    // server_tokens off and a Server header removed: the error page still says nginx
    LbRecognition byPage = of(NONE, NONE, List.of(), NGINX_400.replace("Server: nginx/1.22.1\r\n", ""));
    assertEquals(LbType.NGINX, byPage.type());
    assertTrue(byPage.because().contains("error page"), byPage.because());
    assertFalse(byPage.given());
  }

  @Test
  void ingressNginxByTheHeadersItAddsOrItsCookie() {
    List<Map.Entry<String, String>> server = List.of(Map.entry("Server", "nginx"));
    assertEquals(LbType.INGRESS_NGINX, of(server, List.of(Map.entry("X-Scheme", "https")), List.of(), null).type());
    assertEquals(LbType.INGRESS_NGINX, of(server, List.of(Map.entry("x-forwarded-scheme", "http")), List.of(), null)
      .type());
    assertEquals(LbType.INGRESS_NGINX, of(server, NONE, List.of("INGRESSCOOKIE"), null).type());
    assertEquals(LbType.NGINX, of(server, List.of(Map.entry("X-Real-IP", "10.0.0.1")), List.of(), null).type());
  }

  @Test
  void haproxyByItsErrorPage() {
    LbRecognition haproxy = of(NONE, NONE, List.of("SRV"), HAPROXY_400);
    assertEquals(LbType.HAPROXY, haproxy.type());
    assertTrue(haproxy.because().contains("Your browser sent an invalid request"), haproxy.because());
  }

  @Test
  void envoyAwsAndTraefikByTheirHeadersAndCookies() {
    assertEquals(LbType.ENVOY, of(List.of(Map.entry("server", "envoy")), NONE, List.of(), null).type());
    assertEquals(LbType.ENVOY, of(List.of(Map.entry("x-envoy-upstream-service-time", "3")), NONE, List.of(), null)
      .type());
    assertEquals(LbType.ENVOY, of(NONE, List.of(Map.entry("x-envoy-expected-rq-timeout-ms", "15000")), List.of(),
      null).type());
    assertEquals(LbType.AWS_ALB, of(List.of(Map.entry("Server", "awselb/2.0")), NONE, List.of(), null).type());
    LbRecognition cookie = of(NONE, NONE, List.of("AWSALB", "AWSALBCORS"), null);
    assertEquals(LbType.AWS_ALB, cookie.type());
    assertEquals("it set the cookie AWSALB", cookie.because());
    assertEquals(LbType.AWS_ALB, of(NONE, List.of(Map.entry("X-Amzn-Trace-Id", "Root=1-5f")), List.of(), null).type());
    assertEquals(LbType.TRAEFIK, of(NONE, List.of(Map.entry("X-Forwarded-Server", "traefik-7d9")), List.of(), null)
      .type());
    assertEquals(LbType.TRAEFIK, of(NONE, NONE, List.of("_TRAEFIK_BACKEND"), null).type());
  }

  @Test
  void nothingKnownIsNotRecognisedAndSaysHowToNameIt() {
    LbRecognition none = of(List.of(Map.entry("Content-Type", "application/json")),
      List.of(Map.entry("X-Forwarded-For", "127.0.0.1")), List.of("SRV"), null);
    assertNull(none.type());
    assertEquals("not recognised", none.shown());
    assertTrue(none.because().contains("--lb"), none.because());
    assertNull(none.toJson().getString("type"));
  }

  @Test
  void givenWithTheFlag() {
    LbRecognition given = LbRecognition.given(LbType.AWS_NLB);
    assertTrue(given.given());
    assertEquals("given with --lb aws-nlb", given.because());
    assertEquals("aws-nlb", given.toJson().getString("type"));
  }

  @Test
  void theProbeReadsHeadersUpToTheBlankLine() {
    List<Map.Entry<String, String>> headers = BalancerProbe.headers(NGINX_400);
    assertEquals(Map.entry("Server", "nginx/1.22.1"), headers.get(0));
    assertEquals(3, headers.size(), headers.toString());
    assertTrue(BalancerProbe.headers(null).isEmpty());
  }

  @Test
  void theHelpTextNamesEveryType() {
    assertEquals(LbType.options(), LbType.OPTIONS_TEXT);
    for (LbType type : LbType.values()) {
      assertEquals(type, LbType.parse(type.option().toUpperCase(java.util.Locale.ROOT)));
    }
    assertNull(LbType.parse("f5"));
  }
}
