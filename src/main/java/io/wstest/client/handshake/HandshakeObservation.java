package io.wstest.client.handshake;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * What {@code test-lb handshake} sent and measured, before any judgement ({@link HandshakeChecks} judges).
 *
 * @param clientScheme       ws or wss, as the client connected to the load balancer
 * @param sentHost           the host name the client connected to (its Host header, without the port)
 * @param sentOrigin         the Origin header sent
 * @param markerName         the random marker header's name
 * @param markerValue        its value
 * @param upgrade            the main handshake: its answer and the welcome
 * @param subprotocolOffered the subprotocol offered on a handshake of its own
 * @param subprotocol        that handshake
 * @param direct             the handshake straight to a server ({@code --direct}), null without
 * @param ladder             the message-size ladder through the load balancer, null when it could not run
 * @param latency            ping round trips through the load balancer and direct, null without {@code --direct}
 */
public record HandshakeObservation(String clientScheme, String sentHost, String sentOrigin, String markerName,
                                   String markerValue, Attempt upgrade, String subprotocolOffered,
                                   Attempt subprotocol, Attempt direct, Ladder ladder, Latency latency) {

  /**
   * One handshake.
   *
   * @param status          the HTTP status of the answer (101 when it upgraded), null when there was no answer
   * @param body            the non-101 answer's body, else null
   * @param failure         why there is no welcome (the failure's one-line detail), else null
   * @param responseHeaders the 101's headers as the client got them
   * @param subprotocol     the subprotocol the 101 returned to the client, or null
   * @param welcome         the server's welcome (with its {@code request} as the server received it), or null
   */
  public record Attempt(Integer status, String body, String failure, List<Map.Entry<String, String>> responseHeaders,
                        String subprotocol, JsonObject welcome) {

    public boolean upgraded() {
      return welcome != null;
    }
  }

  /**
   * The largest message that passed through the load balancer.
   *
   * @param serverLimit  the server's {@code max_message_bytes} from its welcome, null when it does not say
   * @param largestPassed the largest size echoed back, 0 when none was
   * @param firstFailed  the first size that was not echoed, null when every size was
   * @param closeCode    how the socket ended at {@code firstFailed}: the close code (1006 without a close frame)
   * @param closeReason  the close reason, or null
   * @param reset        a TCP reset was seen
   * @param detail       a failure other than a close (a timeout), or null
   */
  public record Ladder(Integer serverLimit, int largestPassed, Integer firstFailed, Short closeCode,
                       String closeReason, boolean reset, String detail) {

    /**
     * The socket was closed by the server's own limit: its 1009, whose reason names that limit ("message larger
     * than 4096 bytes", or Netty's "Max frame length of 4096 has been exceeded."); a balancer's 1009 does not.
     */
    public boolean closedByServerLimit() {
      return closeCode != null && closeCode == 1009 && closeReason != null && serverLimit != null
        && closeReason.contains(String.valueOf(serverLimit));
    }
  }

  /** Round trips of {@code ping} messages in ms, through the load balancer and straight to a server. */
  public record Latency(List<Double> throughLb, List<Double> direct) {
  }
}
