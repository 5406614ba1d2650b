package dev.zen.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the first {@code limit} bytes of one output stream of a command, flags whether more came,
 * and reports the kept bytes line by line to a consumer (the executors adapt it to their
 * {@code OutputListener}; this package depends on no SPI type). Bytes past the limit are
 * counted and dropped, so the reader keeps draining and the command never blocks on a full pipe
 * or an exhausted SSH window. Fed by one reader at a time (not thread-safe); {@link #finish()}
 * reports the last unterminated line.
 */
public final class OutputCapture {
  private static final Logger log = LoggerFactory.getLogger(OutputCapture.class);

  private final int limit;
  private final String name;
  private final Consumer<String> lines;
  private byte[] kept;
  private int size;
  private int lineStart;
  private boolean truncated;
  private boolean finished;

  /**
   * @param name the stream's name, for the log when the consumer fails
   * @param lines receives each kept line without its terminator, decoded as UTF-8
   */
  public OutputCapture(int limit, String name, Consumer<String> lines) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be > 0, was " + limit);
    }
    this.limit = limit;
    this.name = name;
    this.lines = lines;
    this.kept = new byte[Math.min(limit, 8192)];
  }

  /** Adds {@code length} bytes read from the stream. */
  public void append(byte[] bytes, int offset, int length) {
    int room = limit - size;
    if (length > room) {
      truncated = true;
    }
    int take = Math.min(length, Math.max(room, 0));
    if (take <= 0) {
      return;
    }
    if (size + take > kept.length) {
      kept = Arrays.copyOf(kept, Math.min(limit, Math.max(kept.length * 2, size + take)));
    }
    System.arraycopy(bytes, offset, kept, size, take);
    int scanFrom = size;
    size += take;
    for (int i = scanFrom; i < size; i++) {
      if (kept[i] == '\n') {
        emit(lineStart, i);
        lineStart = i + 1;
      }
    }
  }

  /** The stream ended: reports its last line if it had no terminator. Idempotent. */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (lineStart < size) {
      emit(lineStart, size);
      lineStart = size;
    }
  }

  public String text() {
    return new String(kept, 0, size, StandardCharsets.UTF_8);
  }

  public boolean truncated() {
    return truncated;
  }

  private void emit(int from, int to) {
    int end = to > from && kept[to - 1] == '\r' ? to - 1 : to;
    String line = new String(kept, from, end - from, StandardCharsets.UTF_8);
    try {
      lines.accept(line);
    } catch (RuntimeException e) {
      log.warn("an output listener failed on a {} line; the command goes on", name, e);
    }
  }
}
