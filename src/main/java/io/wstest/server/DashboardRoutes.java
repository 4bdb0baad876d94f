package io.wstest.server;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.Locale;

/**
 * The browser dashboard: {@code /ui/} serves the page and its script and stylesheet from the jar
 * ({@code webroot/ui}), {@code /ui} redirects there, and a browser that asks {@code /} for HTML (and not for
 * JSON) is sent to it too. Everyone else keeps getting the health JSON at {@code /}.
 */
public final class DashboardRoutes {

  static final String ROOT = "webroot/ui";

  /**
   * The page's script and stylesheet are files of their own, so no inline script is ever allowed: even a
   * rendering bug could not run a server-provided string. WebSockets may go to any host the user types.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
    + "img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private DashboardRoutes() {
  }

  /** Adds the dashboard routes; call before the {@code GET /} health route so the HTML redirect runs first. */
  public static void mount(Router router) {
    HttpVerticle.getOrHead(router, "/").handler(DashboardRoutes::redirectBrowsers);
    // Exactly /ui (a plain "/ui" route would also match /ui/). The relative target keeps working when a proxy
    // serves the service under a path prefix.
    router.getWithRegex("/ui").handler(ctx -> redirect(ctx, "ui/"));
    router.get("/ui/*")
      .handler(DashboardRoutes::securityHeaders)
      .handler(StaticHandler.create(ROOT).setCachingEnabled(false).setDirectoryListing(false).setIndexPage("index.html"));
  }

  private static void redirectBrowsers(RoutingContext ctx) {
    if (wantsHtml(ctx.request().getHeader("Accept"))) {
      redirect(ctx, "ui/");
    } else {
      // The answer at / depends on Accept, so shared caches must key on it (the health route sets the rest).
      ctx.response().putHeader("Vary", "Accept");
      ctx.next();
    }
  }

  /**
   * True only when the Accept header names {@code text/html} and does not name {@code application/json}
   * (each with a q above 0). Browsers navigating send {@code text/html,...,*}{@code /*;q=0.8}; curl, probes and
   * HTTP libraries send {@code *}{@code /*}, {@code application/json} or nothing, and so keep the JSON.
   */
  static boolean wantsHtml(String accept) {
    if (accept == null) {
      return false;
    }
    boolean html = false;
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      if (quality(parts) <= 0) {
        continue;
      }
      if (type.equals("application/json")) {
        return false;
      }
      html |= type.equals("text/html");
    }
    return html;
  }

  private static double quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim();
      if (param.startsWith("q=") || param.startsWith("Q=")) {
        try {
          return Double.parseDouble(param.substring(2).trim());
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
      .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Referrer-Policy", "no-referrer")
      // The page ships inside the jar: a new jar must show its new page without a stale cached copy.
      .putHeader("Cache-Control", "no-cache");
    ctx.next();
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response()
      .setStatusCode(302)
      .putHeader("Location", location)
      .putHeader("Vary", "Accept")
      .putHeader("Cache-Control", "no-store")
      .end();
  }
}
