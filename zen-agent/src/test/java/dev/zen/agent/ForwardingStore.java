package dev.zen.agent;

import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Forwards the six core methods; lease methods stay the SPI's defaults unless overridden. */
abstract class ForwardingStore implements CheckpointStore {
  final CheckpointStore delegate;

  ForwardingStore(CheckpointStore delegate) {
    this.delegate = delegate;
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
}
