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
        + (i.expectedShare() == null ? "" : String.format(Locale.ROOT, " expected %.1f%%", i.expectedShare() * 100)),
      i.displayName()))
      .toList();
  }

  /**
   * One bar per instance on a 0-100 % axis, in the instance's colour: its share of the connections, and a marker
   * at the share --weights expected when given.
   */
  public static List<HtmlReport.ShareBar> instanceShares(SpreadStats stats) {
    return stats.instances().stream().map(i -> new HtmlReport.ShareBar(i.displayName(), i.displayName(), i.share(),
      null, null, i.expectedShare(), i.count() + String.format(Locale.ROOT, " (%.1f%%)", i.share() * 100)
        + (i.expectedShare() == null ? "" : String.format(Locale.ROOT, " expected %.1f%%", i.expectedShare() * 100)),
      null)).toList();
  }

  /** The instances' names as the charts label them, for {@link HtmlReport#instances}. */
  public static List<String> instanceNames(SpreadStats stats) {
    return stats.instances().stream().map(SpreadStats.InstanceCount::displayName).toList();
  }

  /** One bar per key of a tally (close codes, failure kinds), labelled with the key. */
  public static <K> List<HtmlReport.Bar> countBars(Map<K, Integer> counts) {
    return counts.entrySet().stream()
      .map(e -> new HtmlReport.Bar(String.valueOf(e.getKey()), e.getValue(), Integer.toString(e.getValue()))).toList();
  }
}
