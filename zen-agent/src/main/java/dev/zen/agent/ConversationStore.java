package dev.zen.agent;

import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store the agent's checkpointed graph runs on: the agent's own store, except for threads with
 * a call in progress ({@link #open}). For those, the read that starts the run is remembered as the
 * base the call's turns are computed on, and the checkpoint the run ends with is captured instead
 * of written, so {@link AgentEngine} writes it with the rules of {@link ConversationWrite} before
 * the call answers. The graph's own store timeout then bounds only reads, never a write that waits
 * for a conversation's lease or reconciles an unknown outcome.
 */
final class ConversationStore implements CheckpointStore {
  private final CheckpointStore delegate;
  /** The write in progress per thread; the engine's lanes allow one call per thread at a time. */
  private final Map<String, ConversationWrite> writes = new ConcurrentHashMap<>();

  ConversationStore(CheckpointStore delegate) {
    this.delegate = delegate;
  }

  /** Routes the thread's reads and writes through {@code write} until {@link #close}. */
  void open(ConversationWrite write) {
    ConversationWrite previous = writes.putIfAbsent(write.threadId(), write);
    if (previous != null) {
      throw new IllegalStateException("two calls at once on conversation " + write.threadId() + ": " + previous
          + " and " + write);
    }
  }

  void close(ConversationWrite write) {
    writes.remove(write.threadId(), write);
  }

  @Override
  public CompletionStage<Optional<Checkpoint>> latest(String threadId) {
    return delegate.latest(threadId).thenApply(found -> {
      ConversationWrite write = writes.get(threadId);
      if (write != null) {
        write.read(found.orElse(null));
      }
      return found;
    });
  }

  @Override
  public CompletionStage<Void> put(Checkpoint checkpoint) {
    ConversationWrite write = writes.get(checkpoint.threadId());
    if (write == null) {
      return delegate.put(checkpoint);
    }
    write.capture(checkpoint);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Optional<Checkpoint>> get(String threadId, String checkpointId) {
    return delegate.get(threadId, checkpointId);
  }

  @Override
  public CompletionStage<List<Checkpoint>> history(String threadId, int limit) {
    return delegate.history(threadId, limit);
  }

  @Override
  public CompletionStage<List<String>> threads() {
    return delegate.threads();
  }

  @Override
  public CompletionStage<Boolean> deleteThread(String threadId) {
    return delegate.deleteThread(threadId);
  }

  @Override
  public CompletionStage<Boolean> lease(String threadId, String holder, Duration ttl) {
    return delegate.lease(threadId, holder, ttl);
  }

  @Override
  public CompletionStage<Void> releaseLease(String threadId, String holder) {
    return delegate.releaseLease(threadId, holder);
  }

  @Override
  public CompletionStage<Boolean> putIfLeased(Checkpoint checkpoint, String holder) {
    return delegate.putIfLeased(checkpoint, holder);
  }
}
