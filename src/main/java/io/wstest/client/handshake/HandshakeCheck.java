package io.wstest.client.handshake;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * One thing {@code test-lb handshake} checked about what the load balancer did to the handshake.
 *
 * @param name     what was checked, such as {@code upgrade} or {@code subprotocol}
 * @param status   the outcome
 * @param measured what was sent and what the server saw or the client got back, one line
 * @param fix      one line on how to fix it in nginx, HAProxy and ingress-nginx; empty when nothing is to fix
 */
public record HandshakeCheck(String name, Status status, String measured, String fix) {

  public enum Status {
    PASS, WARN, FAIL, SKIPPED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static HandshakeCheck pass(String name, String measured) {
    return new HandshakeCheck(name, Status.PASS, measured, "");
  }

  static HandshakeCheck warn(String name, String measured, String fix) {
    return new HandshakeCheck(name, Status.WARN, measured, fix);
  }

  static HandshakeCheck fail(String name, String measured, String fix) {
    return new HandshakeCheck(name, Status.FAIL, measured, fix);
  }

  static HandshakeCheck skipped(String name, String why) {
    return new HandshakeCheck(name, Status.SKIPPED, why, "");
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("status", status.wireName()).put("measured", measured)
      .put("fix", fix.isEmpty() ? null : fix);
  }
}
