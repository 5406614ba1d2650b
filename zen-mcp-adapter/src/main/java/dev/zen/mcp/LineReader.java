package dev.zen.mcp;

import java.io.IOException;
import java.io.Reader;
import org.jspecify.annotations.Nullable;

/**
 * Splits stdin into lines ({@code \n}, {@code \r\n} or {@code \r}) with a size cap. A line over
 * the cap is skipped up to its end and reported as {@link Line#tooLong()}, so one oversized
 * message costs an error answer, not the session (the SDK's reader gives up on the stream).
 */
final class LineReader {
  /** A line's text, or a marker that it exceeded the cap (its text is then dropped). */
  record Line(String text, boolean tooLong) {}

  private final Reader reader;
  private final int maxChars;
  private final char[] buffer = new char[8192];
  private int position;
  private int limit;
  private boolean skipNextNewline;

  LineReader(Reader reader, int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be >= 1, was " + maxChars);
    }
    this.reader = reader;
    this.maxChars = maxChars;
  }

  /** The next line, or {@code null} at the end of the stream. */
  @Nullable Line next() throws IOException {
    StringBuilder line = new StringBuilder();
    boolean tooLong = false;
    while (true) {
      if (position == limit) {
        limit = reader.read(buffer, 0, buffer.length);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          return line.length() > 0 || tooLong ? new Line(line.toString(), tooLong) : null;
        }
      }
      if (skipNextNewline) {
        skipNextNewline = false;
        if (buffer[position] == '\n') {
          position++;
          continue;
        }
      }
      int start = position;
      while (position < limit) {
        char c = buffer[position];
        if (c == '\n' || c == '\r') {
          append(line, start, position, tooLong);
          tooLong |= line.length() > maxChars;
          position++;
          skipNextNewline = c == '\r';
          return tooLong ? new Line("", true) : new Line(line.toString(), false);
        }
        position++;
      }
      append(line, start, position, tooLong);
      if (line.length() > maxChars) {
        tooLong = true;
        line.setLength(0);
      }
    }
  }

  private void append(StringBuilder line, int from, int to, boolean discarding) {
    if (!discarding) {
      line.append(buffer, from, to - from);
    }
  }
}
