package io.wstest.ops;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wstest.identity.ServiceIdentity;
import io.wstest.protocol.CloseCodes;
import io.wstest.protocol.ConnectionHandler;
import io.wstest.runtime.ServiceLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;

/**
 * Runtime toggles for load-balancer experiments, with podinfo's paths: fail readiness or liveness on purpose,
 * close every socket now, refuse or accept new upgrades. They act on the whole process (both servers, every
 * verticle instance) through {@link ServiceLifecycle} and the connection handlers. With a token set, each
 * request must carry {@code Authorization: Bearer <token>}.
 *
 * <p>Web pages must not be able to flip them (cross-site request forgery): a page on another site can POST here
 * through its visitor's browser without any preflight when the request is "simple". So a toggle is refused when
 * the browser says it comes from another site ({@code Sec-Fetch-Site: cross-site} or {@code same-site}), when its
 * {@code Origin} is neither this service's own (Origin host and port equal to {@code Host}) nor listed in
 * {@code ALLOWED_ORIGINS}, and, without a token, when it carries a body type an HTML form can send
 * ({@code application/x-www-form-urlencoded}, {@code multipart/form-data}, {@code text/plain}): the toggles
 * take no body, and every browser that can send a body-less cross-site POST also sends {@code Origin}. curl,
 * scripts and load-balancer tooling send none of these headers and are unaffected.
 *
 * <p>Every answer names the replica that took it ({@code instance_id}, {@code display_name}): through a load
 * balancer a toggle reaches one replica of several, and a tool has to know which one to undo it there.
 */
