package dev.zen.graph;

import java.util.Optional;
import java.util.concurrent.Executor;

/** What a running node knows about its run, and how it talks back to it. */
public interface NodeContext {

  String graphName();

  String nodeId();

  String threadId();

  /** Unique per {@code invoke}/{@code resume} call. */
  String runId();

  /** 1 for the first call of this node in this step, 2 for its first retry, ... */
  int attempt();

  /**
   * Publishes a custom event (a streamed token, progress) to the run's listeners and stream.
   * Cheap and non-blocking; callable from any thread, including I/O callbacks.
   */
  void emit(Object payload);

  /**
   * An executor for the node's own continuations and blocking helpers: the runtime executor,
   * carrying the node's trace context to the tasks it runs.
   */
  Executor executor();

  /**
   * Whether the run was cancelled or has already failed (in a parallel branch, say), so this
   * node's result will not be used; long loops inside a node should check it.
   */
  boolean isCancelled();

  /** The run's attachment of this type ({@link RunConfig.Builder#attach}), if it has one. */
  <T> Optional<T> attachment(Class<T> type);

  /**
   * Asks the run not to write the checkpoint it holds for its exit: with
   * {@link Checkpointing#ON_EXIT}, a run whose outcome is not worth keeping (a rejected request,
   * a call on a thread that turned out not to exist) then leaves the store as it found it.
   * Checkpoints already written (with {@link Checkpointing#EVERY_STEP}) stay. Later nodes of the
   * run may still change state; it just is not stored.
   */
  void skipExitCheckpoint();
}
