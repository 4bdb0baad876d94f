package io.wstest.client.report;

import io.wstest.client.stats.SpreadStats;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The bar charts more than one scenario draws in its HTML report. */
public final class Charts {

  private Charts() {
  }

  /** One bar per instance: its connections, its share, and the share --weights expected when given. */
  public static List<HtmlReport.Bar> instanceBars(SpreadStats stats) {
    return stats.instances().stream().map(i -> new HtmlReport.Bar(i.displayName(), i.count(),
      i.count() + String.format(Locale.ROOT, " (%.1f%%)", i.share() * 100)
        + (i.expectedShare() == null ? "" : String.format(Locale.ROOT, " expected %.1f%%", i.expectedShare() * 100))))
      .toList();
  }

  /** One bar per key of a tally (close codes, failure kinds), labelled with the key. */
  public static <K> List<HtmlReport.Bar> countBars(Map<K, Integer> counts) {
    return counts.entrySet().stream()
      .map(e -> new HtmlReport.Bar(String.valueOf(e.getKey()), e.getValue(), Integer.toString(e.getValue()))).toList();
  }
}