public final class AdminRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

  private final Vertx vertx;
  private final ServiceLifecycle lifecycle;
  private final AllowedOrigins origins;
  private final ServiceIdentity identity;
  /** SHA-256 of the token, or null when none is required; hashing first makes the compare length-blind. */
  private final byte[] tokenHash;

  public AdminRoutes(Vertx vertx, String token, AllowedOrigins origins, ServiceIdentity identity) {
    this.vertx = vertx;
    this.lifecycle = ServiceLifecycle.of(vertx);
    this.origins = origins;
    this.identity = identity;
    this.tokenHash = token == null || token.isEmpty() ? null : sha256(token);
  }

  public void mount(Router router) {
    post(router, "/readyz/enable", this::enableReadiness);
    post(router, "/readyz/disable", this::disableReadiness);
    post(router, "/healthz/enable", this::enableLiveness);
    post(router, "/healthz/disable", this::disableLiveness);
    post(router, "/admin/drain", this::drain);
    post(router, "/admin/reject", this::reject);
    post(router, "/admin/accept", this::accept);
  }

  private void post(Router router, String path, Handler<RoutingContext> handler) {
    router.post(path).handler(this::refuseOtherSites).handler(this::authorize).handler(handler);
  }

  private void refuseOtherSites(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    String site = ctx.request().getHeader("Sec-Fetch-Site");
    boolean listed = origins.lists(origin);
    if (site != null && !listed && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      error(ctx, 403, "cross_site_request", "the browser says this request comes from another site (Sec-Fetch-Site: "
        + (site.equalsIgnoreCase("same-site") ? "same-site" : "cross-site") + "); toggles are refused from web pages"
        + " of other sites unless their origin is in ALLOWED_ORIGINS");
      return;
    }
    if (origin != null && !listed && !sameOrigin(origin, ctx.request().getHeader("Host"))) {
      error(ctx, 403, "origin_not_allowed", "toggles are refused from web pages of another origin unless it is in"
        + " ALLOWED_ORIGINS; the Origin header does not match this service's host");
      return;
    }
    if (tokenHash == null && isFormContentType(ctx.request().getHeader("Content-Type"))) {
      error(ctx, 403, "form_body_refused", "toggles take no body: a form body type (text/plain, form-urlencoded,"
        + " multipart) is refused so that web pages cannot post here; send no body, e.g. curl -X POST URL");
      return;
    }
    ctx.next();
  }

  /** True when {@code Origin} (scheme://host[:port]) names the host and port this request was sent to. */
  static boolean sameOrigin(String origin, String host) {
    int scheme = origin.indexOf("://");
    if (host == null || scheme < 0) {
      return false; // includes "Origin: null" (sandboxed frames, file: pages)
    }
    return origin.substring(scheme + 3).trim().equalsIgnoreCase(host.trim());
  }

  /** The body types an HTML form, or a fetch without a CORS preflight, may send. */
  static boolean isFormContentType(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return type.equals("application/x-www-form-urlencoded") || type.equals("multipart/form-data")
      || type.equals("text/plain");
  }

  private void authorize(RoutingContext ctx) {
    if (tokenHash == null) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String prefix = "bearer ";
    boolean ok = header != null && header.length() > prefix.length()
      && header.regionMatches(true, 0, prefix, 0, prefix.length())
      && MessageDigest.isEqual(tokenHash, sha256(header.substring(prefix.length()).trim()));
    if (ok) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, "unauthorized", "this endpoint needs 'Authorization: Bearer <ADMIN_TOKEN>'");
    }
  }

  private void enableReadiness(RoutingContext ctx) {
    lifecycle.setReadinessEnabled(true);
    changed(ctx, new JsonObject().put("readiness_enabled", true));
  }

  private void disableReadiness(RoutingContext ctx) {
    lifecycle.setReadinessEnabled(false);
    changed(ctx, new JsonObject().put("readiness_enabled", false));
  }

  private void enableLiveness(RoutingContext ctx) {
    lifecycle.setLivenessEnabled(true);
    changed(ctx, new JsonObject().put("liveness_enabled", true));
  }

  private void disableLiveness(RoutingContext ctx) {
    lifecycle.setLivenessEnabled(false);
    changed(ctx, new JsonObject().put("liveness_enabled", false));
  }

  /**
   * {@code ?code=1012}: closes every socket now (shutdown message first) and answers once all are closed. With
   * {@code ?reject=503} new upgrades are refused with that status first (as {@code /admin/reject}, until
   * {@code /admin/accept}), so the sockets' reconnects cannot land here again: what a rollout does to a replica.
   */
  private void drain(RoutingContext ctx) {
    String raw = ctx.request().getParam("code", Short.toString(CloseCodes.GOING_AWAY));
    Integer code = parseIn(raw, 1000, 4999);
    if (code == null || !CloseCodes.isSendable(code)) {
      error(ctx, 400, "invalid_code", "code must be a close code a server may send: 1000, 1001, 1008, 1011-1013"
        + " or 3000-4999");
      return;
    }
    String rejectRaw = ctx.request().getParam("reject");
    Integer reject = rejectRaw == null ? null : parseIn(rejectRaw, 400, 599);
    if (rejectRaw != null && reject == null) {
      error(ctx, 400, "invalid_status", "reject must be an HTTP error status 400-599");
      return;
    }
    if (reject != null) {
      lifecycle.rejectUpgrades(reject);
      LOG.info("Admin drain: refusing new WebSocket upgrades with {} until POST /admin/accept", reject);
    }
    LOG.info("Admin drain: closing every WebSocket with {}", code);
    ConnectionHandler.closeAll(vertx, "admin drain", (short) (int) code, Duration.ZERO, false)
      .onSuccess(closed -> {
        JsonObject state = new JsonObject().put("closed", closed).put("code", code);
        if (reject != null) {
          state.put("rejecting_upgrades", true).put("status", reject);
        }
        changed(ctx, state);
      })
      .onFailure(ctx::fail);
  }

  /** {@code ?status=503}: new upgrades on both servers get this HTTP status and a JSON error. */
  private void reject(RoutingContext ctx) {
    Integer status = parseIn(ctx.request().getParam("status", "503"), 400, 599);
    if (status == null) {
      error(ctx, 400, "invalid_status", "status must be an HTTP error status 400-599");
      return;
    }
    lifecycle.rejectUpgrades(status);
    LOG.info("Admin: refusing new WebSocket upgrades with {}", status);
    changed(ctx, new JsonObject().put("rejecting_upgrades", true).put("status", status));
  }

  private void accept(RoutingContext ctx) {
    lifecycle.acceptUpgrades();
    LOG.info("Admin: accepting WebSocket upgrades again");
    changed(ctx, new JsonObject().put("rejecting_upgrades", false));
  }

  private static Integer parseIn(String raw, int min, int max) {
    try {
      int value = Integer.parseInt(raw.trim());
      return value >= min && value <= max ? value : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** podinfo answers its toggles with 202 Accepted; the body says the new state, and whose it is. */
  private void changed(RoutingContext ctx, JsonObject state) {
    json(ctx, 202, state.put("instance_id", identity.instanceId()).put("display_name", identity.displayName()));
  }

  private static void error(RoutingContext ctx, int status, String error, String message) {
    json(ctx, status, new JsonObject().put("error", error).put("message", message).put("status", status));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
      .setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store")
      .putHeader("X-Content-Type-Options", "nosniff")
      .end(body.encode());
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
