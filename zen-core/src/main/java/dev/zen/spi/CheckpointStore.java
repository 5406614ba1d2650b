package dev.zen.spi;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Keeps checkpoints per thread. Every method is asynchronous; a failure completes the stage with
 * a {@link dev.zen.ZenException} ({@link dev.zen.ServiceUnavailableException} when the backend is
 * down, {@link dev.zen.CorruptCheckpointException} when stored bytes cannot be read,
 * {@link dev.zen.CheckpointTooLargeException} when a checkpoint exceeds the store's cap).
 *
 * <p>Semantics every implementation keeps (the {@code zen-testkit} contract suite checks them):
 * <ul>
 *   <li>{@link #put} appends a checkpoint to its thread, making it the latest; putting a
 *       checkpoint whose id the thread already has replaces that one in place (same position),
 *       so a replayed put is harmless.
 *   <li>Each thread's order is the order puts were acknowledged in; threads are independent.
 *   <li>Unknown threads and ids give empty results, not errors.
 * </ul>
 */
public interface CheckpointStore extends AutoCloseable {

  /** Stores {@code checkpoint} (see the class documentation for replace semantics). */
  CompletionStage<Void> put(Checkpoint checkpoint);

  /** The newest checkpoint of the thread, if it has any. */
  CompletionStage<Optional<Checkpoint>> latest(String threadId);

  /** The checkpoint with this id in this thread, if present. */
  CompletionStage<Optional<Checkpoint>> get(String threadId, String checkpointId);

  /** Up to {@code limit} (> 0) checkpoints of the thread, newest first. */
  CompletionStage<List<Checkpoint>> history(String threadId, int limit);

  /** The ids of threads that have checkpoints, in no particular order. */
  CompletionStage<List<String>> threads();

  /** Deletes every checkpoint of the thread; completes with whether there was anything to delete. */
  CompletionStage<Boolean> deleteThread(String threadId);

  /** Releases what this store created; a store given a shared client leaves that client open. */
  @Override
  default void close() {}
}
