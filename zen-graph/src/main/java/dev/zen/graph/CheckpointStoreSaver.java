package dev.zen.graph;

import dev.zen.OperationTimeoutException;
import dev.zen.ServiceUnavailableException;
import dev.zen.internal.Futures;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.checkpoint.BaseCheckpointSaver;
import org.jspecify.annotations.Nullable;

/**
 * The one bridge from Zen's asynchronous {@link CheckpointStore} to langgraph4j's synchronous
 * {@link BaseCheckpointSaver}. langgraph4j calls it on the run's own runtime thread, so waiting
 * here (bounded by the store timeout) never blocks an event loop. langgraph4j's checkpoint
 * semantics, and any future change to them, stay in this class.
 *
 * <p>A write that fails during a run is reported by the run ({@link RunExecution#storeFailed}),
 * not thrown at langgraph4j, which would log it with its stack trace; and a run that already
 * failed or was cancelled writes nothing more.
 */
final class CheckpointStoreSaver implements BaseCheckpointSaver {
  private final CheckpointStore store;
  private final Duration timeout;
  private final String graph;
  private final boolean latestOnly;

  /** The id every checkpoint of a thread gets when only the latest is kept: each put replaces it. */
  static final String LATEST_ID = "latest";

  CheckpointStoreSaver(CheckpointStore store, Duration timeout, String graph, boolean latestOnly) {
    this.store = store;
    this.timeout = timeout;
    this.graph = graph;
    this.latestOnly = latestOnly;
  }

  @Override
  public Collection<org.bsc.langgraph4j.checkpoint.Checkpoint> list(RunnableConfig config) {
    String thread = threadId(config);
    return await(store.history(thread, Integer.MAX_VALUE), "reading the history of", thread, runOf(config)).stream()
        .map(CheckpointStoreSaver::toLangGraph)
        .toList();
  }

  @Override
  public Optional<org.bsc.langgraph4j.checkpoint.Checkpoint> get(RunnableConfig config) {
    String thread = threadId(config);
    RunExecution run = runOf(config);
    Optional<Checkpoint> found = config.checkPointId().isPresent()
        ? await(store.get(thread, config.checkPointId().get()), "reading a checkpoint of", thread, run)
        : await(store.latest(thread), "reading the latest checkpoint of", thread, run);
    return found.map(CheckpointStoreSaver::toLangGraph);
  }

  @Override
  public RunnableConfig put(RunnableConfig config, org.bsc.langgraph4j.checkpoint.Checkpoint checkpoint) {
    String thread = threadId(config);
    // langgraph4j replaces the checkpoint named in the config (state updates); otherwise it appends.
    // Keeping only the latest uses one id per thread, so the store's replace-in-place does the rest.
    String id = latestOnly ? LATEST_ID : config.checkPointId().orElse(checkpoint.getId());
    Checkpoint stored = new Checkpoint(thread, id, checkpoint.getNodeId(), checkpoint.getNextNodeId(),
        checkpoint.getState(), Instant.now());
    RunExecution execution = runOf(config);
    if (execution == null) {
      putNow(stored, null);
      return config.checkPointId().isPresent() ? config : RunnableConfig.builder(config).checkPointId(id).build();
    }
    // Inside a run langgraph4j 1.8.17 calls put only to write a step's checkpoint, and ignores the
    // config it returns (CompiledGraph.addCheckpoint); building one per step cost ~4 % of a step.
    if (execution.halted() || execution.defer(stored)) {
      return config;
    }
    try {
      putNow(stored, execution);
    } catch (RuntimeException e) {
      execution.storeFailed(e);
      return config;
    }
    execution.onCheckpoint(stored);
    return config;
  }

  /** Writes a checkpoint, waiting at most the store timeout (or until {@code run} is cancelled). */
  void putNow(Checkpoint checkpoint, @Nullable RunExecution run) {
    await(store.put(checkpoint), "saving a checkpoint of", checkpoint.threadId(), run);
  }

  @Override
  public Tag release(RunnableConfig config) {
    String thread = threadId(config);
    RunExecution run = runOf(config);
    List<Checkpoint> history = await(store.history(thread, Integer.MAX_VALUE), "reading the history of", thread, run);
    await(store.deleteThread(thread), "deleting", thread, run);
    return new Tag(thread, history.stream().map(CheckpointStoreSaver::toLangGraph).toList());
  }

  @Override
  public String threadId(RunnableConfig config) {
    return config.threadId().orElseThrow(() -> new IllegalStateException("graph '" + graph + "': run without a thread id"));
  }

  private static @Nullable RunExecution runOf(RunnableConfig config) {
    return RunExecution.of(config).orElse(null);
  }

  static org.bsc.langgraph4j.checkpoint.Checkpoint toLangGraph(Checkpoint checkpoint) {
    return org.bsc.langgraph4j.checkpoint.Checkpoint.builder()
        .id(checkpoint.id())
        .nodeId(checkpoint.nodeId())
        .nextNodeId(checkpoint.nextNodeId())
        .state(checkpoint.state())
        .build();
  }

  private <T> T await(CompletionStage<T> stage, String doing, String thread, @Nullable RunExecution run) {
    CompletableFuture<T> call = stage.toCompletableFuture();
    if (run != null) {
      run.trackStoreCall(call);
    }
    try {
      return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = Futures.unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new ServiceUnavailableException("checkpoint store failed while " + doing + " thread '" + thread
          + "' of graph '" + graph + "': " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new OperationTimeoutException("checkpoint store did not answer within " + timeout + " while " + doing
          + " thread '" + thread + "' of graph '" + graph + "'; check the store's health or raise GraphOptions.storeTimeout",
          timeout, e);
    } catch (CancellationException e) {
      // The run was cancelled (or failed elsewhere) and stopped this call.
      CancellationException cancelled = new CancellationException("run on thread '" + thread + "' stopped while " + doing + " it");
      cancelled.initCause(e);
      throw cancelled;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      CancellationException cancelled = new CancellationException("run on thread '" + thread + "' was cancelled while " + doing + " it");
      cancelled.initCause(e);
      throw cancelled;
    }
  }
}
