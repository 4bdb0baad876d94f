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
  public static final short SERVICE_RESTART = 1012;

  private CloseCodes() {
  }
}
