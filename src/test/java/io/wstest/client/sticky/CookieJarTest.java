package io.wstest.client.sticky;

import io.wstest.client.socket.WsTarget;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sticky client's cookie jar: what a browser would store from Set-Cookie and send back. */
class CookieJarTest {

  private static final WsTarget WS = new WsTarget("http", false, "lb.example.com", 80, "/ws");
  private static final WsTarget WSS = new WsTarget("url", true, "lb.example.com", 443, "/ws");

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final CookieJar jar = new CookieJar(now::get);

  @Test
  void anAffinityCookieIsSentBackAndAReplacementWins() {
    assertNull(jar.cookieHeader(WS));
    jar.receive(WS, 1, List.of("SRV=b1; path=/", "AWSALB=abc; Expires=Tue, 01 Jan 2999 00:00:00 GMT; Path=/"));
    assertEquals("SRV=b1; AWSALB=abc", jar.cookieHeader(WS));
    jar.receive(WS, 4, List.of("SRV=b2; Path=/"));
    assertEquals("SRV=b2; AWSALB=abc", jar.cookieHeader(WS), "same name, domain and path: replaced in place");
    assertEquals(List.of(1, 1, 4), jar.everSet().stream().map(CookieJar.StoredCookie::setBy).toList());
    assertEquals("SRV=b1; path=/", jar.everSet().get(0).setCookie());
  }

  @Test
  void headerCookiesAreStoredFirstAndTheLoadBalancerCanReplaceThem() {
    jar.seed("SRV=b3; session=x");
    assertEquals("SRV=b3; session=x", jar.cookieHeader(WS));
    assertTrue(jar.cookies().get(0).fromHeader());
    jar.receive(WS, 2, List.of("SRV=b1; path=/"));
    assertEquals("SRV=b1; session=x", jar.cookieHeader(WS));
  }

  @Test
  void pathDecidesWhereACookieGoes() {
    jar.receive(WS, 1, List.of("top=1", "ws=2; Path=/ws", "other=3; Path=/other", "prefix=4; Path=/w"));
    // no Path: the directory of /ws, which is "/"; longer paths first
    assertEquals("ws=2; top=1", jar.cookieHeader(WS));
    assertEquals("ws=2; top=1", jar.cookieHeader(new WsTarget("url", false, "lb.example.com", 80, "/ws/deeper?x=1")));
    assertEquals("top=1", jar.cookieHeader(new WsTarget("url", false, "lb.example.com", 80, "/wsx")));
    assertEquals("/", CookieJar.defaultPath("/ws"));
    assertEquals("/app", CookieJar.defaultPath("/app/ws?room=1"));
    assertEquals("Path=/other does not cover /ws", CookieJar.notSentReason(jar.everSet().get(2), WS));
  }

  @Test
  void domainMustCoverTheHost() {
    jar.receive(WS, 1, List.of("parent=1; Domain=.example.com", "foreign=2; Domain=example.org"));
    assertEquals("parent=1", jar.cookieHeader(WS));
    assertEquals(1, jar.ignored().size());
    assertEquals("Domain=example.org does not cover lb.example.com", jar.ignored().get(0).reason());
    assertTrue(CookieJar.domainMatches("127.0.0.1", "127.0.0.1"));
    assertTrue(!CookieJar.domainMatches("10.0.0.1", "0.0.1"), "no suffix matching on IP addresses");
  }

  @Test
  void secureCookiesOnlyGoOverTls() {
    jar.receive(WSS, 1, List.of("SRV=b1; Secure; HttpOnly; SameSite=None"));
    assertEquals("SRV=b1", jar.cookieHeader(WSS));
    assertNull(jar.cookieHeader(WS));
    CookieJar.StoredCookie cookie = jar.everSet().get(0);
    assertTrue(cookie.secure() && cookie.httpOnly());
    assertEquals("None", cookie.sameSite());
    assertEquals("Secure cookie, and ws://lb.example.com:80/ws is not wss://", CookieJar.notSentReason(cookie, WS));
  }

  @Test
  void maxAgeZeroRemovesAndExpiredCookiesAreNotSent() {
    jar.receive(WS, 1, List.of("a=1; Max-Age=10", "b=2"));
    assertEquals("a=1; b=2", jar.cookieHeader(WS));
    jar.receive(WS, 2, List.of("b=gone; Max-Age=0"));
    assertEquals("a=1", jar.cookieHeader(WS));
    now.addAndGet(10_000);
    assertNull(jar.cookieHeader(WS), "Max-Age=10 is over");
    assertEquals(3, jar.everSet().size());
  }

  @Test
  void garbageIsIgnoredWithAReason() {
    jar.receive(WS, 3, List.of("=nameless"));
    assertNull(jar.cookieHeader(WS));
    assertEquals(List.of(new CookieJar.Ignored("=nameless", 3, "not a valid Set-Cookie")), jar.ignored());
  }
}
