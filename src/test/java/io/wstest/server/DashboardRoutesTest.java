package io.wstest.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule that decides who gets the dashboard at {@code /} and who keeps the health JSON. */
class DashboardRoutesTest {

  @Test
  void browsersNavigatingAreRedirected() {
    // Chromium's and Firefox's Accept for a top-level navigation
    assertTrue(DashboardRoutes.wantsHtml("text/html,application/xhtml+xml,application/xml;q=0.9,"
      + "image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"));
    assertTrue(DashboardRoutes.wantsHtml("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
    assertTrue(DashboardRoutes.wantsHtml("TEXT/HTML"));
  }

  @Test
  void jsonClientsKeepTheJson() {
    assertFalse(DashboardRoutes.wantsHtml(null), "no Accept header (HAProxy/ALB checks, many libraries)");
    assertFalse(DashboardRoutes.wantsHtml(""));
    assertFalse(DashboardRoutes.wantsHtml("*/*"), "curl, wget, kubelet probes");
    assertFalse(DashboardRoutes.wantsHtml("application/json"));
    assertFalse(DashboardRoutes.wantsHtml("application/json, text/plain, */*"), "axios");
    assertFalse(DashboardRoutes.wantsHtml("text/html, application/json"), "asks for JSON too");
    assertFalse(DashboardRoutes.wantsHtml("text/html;q=0, */*"), "q=0 means not acceptable");
    assertFalse(DashboardRoutes.wantsHtml("text/html;q=oops"), "an unreadable q counts as 0");
    assertTrue(DashboardRoutes.wantsHtml("text/html, application/json;q=0"), "JSON refused explicitly");
  }
}
