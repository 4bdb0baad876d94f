package io.wstest.server;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.wstest.identity.ServiceIdentity;
import io.wstest.ops.AdminRoutes;
import io.wstest.ops.Probes;
import io.wstest.ops.PeerErrors;
import io.wstest.protocol.ConnectionHandler;
import io.wstest.protocol.ConnectionRegistry;
import io.wstest.protocol.Endpoint;
import io.wstest.protocol.PendingConnections;
import io.wstest.runtime.Metrics;
import io.wstest.runtime.ServiceLifecycle;

/**
 * Port 8080: health JSON and probes (GET or HEAD), operator toggles, metrics, the dashboard on /ui/, the request as
 * received on /request, /ws and a plain echo on /echo. With PROXY_HTTP_PORT the same again on a listener that
 * requires a PROXY protocol header.
 */
public final class HttpVerticle extends VerticleBase {

  private final ServerConfig config;
  private final ServiceIdentity identity;
  private ConnectionHandler connections;
  private WebSocketUpgrade upgrade;

  public HttpVerticle(ServerConfig config, ServiceIdentity identity) {
    this.config = config;
    this.identity = identity;
  }

  @Override
  public Future<?> start() {
    connections = new ConnectionHandler(vertx, identity, ConnectionHandler.HTTP, config.connectionOptions());
    upgrade = new WebSocketUpgrade(config.allowedOrigins(), ServiceLifecycle.of(vertx), config.showCredentials());
    Router router = Router.router(vertx);
    setupRouter(router);
    PendingConnections pending = WebSocketServerOptions.pendingConnections(vertx, config);
    Handler<HttpServerRequest> requests = request -> {
      // WebSocket endpoints bypass the router: the socket stays Vert.x's own (the RFC 6455 guard sits in its
      // pipeline) and a handshake costs no route matching.
      Endpoint endpoint = webSocketEndpoint(request.path());
      if (endpoint != null) {
        upgrade.accept(request, connections, endpoint);
      } else {
        // every answer of the router (JSON, probes, metrics, the dashboard, errors): never sniffed as HTML
        request.response().putHeader(Responses.NOSNIFF, "nosniff");
        router.handle(request);
      }
    };
    return connections.start()
      .compose(v -> vertx.createHttpServer(WebSocketServerOptions.create(config, config.httpPort()))
        // errors of connections no request or socket handler has taken yet: counted, not a line each
        .exceptionHandler(PeerErrors::connectionError)
        .connectionHandler(pending::track)
        .requestHandler(requests)
        .listen()
        .onSuccess(pending::guardAccepts))
      .compose(v -> ProxyListener.listen(vertx, config, config.proxyHttpPort(), ServerConfig.PROXY_HTTP_PORT,
        requests));
  }

  private void setupRouter(Router router) {
    HealthEndpoint health = new HealthEndpoint(identity, ConnectionRegistry.of(vertx), ServiceLifecycle.of(vertx));
    HealthCheckHandler liveness = Probes.liveness(vertx);
    HealthCheckHandler readiness = Probes.readiness(vertx);

    // GET /ws and GET /echo are WebSocket upgrades, taken before the router (see start).
    DashboardRoutes.mount(router); // first: a browser asking / for HTML goes to /ui/, everyone else falls through
    getOrHead(router, "/").handler(health::handle);
    getOrHead(router, "/health").handler(health::handle);
    getOrHead(router, "/health/live").handler(liveness);
    getOrHead(router, "/healthz").handler(liveness);
    getOrHead(router, "/health/ready").handler(readiness);
    getOrHead(router, "/readyz").handler(readiness);
    router.route("/request").handler(new RequestEndpoint(identity, config.showCredentials(),
      config.maxMessageBytes())::handle);
    getOrHead(router, "/cluster").handler(new ClusterEndpoint(ConnectionRegistry.of(vertx))::handle);
    if (config.adminEnabled()) {
      new AdminRoutes(vertx, config.adminToken(), config.allowedOrigins(), identity).mount(router);
    }
    Metrics metrics = Metrics.of(vertx);
    if (metrics.enabled()) {
      router.get("/metrics").handler(metrics.scrapeHandler());
    }

    // neither the path nor the method is repeated: an error page must not reflect what a link put there
    router.errorHandler(404, ctx -> Responses.error(ctx, 404, "not_found", "no such path"));
    router.errorHandler(405, ctx -> Responses.error(ctx, 405, "method_not_allowed",
      "this method is not allowed on this path"));
    router.errorHandler(500, ctx -> Responses.error(ctx, 500, "internal_error", "the server failed this request"));
  }

  /**
   * A route for GET and HEAD: load-balancer health checkers often send HEAD. Vert.x answers a HEAD with the
   * status and headers the handler set and never sends the body (nor an automatic Content-Length, which
   * RFC 9110 lets a HEAD answer leave out).
   */
  static Route getOrHead(Router router, String path) {
    return router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
  }

  /** /ws speaks the protocol, /echo plain echo; anything else goes to the router. */
  private static Endpoint webSocketEndpoint(String path) {
    if ("/ws".equals(path)) {
      return Endpoint.PROTOCOL;
    }
    return "/echo".equals(path) ? Endpoint.ECHO : null;
  }

  @Override
  public Future<?> stop() {
    return connections == null ? Future.succeededFuture() : connections.stop();
  }
}
