package io.wstest.protocol;

/** RFC 6455 close codes the server sends. */
public final class CloseCodes {
  public static final short NORMAL = 1000;
  public static final short GOING_AWAY = 1001;
  public static final short PROTOCOL_ERROR = 1002;
  /** Never sent: what a socket that ended without a close frame is counted as. */
  public static final short ABNORMAL = 1006;
  public static final short INVALID_PAYLOAD = 1007;
  public static final short POLICY_VIOLATION = 1008;
  public static final short MESSAGE_TOO_BIG = 1009;
  public static final short INTERNAL_ERROR = 1011;
  public static final short SERVICE_RESTART = 1012;
  public static final short TRY_AGAIN_LATER = 1013;

  /** Codes a server may choose to send (RFC 6455 §7.4, IANA registry, and the 3000-4999 application range). */
  public static boolean isSendable(int code) {
    return code == NORMAL || code == GOING_AWAY || code == POLICY_VIOLATION
      || (code >= INTERNAL_ERROR && code <= TRY_AGAIN_LATER) || (code >= 3000 && code <= 4999);
  }

  /** The reason phrase sent with a close the server starts on purpose. */
  public static String reason(short code) {
    switch (code) {
      case NORMAL: return "normal closure";
      case GOING_AWAY: return "going away";
      case SERVICE_RESTART: return "service restart";
      case TRY_AGAIN_LATER: return "try again later";
      default: return "closed by the server";
    }
  }

  private CloseCodes() {
  }
}
