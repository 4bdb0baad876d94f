package io.wstest.client.run;

import io.wstest.client.socket.ClusterView;
import picocli.CommandLine;

import java.util.Locale;

/**
 * The value of {@code --expect-instances}: a number of replicas, or {@code cluster} for as many as the service's
 * own cluster view ({@code GET /cluster} through the load balancer) lists when the run starts.
 */
public record ExpectedInstances(Integer count) {

  public static final String OPTION = "--expect-instances";
  public static final String CLUSTER_WORD = "cluster";

  /** Take the count from {@code GET /cluster}. */
  public static ExpectedInstances fromCluster() {
    return new ExpectedInstances(null);
  }

  public boolean fromClusterView() {
    return count == null;
  }

  /** picocli converter: a whole number of at least 1, or the word {@code cluster}. */
  public static final class Converter implements CommandLine.ITypeConverter<ExpectedInstances> {
    @Override
    public ExpectedInstances convert(String value) {
      String text = value.trim();
      if (text.toLowerCase(Locale.ROOT).equals(CLUSTER_WORD)) {
        return fromCluster();
      }
      try {
        int count = Integer.parseInt(text);
        if (count < 1) {
          throw new CommandLine.TypeConversionException("'" + text + "' must be 1 or more, or '" + CLUSTER_WORD
            + "' (as many replicas as GET /cluster lists)");
        }
        return new ExpectedInstances(count);
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + text + "' is not a number of instances nor '"
          + CLUSTER_WORD + "' (as many replicas as GET /cluster lists)");
      }
    }
  }

  /**
   * The replica count to expect, from the cluster view when asked for; null with {@code problem} set when the
   * view cannot give one.
   */
  public record Resolved(int count, ClusterView view, String problem) {
  }

  /** Resolves {@code cluster} against the service's view; a number stands as given. */
  public Resolved resolve(ScenarioRun run) throws InterruptedException {
    if (!fromClusterView()) {
      return new Resolved(count, null, null);
    }
    ClusterView view = run.clusterView();
    if (view.up()) {
      int replicas = view.replicaCount();
      return replicas > 0 ? new Resolved(replicas, view, null) : new Resolved(0, view,
        OPTION + " cluster: GET /cluster lists no replica (" + view.url() + ")");
    }
    if (view.disabled()) {
      return new Resolved(0, view, OPTION + " cluster: clustering is off on the service (GET " + view.url()
        + " answered 404: no REDIS_URL); give " + OPTION + " a number instead");
    }
    if (view.status() != null && view.status() == 503) {
      return new Resolved(0, view, OPTION + " cluster: the service cannot see its replicas right now (GET "
        + view.url() + " answered 503: " + view.reason() + ")");
    }
    return new Resolved(0, view, OPTION + " cluster: no cluster view from GET " + view.url() + " ("
      + view.reason() + ")");
  }
}
