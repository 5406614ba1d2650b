package dev.zen.spi;

import dev.zen.internal.Checks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p><b>Writers in several processes.</b> A thread's <em>write lease</em> ({@link #lease},
 * {@link #releaseLease}, {@link #putIfLeased}) lets writers that share a store order their work on
 * one thread: a writer takes the lease before it reads the thread, renews it while it works, writes
 * with {@link #putIfLeased} (which refuses once the lease is gone, so a writer that stalled past
 * its lease cannot overwrite what the next holder wrote) and releases it. A lease that is not
 * renewed expires by itself, so a writer that crashed holds nobody up for longer than its TTL.
 * Leases order only writers that ask for them: {@link #put} and the reads ignore them. The
 * defaults suit a store that a single process uses, whose writers order themselves: every lease is
 * granted and nothing is kept. A store that several processes share must implement all three, or
 * concurrent writers of one thread silently overwrite each other.
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

  /**
   * Takes the thread's write lease for {@code holder}, or renews it when {@code holder} already
   * has it, for {@code ttl} from now. Completes with {@code true} when {@code holder} holds the
   * lease, {@code false} while another holder's unexpired lease stands (nothing changes then).
   *
   * <p>The default grants every request and keeps nothing (see the class documentation).
   *
   * @param holder who asks: an id unique to one writer's piece of work, such as a call id
   * @param ttl how long the lease lasts unless renewed; positive
   */
  default CompletionStage<Boolean> lease(String threadId, String holder, Duration ttl) {
    Checks.requireText(threadId, "threadId");
    Checks.requireText(holder, "holder");
    Checks.requirePositive(ttl, "ttl");
    return CompletableFuture.completedFuture(true);
  }

  /**
   * Gives up the thread's write lease if {@code holder} still holds it, so the next writer need not
   * wait for it to expire; does nothing otherwise. The default does nothing.
   */
  default CompletionStage<Void> releaseLease(String threadId, String holder) {
    Checks.requireText(threadId, "threadId");
    Checks.requireText(holder, "holder");
    return CompletableFuture.completedFuture(null);
  }

  /**
   * {@link #put}, if {@code holder} holds the checkpoint's thread's write lease at the moment of
   * the write, checked and written in one atomic step. Completes with {@code true} when stored,
   * {@code false} when the lease has expired or belongs to another holder (then nothing was
   * written). The lease itself is neither renewed nor released.
   *
   * <p>The default is {@link #put} (see the class documentation).
   */
  default CompletionStage<Boolean> putIfLeased(Checkpoint checkpoint, String holder) {
    Checks.requireText(holder, "holder");
    return put(checkpoint).thenApply(written -> true);
  }

  /** Releases what this store created; a store given a shared client leaves that client open. */
  @Override
  default void close() {}
}
