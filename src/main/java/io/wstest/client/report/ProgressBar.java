package io.wstest.client.report;

import java.io.PrintWriter;

/** A one-line progress bar redrawn with carriage returns; only used on a terminal. */
public final class ProgressBar {

  private static final int WIDTH = 40;

  private final PrintWriter out;
  private final int total;
  private int lastDrawn = -1;

  public ProgressBar(PrintWriter out, int total) {
    this.out = out;
    this.total = total;
  }

  /** Redraws when the bar grew by at least one cell or the run finished. */
  public void update(int done, int failed) {
    int cells = (int) ((long) done * WIDTH / total);
    if (cells == lastDrawn && done < total) {
      return;
    }
    lastDrawn = cells;
    out.print("\r   [" + "#".repeat(cells) + ".".repeat(WIDTH - cells) + "] " + done + "/" + total
      + (failed > 0 ? " (" + failed + " failed)" : ""));
    if (done >= total) {
      out.println();
    }
    out.flush();
  }

  /** Clears the bar's line so a message can be printed in its place; the next update redraws it. */
  public void clear() {
    out.print("\r" + " ".repeat(WIDTH + 30) + "\r");
    lastDrawn = -1;
  }
}
