package io.wstest.client.sticky;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wstest.client.run.ConnectSettings;
import io.wstest.client.socket.ConnectionResult;
import io.wstest.client.socket.WsTarget;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What pinned the client, worked out from the two runs: the replay run carried the cookies the load balancer set
 * and the user's {@code --header} values, the control run carried neither. Sticky with them and not without them:
 * they are the affinity. Sticky without them too: the load balancer pins by the client's address (or only one
 * instance answers), whatever cookie it sets. Not sticky with them: nothing pins the client.
 *
 * @param source         {@code cookie} (cookies the load balancer set, replayed), {@code header} (the user's
 *                       {@code --header} values, cookies given there included), {@code cookie_or_header} (both were
 *                       sent; the runs cannot tell which one did it), {@code client_address} (sticky without any
 *                       cookie or header), {@code none} (not sticky), {@code unknown} (sticky in the replay run
 *                       only, although it carried nothing the control run did not)
 * @param verified       a usable control run backs the source (or nothing was sent that could be it)
 * @param cookiesSet     the Set-Cookie headers the load balancer sent in the replay run, as stored
 * @param cookiesReplayed names of the cookies sent back on later connections (set ones and --header ones)
 * @param headersReplayed the user's other {@code --header} values, as "Name: value"
 */
public record Affinity(String source, boolean verified, String explanation, List<CookieJar.StoredCookie> cookiesSet,
                       List<String> cookiesReplayed, List<String> headersReplayed, List<CookieJar.Ignored> ignored) {

  public static Affinity of(StickyRun replay, StickyRun control, double minSticky, CookieJar jar, WsTarget target,
                            List<Map.Entry<String, String>> otherHeaders) {
    List<CookieJar.StoredCookie> set = jar.everSet();
    Set<String> replayedNames = new LinkedHashSet<>();
    for (ConnectionResult r : replay.run().results()) {
      if (r != replay.first()) {
        r.handshake().sent("Cookie").forEach(header -> replayedNames.addAll(cookieNames(header)));
      }
    }
    Set<String> setNames = set.stream().map(CookieJar.StoredCookie::name).collect(Collectors.toCollection(LinkedHashSet::new));
    boolean lbCookies = replayedNames.stream().anyMatch(setNames::contains);
    boolean userAffinity = !otherHeaders.isEmpty() || replayedNames.stream().anyMatch(n -> !setNames.contains(n));
    List<String> headers = otherHeaders.stream().map(h -> ConnectSettings.shownHeader(h.getKey(), h.getValue()))
      .toList();
    String carried = carried(set, replayedNames, headers, jar, target);
    boolean controlUsable = control != null && control.share() != null;

    String source;
    boolean verified;
    String explanation;
    if (!replay.sticky(minSticky)) {
      source = "none";
      verified = true;
      explanation = replay.share() == null ? "Stickiness could not be measured: fewer than 2 connections succeeded."
        : "Not sticky: only " + replay.shareText() + " returned to the first instance"
        + (carried.isEmpty() ? ". No cookie was set and none was sent: nothing pins this client, neither a cookie "
          + "nor its address." : ", with " + carried + ".");
    } else if (controlUsable && control.sticky(minSticky)) {
      source = "client_address";
      verified = true;
      explanation = "No cookie or header is involved: the control run, which sent none, was sticky too ("
        + control.percentText() + " returned), so the load balancer pins this client by its address (source-IP hash, "
        + "ClientIP session affinity) or only one instance answers."
        + (set.isEmpty() ? " The load balancer set no cookie." : " It did set " + cookieList(set)
        + ", but that is not what keeps the client there.");
    } else if (!lbCookies && !userAffinity) {
      // Nothing was sent that the control run did not send: only the address (or one instance) can pin it.
      source = controlUsable ? "unknown" : "client_address";
      verified = !controlUsable;
      explanation = controlUsable
        ? "The replay run was sticky and the control run was not, although both sent the same (no cookie was set): "
        + "the load balancer's choice changed between the runs."
        : "No cookie was set and none was sent, so the load balancer pins this client by its address (source-IP "
        + "hash, ClientIP session affinity) or only one instance answers.";
    } else {
      source = lbCookies && userAffinity ? "cookie_or_header" : lbCookies ? "cookie" : "header";
      verified = controlUsable;
      explanation = "Affinity comes from " + carried + (controlUsable
        ? ": the control run, which sent none of it, was not sticky (only " + control.percentText() + " returned)."
        : control == null ? " (not verified: --no-control)." : " (not verified: the control run had too few "
        + "successful connections).");
    }
    return new Affinity(source, verified, explanation, set, List.copyOf(replayedNames), headers, jar.ignored());
  }

  /** The cookie names in a Cookie request header value. */
  public static List<String> cookieNames(String cookieHeader) {
    List<String> names = new ArrayList<>();
    for (String pair : cookieHeader.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        names.add(pair.substring(0, eq).trim());
      }
    }
    return names;
  }

  /** What the replay run carried, in words: "cookie SRV (Set-Cookie: SRV=b1; path=/), replayed". */
  private static String carried(List<CookieJar.StoredCookie> set, Set<String> replayed, List<String> headers,
                                CookieJar jar, WsTarget target) {
    List<String> parts = new ArrayList<>();
    Set<String> setNames = new LinkedHashSet<>();
    for (CookieJar.StoredCookie c : set) {
      if (setNames.add(c.name())) {
        String why = replayed.contains(c.name()) ? "replayed" : notReplayed(c, target);
        parts.add("cookie " + c.name() + " (Set-Cookie: " + c.setCookie() + "), " + why);
      }
    }
    jar.ignored().forEach(i -> parts.add("Set-Cookie " + i.setCookie() + " (ignored: " + i.reason() + ")"));
    List<String> given = replayed.stream().filter(n -> !setNames.contains(n)).toList();
    if (!given.isEmpty()) {
      parts.add("--header cookie " + String.join(", ", given));
    }
    headers.forEach(h -> parts.add("--header '" + h + "'"));
    return String.join(" and ", parts);
  }

  private static String notReplayed(CookieJar.StoredCookie cookie, WsTarget target) {
    String reason = CookieJar.notSentReason(cookie, target);
    return "not replayed" + (reason != null ? ": " + reason
      : cookie.expiresAtMillis() != null ? ": expired or removed" : "");
  }

  private static String cookieList(List<CookieJar.StoredCookie> set) {
    Set<String> names = set.stream().map(CookieJar.StoredCookie::name).collect(Collectors.toCollection(LinkedHashSet::new));
    return (names.size() == 1 ? "cookie " : "cookies ") + String.join(", ", names);
  }

  /** One line for the console and the HTML facts. */
  public String summary() {
    String what = switch (source) {
      case "cookie" -> "the cookie" + (cookieNamesSet().size() == 1 ? " " : "s ") + String.join(", ", cookieNamesSet())
        + " set by the load balancer";
      case "header" -> "your " + userAffinity();
      case "cookie_or_header" -> "the load balancer's cookie " + String.join(", ", cookieNamesSet())
        + " or your " + userAffinity();
      case "client_address" -> "the client's address (no cookie involved)";
      case "unknown" -> "unknown";
      default -> "nothing: not sticky";
    };
    return what + (verified ? "" : " (not verified by a control run)");
  }

  /** "--header Cookie SRV, --header 'X-Route: b1'". */
  private String userAffinity() {
    List<String> parts = new ArrayList<>();
    List<String> setNames = cookiesSet.stream().map(CookieJar.StoredCookie::name).toList();
    List<String> given = cookiesReplayed.stream().filter(n -> !setNames.contains(n)).toList();
    if (!given.isEmpty()) {
      parts.add("--header cookie " + String.join(", ", given));
    }
    headersReplayed.forEach(h -> parts.add("--header '" + h + "'"));
    return String.join(" and ", parts);
  }

  private List<String> cookieNamesSet() {
    return cookiesSet.stream().map(CookieJar.StoredCookie::name).filter(cookiesReplayed::contains).distinct().toList();
  }

  public JsonObject toJson() {
    JsonArray set = new JsonArray();
    cookiesSet.forEach(c -> set.add(c.toJson()));
    JsonArray ignoredList = new JsonArray();
    ignored.forEach(i -> ignoredList.add(i.toJson()));
    return new JsonObject()
      .put("source", source)
      .put("verified", verified)
      .put("summary", summary())
      .put("explanation", explanation)
      .put("cookie_set", !cookiesSet.isEmpty())
      .put("cookies_set", set)
      .put("cookies_replayed", new JsonArray(new ArrayList<>(cookiesReplayed)))
      .put("headers_replayed", new JsonArray(new ArrayList<>(headersReplayed)))
      .put("cookies_ignored", ignoredList);
  }
}
