package io.wstest.client.audit;

import io.vertx.core.json.JsonObject;

/**
 * One line of the audit's report card.
 *
 * @param part     which part of the audit measured it: handshake, spread, sticky, idle-timeout, drain
 * @param check    what was checked, e.g. {@code upgrade}, {@code idle timeout}
 * @param status   pass, warn, fail or skipped
 * @param measured the figure measured (or why it was skipped), one line
 * @param fix      the one-line configuration fix for the recognised load balancer (or for the common ones when it
 *                 was not recognised); empty when there is nothing to fix
 */
public record CardLine(String part, String check, CheckStatus status, String measured, String fix) {

  public static CardLine pass(String part, String check, String measured) {
    return new CardLine(part, check, CheckStatus.PASS, measured, "");
  }

  public static CardLine skipped(String part, String check, String why) {
    return new CardLine(part, check, CheckStatus.SKIPPED, why, "");
  }

  /** The name shown on the card: "handshake: upgrade", or the part alone when the check is the part. */
  public String name() {
    return check.equals(part) ? part : part + ": " + check;
  }

  public JsonObject toJson() {
    return new JsonObject().put("part", part).put("check", check).put("status", status.label())
      .put("measured", measured).put("fix", fix.isEmpty() ? null : fix);
  }
}
