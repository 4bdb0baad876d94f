package io.wstest.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wstest.identity.IdentityResolver;
import io.wstest.server.ServerConfig;
import io.wstest.server.ServiceLauncher;

import java.util.HashMap;
import java.util.Map;

/**
 * Both servers deployed into a test's own Vert.x (two verticle instances each, free loopback ports): real
 * sockets without a process start, for unit tests. Per-process state lives in that Vert.x, so tests don't mix.
 */
public record InProcessService(int httpPort, int wsPort) {

  public static Future<InProcessService> start(Vertx vertx, Map<String, String> extraEnv) {
    InProcessService service = new InProcessService(FreePorts.next(), FreePorts.next());
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("HTTP_PORT", Integer.toString(service.httpPort));
    env.put("WS_PORT", Integer.toString(service.wsPort));
    env.put("BIND_HOST", "127.0.0.1");
    env.put("INSTANCES", "2");
    return ServiceLauncher.start(vertx, ServerConfig.fromEnv(env), IdentityResolver.forThisProcess().resolve())
      .map(service);
  }
}
