package dev.zen.agent;

import dev.zen.spi.ChatChunk;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Numbers a call's progress reports and batches streamed chunks into a few of them. */
final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  /** A batch ends after this many characters: a report per token would flood a client's pipe. */
  static final int BATCH_CHARS = 400;

  private final @Nullable Consumer<ToolProgress> listener;
  private final AtomicLong counter = new AtomicLong();

  Progress(@Nullable Consumer<ToolProgress> listener) {
    this.listener = listener;
  }

  /** Whether anyone listens: no point in timers that report to no one. */
  boolean wanted() {
    return listener != null;
  }

  void report(String message) {
    if (listener == null) {
      return;
    }
    // Numbering and delivery under one lock keep reports in counter order for the listener.
    synchronized (this) {
      ToolProgress progress = new ToolProgress(counter.incrementAndGet(), null, message);
      try {
        listener.accept(progress);
      } catch (RuntimeException e) {
        LOG.warn("a progress listener threw on '{}'; ignored", message, e);
      }
    }
  }

  /** A chunk listener reporting once per {@value #BATCH_CHARS} characters, then once at {@link Batcher#flush()}. */
  Batcher batcher(String label) {
    return new Batcher(label);
  }

  final class Batcher implements Consumer<ChatChunk> {
    private final String label;
    private int pendingChars;
    private int pendingChunks;
    private long totalChars;

    private Batcher(String label) {
      this.label = label;
    }

    @Override
    public void accept(ChatChunk chunk) {
      String message;
      synchronized (this) {
        pendingChars += chunk.text().length();
        pendingChunks++;
        totalChars += chunk.text().length();
        if (pendingChars < BATCH_CHARS) {
          return;
        }
        message = take();
      }
      report(message);
    }

    void flush() {
      String message;
      synchronized (this) {
        if (pendingChunks == 0) {
          return;
        }
        message = take();
      }
      report(message);
    }

    private String take() {
      String message = label + ": received " + totalChars + " characters";
      pendingChars = 0;
      pendingChunks = 0;
      return message;
    }
  }
}
