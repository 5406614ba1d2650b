package dev.zen.testkit;

import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A store for tests that decorate another: forwards the six data methods and {@code close()} to
 * {@link #delegate()}, while the lease methods keep {@link CheckpointStore}'s defaults (every lease
 * granted, nothing kept: a store as stores were before leases) unless a subclass overrides them.
 * Override what the test observes or breaks (count reads, fail renewals) and leave the rest.
 */
public class ForwardingCheckpointStore implements CheckpointStore {
  private final CheckpointStore delegate;

  public ForwardingCheckpointStore(CheckpointStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store the data methods go to. */
  protected final CheckpointStore delegate() {
    return delegate;
  }

  @Override
  public CompletionStage<Void> put(Checkpoint checkpoint) {
    return delegate.put(checkpoint);
  }

  @Override
  public CompletionStage<Optional<Checkpoint>> latest(String threadId) {
    return delegate.latest(threadId);
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
  public void close() {
    delegate.close();
  }
}
