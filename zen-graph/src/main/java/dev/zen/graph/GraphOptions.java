package dev.zen.graph;

import dev.zen.ZenExecutors;
import dev.zen.spi.CheckpointStore;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * How a compiled graph runs. Defaults: no checkpoint store (runs are not resumable and threads
 * keep no history), the shared {@link ZenExecutors#defaultRuntime() runtime executor},
 * {@link GraphTracing#automatic() automatic tracing}, no interrupts, 100 steps per run,
 * checkpoint-store calls bounded by 30 s, a checkpoint after {@link Checkpointing#EVERY_STEP every step},
 * every checkpoint kept (see {@link Builder#latestCheckpointOnly(boolean)}).
 */
public final class GraphOptions {
  private final @Nullable CheckpointStore checkpointStore;
  private final ExecutorService executor;
  private final GraphTracing tracing;
  private final Set<String> interruptBefore;
  private final Set<String> interruptAfter;
  private final int maxSteps;
  private final Duration storeTimeout;
  private final Checkpointing checkpointing;
  private final boolean latestCheckpointOnly;

  private GraphOptions(Builder builder) {
    this.checkpointStore = builder.checkpointStore;
    this.executor = builder.executor;
    this.tracing = builder.tracing;
    this.interruptBefore = Set.copyOf(builder.interruptBefore);
    this.interruptAfter = Set.copyOf(builder.interruptAfter);
    this.maxSteps = builder.maxSteps;
    this.storeTimeout = builder.storeTimeout;
    this.checkpointing = builder.checkpointing;
    this.latestCheckpointOnly = builder.latestCheckpointOnly;
  }

  public static GraphOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<CheckpointStore> checkpointStore() {
    return Optional.ofNullable(checkpointStore);
  }

  public ExecutorService executor() {
    return executor;
  }

  public GraphTracing tracing() {
    return tracing;
  }

  public Set<String> interruptBefore() {
    return interruptBefore;
  }

  public Set<String> interruptAfter() {
    return interruptAfter;
  }

  public int maxSteps() {
    return maxSteps;
  }

  public Duration storeTimeout() {
    return storeTimeout;
  }

  public Checkpointing checkpointing() {
    return checkpointing;
  }

  /** Whether each write replaces the thread's previous checkpoint (see {@link Builder#latestCheckpointOnly}). */
  public boolean latestCheckpointOnly() {
    return latestCheckpointOnly;
  }

  /** Builds {@link GraphOptions}; setters validate at once, build() has no side effects. */
  public static final class Builder {
    private @Nullable CheckpointStore checkpointStore;
    private ExecutorService executor = ZenExecutors.defaultRuntime();
    private GraphTracing tracing = GraphTracing.automatic();
    private final Set<String> interruptBefore = new LinkedHashSet<>();
    private final Set<String> interruptAfter = new LinkedHashSet<>();
    private int maxSteps = 100;
    private Duration storeTimeout = Duration.ofSeconds(30);
    private Checkpointing checkpointing = Checkpointing.EVERY_STEP;
    private boolean latestCheckpointOnly;

    private Builder() {}

    /**
     * Keep only each thread's latest checkpoint (default false: every checkpoint is kept, as the
     * store's own limits allow). Each write replaces the thread's previous checkpoint in place, so
     * a thread's storage stays the size of one state however many runs it has, instead of growing
     * with the square of its length when the state accumulates (a conversation's turns). The price:
     * {@link CompiledAgentGraph#history} returns at most one checkpoint, and a thread cannot be
     * replayed from an earlier step. Runs and interrupts work as before.
     */
    public Builder latestCheckpointOnly(boolean latestCheckpointOnly) {
      this.latestCheckpointOnly = latestCheckpointOnly;
      return this;
    }

    /** When runs write checkpoints (default {@link Checkpointing#EVERY_STEP}). */
    public Builder checkpointing(Checkpointing checkpointing) {
      this.checkpointing = Objects.requireNonNull(checkpointing, "checkpointing");
      return this;
    }

    /** Where checkpoints go; required for resume, history and continued threads. */
    public Builder checkpointStore(CheckpointStore checkpointStore) {
      this.checkpointStore = Objects.requireNonNull(checkpointStore, "checkpointStore");
      return this;
    }

    /**
     * Where runs and parallel branches execute. The caller keeps ownership (the graph never shuts
     * it down). Must not be an event-loop executor: runs block on it.
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public Builder tracing(GraphTracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /** Pause runs before these nodes (resume continues); needs a checkpoint store. */
    public Builder interruptBefore(String... nodeIds) {
      interruptBefore.addAll(List.of(nodeIds));
      return this;
    }

    /** Pause runs after these nodes (resume continues); needs a checkpoint store. */
    public Builder interruptAfter(String... nodeIds) {
      interruptAfter.addAll(List.of(nodeIds));
      return this;
    }

    /** Upper bound on node executions per run, guarding against endless loops (>= 1). */
    public Builder maxSteps(int maxSteps) {
      if (maxSteps < 1) {
        throw new IllegalArgumentException("maxSteps must be >= 1, was " + maxSteps);
      }
      this.maxSteps = maxSteps;
      return this;
    }

    /** Bound on each checkpoint-store call a run makes (> 0). */
    public Builder storeTimeout(Duration storeTimeout) {
      Objects.requireNonNull(storeTimeout, "storeTimeout");
      if (storeTimeout.isNegative() || storeTimeout.isZero()) {
        throw new IllegalArgumentException("storeTimeout must be positive, was " + storeTimeout);
      }
      this.storeTimeout = storeTimeout;
      return this;
    }

    public GraphOptions build() {
      return new GraphOptions(this);
    }
  }
}
