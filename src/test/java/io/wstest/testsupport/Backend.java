package io.wstest.testsupport;

/** One service replica as a load balancer sees it: a name and its two loopback ports. */
public record Backend(String name, int httpPort, int wsPort) {

  public static Backend of(String name, ServiceProcess service) {
    return new Backend(name, service.httpPort(), service.wsPort());
  }
}
