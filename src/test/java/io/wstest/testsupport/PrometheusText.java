package io.wstest.testsupport;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A parsed Prometheus text exposition: every sample with its labels, for assertions on a real scrape. */
public final class PrometheusText {

  public record Sample(String name, Map<String, String> labels, double value) {
  }

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  /** GET http://127.0.0.1:port/metrics; fails unless it answers 200 in the Prometheus text format. */
  public static Future<PrometheusText> scrape(HttpClient http, int port) {
    return scrapeText(http, port).map(PrometheusText::parse);
  }

  /** The scrape as text, to measure its size; fails like {@link #scrape}. */
  public static Future<String> scrapeText(HttpClient http, int port) {
    return http.request(HttpMethod.GET, port, "127.0.0.1", "/metrics")
      .compose(req -> req.send())
      .compose(response -> {
        String type = String.valueOf(response.getHeader("Content-Type"));
        if (response.statusCode() != 200 || !type.startsWith("text/plain")) {
          return Future.failedFuture("GET /metrics answered " + response.statusCode() + " " + type);
        }
        return response.body();
      })
      .map(body -> body.toString());
  }

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      samples.add(parseLine(line.trim()));
    }
    return new PrometheusText(samples);
  }

  private static Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space = line.lastIndexOf(' ');
    Map<String, String> labels = new LinkedHashMap<>();
    String name;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int end = line.lastIndexOf('}');
      String body = line.substring(brace + 1, end);
      int i = 0;
      while (i < body.length()) {
        int eq = body.indexOf('=', i);
        String key = body.substring(i, eq).trim();
        StringBuilder value = new StringBuilder();
        int j = eq + 2; // skip ="
        while (body.charAt(j) != '"') {
          char c = body.charAt(j);
          if (c == '\\') {
            j++;
            c = body.charAt(j) == 'n' ? '\n' : body.charAt(j);
          }
          value.append(c);
          j++;
        }
        labels.put(key, value.toString());
        i = j + 1;
        if (i < body.length() && body.charAt(i) == ',') {
          i++;
        }
      }
    } else {
      name = line.substring(0, space);
    }
    return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The sample with this name whose labels include all of {@code labels} (pairs: key, value, ...). */
  public Optional<Sample> find(String name, String... labels) {
    return samples.stream()
      .filter(s -> s.name().equals(name))
      .filter(s -> {
        for (int i = 0; i < labels.length; i += 2) {
          if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
            return false;
          }
        }
        return true;
      })
      .findFirst();
  }

  /** The value of that sample; fails naming the series when it is missing. */
  public double value(String name, String... labels) {
    return find(name, labels).orElseThrow(() -> new AssertionError("no series " + name + " "
      + String.join(",", labels) + " in the scrape")).value();
  }

  public boolean hasSeriesStartingWith(String prefix) {
    return samples.stream().anyMatch(s -> s.name().startsWith(prefix));
  }
}
