package io.wstest.client.soak;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.report.Tallies;
import io.wstest.client.report.Verdict;
import io.wstest.client.run.soak.SoakDisconnect;
import io.wstest.client.run.soak.SoakInstance;
import io.wstest.client.run.soak.SoakOutcome;
import io.wstest.client.run.soak.SoakSettings;
import io.wstest.client.stats.LatencySummary;
import io.wstest.options.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The statistics of a soak and its verdict, derived from what it counted ({@link SoakOutcome}).
 *
 * @param closes         disconnects by how the socket ended ({@link SoakDisconnect#close()}), most frequent first
 * @param reconnectMs    time from a socket becoming unusable (shutdown message, else close) to its replacement's
 *                       welcome, over the disconnects that got one
 * @param unrecovered    disconnects still without a replacement when the soak ended although they happened more
 *                       than the recovery limit (--backoff-max + --timeout) before
 * @param after          instances of the sockets open at the end; {@code notConnectedAtEnd} had none
 */
public record SoakSummary(SoakOutcome outcome, Map<String, Integer> closes, int abnormalCloses, int reconnects,
                          LatencySummary reconnectMs, int reconnectsOnDraining, int unrecovered,
                          List<InstanceShare> before, List<InstanceShare> after, int notConnectedAtEnd) {

  /** How many sockets one instance held. */
  public record InstanceShare(SoakInstance instance, int sockets) {
    public JsonObject toJson() {
      return instance.toJson().put("sockets", sockets);
    }
  }

  /**
   * @param endMs         when the soak stopped sending, in ms since it started
   * @param recoveryLimit a disconnect this long before the end should have been replaced
   */
  public static SoakSummary of(SoakOutcome outcome, long endMs, Duration recoveryLimit) {
    List<SoakDisconnect> disconnects = outcome.disconnects();
    Map<String, Integer> closes = new TreeMap<>();
    disconnects.forEach(d -> closes.merge(d.close(), 1, Integer::sum));
    List<Double> reconnect = new ArrayList<>();
    int onDraining = 0;
    int unrecovered = 0;
    for (SoakDisconnect d : disconnects) {
      if (d.reconnectMs() != null) {
        reconnect.add(d.reconnectMs().doubleValue());
        onDraining += d.reconnectedOnDraining() ? 1 : 0;
      } else if (endMs - d.startedAtMs() > recoveryLimit.toMillis()) {
        unrecovered++;
      }
    }
    int notConnected = (int) outcome.after().stream().filter(Objects::isNull).count();
    return new SoakSummary(outcome, byCountDescending(closes),
      (int) disconnects.stream().filter(SoakDisconnect::abnormal).count(), reconnect.size(),
      LatencySummary.of(reconnect), onDraining, unrecovered, shares(outcome.before()), shares(outcome.after()),
      notConnected);
  }

  private static Map<String, Integer> byCountDescending(Map<String, Integer> counts) {
    return counts.entrySet().stream()
      .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
      .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }

  /** Sockets per instance, the busiest first; sockets without an instance are left out. */
  public static List<InstanceShare> shares(List<SoakInstance> instances) {
    Map<SoakInstance, Integer> counts = new LinkedHashMap<>();
    instances.stream().filter(Objects::nonNull).forEach(i -> counts.merge(i, 1, Integer::sum));
    return counts.entrySet().stream().map(e -> new InstanceShare(e.getKey(), e.getValue()))
      .sorted(Comparator.comparingInt(InstanceShare::sockets).reversed()
        .thenComparing(s -> String.valueOf(s.instance().displayName())))
      .toList();
  }

  public int disconnects() {
    return outcome.disconnects().size();
  }

  /** The abnormal closes by kind, for messages: "1006: 3, reset: 1". */
  public String abnormalByKind() {
    return closes.entrySet().stream().filter(e -> !SoakDisconnect.NORMAL.contains(e.getKey()))
      .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
  }

  public String closesText() {
    return closes.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
  }

  public Verdict verdict(SoakSettings settings) {
    if (outcome.socketsConnected() == 0) {
      String why = outcome.firstFailure() == null ? "no socket connected" : outcome.firstFailure();
      return outcome.unreachableOnly()
        ? new Verdict(Verdict.CANNOT_TEST, "Cannot reach the target: " + why, List.of(), false)
        : new Verdict(Verdict.FAIL, "No socket could connect: " + why, List.of(), false);
    }
    List<String> problems = new ArrayList<>();
    SoakOutcome.MessageCounts m = outcome.messages();
    if (m.lost() > settings.maxLost()) {
      problems.add(m.lost() + " messages lost (sent, never answered: " + m.lostAtClose() + " on sockets that closed, "
        + m.unansweredAtEnd() + " unanswered at the end), more than --max-lost " + settings.maxLost());
    }
    if (abnormalCloses > settings.maxAbnormalCloses()) {
      problems.add(abnormalCloses + " abnormal closes (" + abnormalByKind() + "), more than --max-abnormal-closes "
        + settings.maxAbnormalCloses());
    }
    if (outcome.seqGaps() > 0 || outcome.seqOutOfOrder() > 0) {
      problems.add("server messages missing or out of order on a socket: " + outcome.seqGaps()
        + " seq numbers skipped, " + outcome.seqOutOfOrder() + " out of order");
    }
    if (unrecovered > 0) {
      problems.add(unrecovered + " sockets got no new connection within " + Durations.format(settings.recoveryLimit())
        + " of losing theirs (--backoff-max + --timeout)" + failuresText());
    }
    if (outcome.socketsConnected() < outcome.sockets()) {
      problems.add((outcome.sockets() - outcome.socketsConnected()) + " of " + outcome.sockets()
        + " sockets never connected" + failuresText());
    }
    if (!problems.isEmpty()) {
      return new Verdict(Verdict.FAIL, "The soak lost messages or connections", List.copyOf(problems), false);
    }
    String headline = disconnects() == 0
      ? "No disconnect, no lost message: " + m.acknowledged() + " messages answered on " + outcome.sockets()
        + " sockets"
      : "No lost message, no abnormal close: " + disconnects() + " disconnects (" + closesText() + "), "
        + reconnects + " reconnected, " + m.acknowledged() + " messages answered";
    return new Verdict(Verdict.PASS, headline, List.of(), false);
  }

  private String failuresText() {
    return outcome.connectFailures().isEmpty() ? "" : "; failed attempts: "
      + Tallies.failures(outcome.connectFailures());
  }

  public JsonObject toJson() {
    JsonObject closesJson = new JsonObject();
    closes.forEach(closesJson::put);
    JsonObject failures = new JsonObject();
    outcome.connectFailures().forEach(failures::put);
    return new JsonObject()
      .put("sockets", outcome.sockets())
      .put("sockets_connected", outcome.socketsConnected())
      .put("sockets_connected_at_end", outcome.sockets() - notConnectedAtEnd)
      .put("messages", outcome.messages().toJson())
      .put("server_seq", new JsonObject().put("gaps", outcome.seqGaps()).put("out_of_order", outcome.seqOutOfOrder()))
      .put("disconnects", disconnects())
      .put("closes", closesJson)
      .put("abnormal_closes", abnormalCloses)
      .put("reconnects", reconnects)
      .put("reconnect_ms", reconnectMs.toJson())
      .put("reconnects_on_draining", reconnectsOnDraining)
      .put("welcomes_on_draining", outcome.welcomesOnDraining())
      .put("unrecovered", unrecovered)
      .put("connect_failures", failures)
      .put("instances_before", sharesJson(before))
      .put("instances_after", sharesJson(after));
  }

  private static JsonArray sharesJson(List<InstanceShare> shares) {
    JsonArray array = new JsonArray();
    shares.forEach(s -> array.add(s.toJson()));
    return array;
  }
}
