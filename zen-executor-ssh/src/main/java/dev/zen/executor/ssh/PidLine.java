package dev.zen.executor.ssh;

import dev.zen.internal.OutputCapture;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The remote wrapper's first stderr line, {@code zen-pid:<pid>}: taken off the stream (the caller
 * never sees it, and it counts against no cap) and kept, so that a command whose server refuses
 * signal requests can still be killed by a second command. Fed by one reader at a time.
 */
final class PidLine {
  static final String PREFIX = "zen-pid:";
  private static final int MAX_HEAD = 40;

  private final OutputCapture capture;
  private byte[] head = new byte[0];
  private boolean passing;
  private volatile @Nullable Long pid;

  PidLine(OutputCapture capture) {
    this.capture = capture;
  }

  @Nullable Long pid() {
    return pid;
  }

  void append(byte[] bytes, int offset, int length) {
    if (passing) {
      capture.append(bytes, offset, length);
      return;
    }
    byte[] joined = Arrays.copyOf(head, head.length + length);
    System.arraycopy(bytes, offset, joined, head.length, length);
    head = joined;
    int newline = -1;
    for (int i = 0; i < head.length; i++) {
      if (head[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0 && head.length < MAX_HEAD) {
      return;
    }
    passing = true;
    String first = newline < 0 ? "" : new String(head, 0, newline, StandardCharsets.US_ASCII);
    if (first.startsWith(PREFIX)) {
      try {
        pid = Long.parseLong(first.substring(PREFIX.length()).strip());
      } catch (NumberFormatException e) {
        // not ours after all: pass it on
        capture.append(head, 0, head.length);
        head = new byte[0];
        return;
      }
      capture.append(head, newline + 1, head.length - newline - 1);
    } else {
      capture.append(head, 0, head.length);
    }
    head = new byte[0];
  }

  void finish() {
    if (!passing) {
      passing = true;
      capture.append(head, 0, head.length);
      head = new byte[0];
    }
    capture.finish();
  }
}
