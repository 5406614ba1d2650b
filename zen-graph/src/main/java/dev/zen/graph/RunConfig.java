package dev.zen.graph;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Per-run settings: the thread the run belongs to (required: a stable id continues a
 * conversation) and an optional listener receiving the run's {@link RunEvent}s as they happen.
 */
public final class RunConfig {
  private final String threadId;
  private final @Nullable Consumer<RunEvent> listener;

  private RunConfig(Builder builder) {
    this.threadId = builder.threadId;
    this.listener = builder.listener;
  }

  /** A run on {@code threadId} with no listener. */
  public static RunConfig forThread(String threadId) {
    return builder(threadId).build();
  }

  public static Builder builder(String threadId) {
    return new Builder(threadId);
  }

  public String threadId() {
    return threadId;
  }

  public Optional<Consumer<RunEvent>> listener() {
    return Optional.ofNullable(listener);
  }

  /** Builds a {@link RunConfig}; setters validate at once. */
  public static final class Builder {
    private final String threadId;
    private @Nullable Consumer<RunEvent> listener;

    private Builder(String threadId) {
      this.threadId = requireThreadId(threadId);
    }

    /**
     * Receives every event of the run, on the thread that produced it (possibly an I/O thread):
     * it must be quick and must not block. A listener that throws is logged and ignored.
     */
    public Builder listener(Consumer<RunEvent> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public RunConfig build() {
      return new RunConfig(this);
    }
  }

  static String requireThreadId(@Nullable String threadId) {
    if (threadId == null || threadId.isBlank()) {
      throw new IllegalArgumentException("thread id must not be null or blank: every run belongs to a "
          + "thread (a conversation); pass a stable id to continue it later, or a fresh UUID for a one-off run");
    }
    return threadId;
  }
}
