package io.wstest.testsupport;

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

  public Backend withWeight(int newWeight) {
    return new Backend(name, httpPort, wsPort, newWeight);
  }
}
