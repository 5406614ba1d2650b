package dev.zen.mcp;

import java.io.IOException;
import java.io.Reader;
import org.jspecify.annotations.Nullable;

/**
 * Splits stdin into lines ({@code \n}, {@code \r\n} or {@code \r}) with a size cap. A line over
 * the cap is skipped up to its end and reported as {@link Line#tooLong()}, so one oversized
 * message costs an error answer, not the session (the SDK's reader gives up on the stream).
 *
 * <p>Of a skipped line the first {@value #HEAD_CHARS} and the last {@value #TAIL_CHARS}
 * characters are kept: a request's id usually sits at one end, and JSON-RPC wants the error
 * answer to carry it when it can be read.
 */
final class LineReader {
  static final int HEAD_CHARS = 64 * 1024;
  static final int TAIL_CHARS = 1024;

  /**
   * A line's text, or a marker that it exceeded the cap; then {@code text} is empty and
   * {@code head}/{@code tail} hold the line's two ends.
   */
  record Line(String text, boolean tooLong, String head, String tail) {
    static Line of(String text) {
      return new Line(text, false, "", "");
    }
  }

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
    String head = null;
    StringBuilder tail = new StringBuilder();
    while (true) {
      if (position == limit) {
        limit = reader.read(buffer, 0, buffer.length);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          if (head != null) {
            return new Line("", true, head, tail.toString());
          }
          return line.length() > 0 ? Line.of(line.toString()) : null;
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
      boolean ended = false;
      while (position < limit) {
        char c = buffer[position];
        if (c == '\n' || c == '\r') {
          ended = true;
          skipNextNewline = c == '\r';
          break;
        }
        position++;
      }
      if (head == null) {
        line.append(buffer, start, position - start);
        if (line.length() > maxChars) {
          head = line.substring(0, Math.min(HEAD_CHARS, line.length()));
          keepTail(tail, line, 0, line.length());
          line.setLength(0);
        }
      } else {
        keepTail(tail, buffer, start, position);
      }
      if (ended) {
        position++;
        return head != null ? new Line("", true, head, tail.toString()) : Line.of(line.toString());
      }
    }
  }

  private static void keepTail(StringBuilder tail, CharSequence chars, int from, int to) {
    int length = to - from;
    if (length >= TAIL_CHARS) {
      tail.setLength(0);
      tail.append(chars, to - TAIL_CHARS, to);
      return;
    }
    tail.append(chars, from, to);
    if (tail.length() > TAIL_CHARS) {
      tail.delete(0, tail.length() - TAIL_CHARS);
    }
  }

  private static void keepTail(StringBuilder tail, char[] chars, int from, int to) {
    keepTail(tail, java.nio.CharBuffer.wrap(chars), from, to);
  }
}
