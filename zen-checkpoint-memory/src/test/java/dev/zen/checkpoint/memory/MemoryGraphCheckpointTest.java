package dev.zen.checkpoint.memory;

import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.GraphCheckpointContract;

/** Whole graphs run through the memory store: the graph-level half of the contract. */
class MemoryGraphCheckpointTest extends GraphCheckpointContract {

  @Override
  protected CheckpointStore create() {
    return MemoryCheckpointStore.create();
  }

  @Override
  protected CheckpointStore createAnotherInstance() {
    return MemoryCheckpointStore.create();
  }

  @Override
  protected DataSharing dataSharing() {
    return DataSharing.PER_INSTANCE;
  }
}
