package io.wstest.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * One service replica as a load balancer sees it: a name, its two loopback ports and, optionally, its weight in
 * the balancing (HAProxy {@code weight N}, nginx {@code weight=N}; null leaves the balancer's default of 1).
 */
public record Backend(String name, int httpPort, int wsPort, Integer weight) {

  public Backend(String name, int httpPort, int wsPort) {
    this(name, httpPort, wsPort, null);
  }

  public static Backend of(String name, ServiceProcess service) {
    return new Backend(name, service.httpPort(), service.wsPort());
  }

  /** The replicas as b1, b2, … in order (HAProxy's sticky cookie values are these names). */
  public static List<Backend> numbered(List<ServiceProcess> services) {
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      backends.add(of("b" + (i + 1), services.get(i)));
    }
    return backends;
  }

  public Backend withWeight(int newWeight) {
    return new Backend(name, httpPort, wsPort, newWeight);
  }
}
