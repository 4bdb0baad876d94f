package io.wstest.lab;

/**
 * One replica of the lab: its POD_NAME, SERVICE_VERSION, weight in the balancing and its two loopback ports.
 */
record Replica(String name, String version, int weight, int httpPort, int wsPort) {

  static final String STABLE = "v1";
  static final String CANARY = "v2";
  static final int STABLE_WEIGHT = 9;
  static final int CANARY_WEIGHT = 1;
}
