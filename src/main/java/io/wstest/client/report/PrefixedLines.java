package io.wstest.client.report;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * A writer that hands whole lines, each with a prefix, to another console's writer: one {@code println} per line,
 * so parts printing on threads of their own interleave by line, never inside one. A line not yet ended waits
 * until its newline, or until {@link #close}.
 */
final class PrefixedLines extends Writer {

  private final PrintWriter target;
  private final String prefix;
  private final StringBuilder line = new StringBuilder();

  PrefixedLines(PrintWriter target, String prefix) {
    this.target = target;
    this.prefix = prefix;
  }

  @Override
  public void write(char[] chars, int offset, int length) {
    synchronized (lock) {
      for (int i = offset; i < offset + length; i++) {
        char c = chars[i];
        if (c == '\n') {
          target.println(prefix + line);
          line.setLength(0);
        } else if (c != '\r') {
          line.append(c);
        }
      }
    }
  }

  @Override
  public void flush() {
    target.flush();
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (line.length() > 0) {
        target.println(prefix + line);
        line.setLength(0);
      }
    }
    target.flush();
  }
}
