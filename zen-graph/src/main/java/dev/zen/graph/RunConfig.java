package dev.zen.graph;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Per-run settings: the thread the run belongs to (required: a stable id continues a
 * conversation), an optional listener receiving the run's {@link RunEvent}s as they happen, and
 * attachments: objects the run's nodes read through {@link NodeContext#attachment(Class)}.
 *
 * <p>Attachments carry what belongs to one run but not to its state: a request's progress
 * listener, loaded file contents, a client's credentials. They are never checkpointed or
 * serialized, and a resumed run sees only the attachments of its own {@code RunConfig}.
 */
public final class RunConfig {
  private final String threadId;
  private final @Nullable Consumer<RunEvent> listener;
  private final Map<Class<?>, Object> attachments;

  private RunConfig(Builder builder) {
    this.threadId = builder.threadId;
    this.listener = builder.listener;
    this.attachments = Map.copyOf(builder.attachments);
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

  /** The attachment of this type, if the run has one. */
  public <T> Optional<T> attachment(Class<T> type) {
    return Optional.ofNullable(attachments.get(type)).map(type::cast);
  }

  /** Builds a {@link RunConfig}; setters validate at once. */
  public static final class Builder {
    private final String threadId;
    private @Nullable Consumer<RunEvent> listener;
    private final Map<Class<?>, Object> attachments = new HashMap<>();

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

    /**
     * Attaches {@code value} under {@code type}, replacing an earlier one of that type: nodes read
     * it with {@link NodeContext#attachment(Class)}. Never stored in state or checkpoints.
     */
    public <T> Builder attach(Class<T> type, T value) {
      Objects.requireNonNull(type, "type");
      attachments.put(type, type.cast(Objects.requireNonNull(value, "value")));
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
