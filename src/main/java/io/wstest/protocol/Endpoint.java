package io.wstest.protocol;

/** What a WebSocket endpoint speaks. */
public enum Endpoint {
  /** The JSON protocol of docs/protocol.md: welcome, ping, echo, broadcast, info (/ws and the raw server). */
  PROTOCOL,
  /** Plain RFC 6455 echo: every text and binary message comes back unchanged, nothing else is sent (/echo). */
  ECHO
}
