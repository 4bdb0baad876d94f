package io.wstest.client.report;

import io.wstest.client.socket.FailureKind;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Counts by kind (failure kinds, close codes, HTTP statuses) in words for the console and the HTML report, never
 * as a Java map: {@code {handshake_status 503=4}} reads "HTTP 503 on upgrade: 4".
 */
public final class Tallies {

  private Tallies() {
  }

  /** A failure kind as counted ({@code handshake_status 503}, {@code refused} ...), in words. */
  public static String failureKind(String key) {
    String kind = key;
    String status = null;
    int space = key.indexOf(' ');
    if (space > 0) {
      kind = key.substring(0, space);
      status = key.substring(space + 1);
    }
    if (kind.equals(FailureKind.HANDSHAKE_STATUS.label())) {
      return status == null ? "HTTP error on upgrade" : "HTTP " + status + " on upgrade";
    }
    return status == null ? kind : kind + " " + status;
  }

  /** "HTTP 503 on upgrade: 4, refused: 2". */
  public static String failures(Map<String, Integer> byKind) {
    return byKind.entrySet().stream().map(e -> failureKind(e.getKey()) + ": " + e.getValue())
      .collect(Collectors.joining(", "));
  }

  /** "1006: 3, 1011: 1". */
  public static String counts(Map<?, Integer> byKey) {
    return byKey.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
  }

  /** "HTTP 503 on upgrade: 4". */
  public static String httpStatuses(Map<Integer, Integer> byStatus) {
    return byStatus.entrySet().stream().map(e -> "HTTP " + e.getKey() + " on upgrade: " + e.getValue())
      .collect(Collectors.joining(", "));
  }
}
