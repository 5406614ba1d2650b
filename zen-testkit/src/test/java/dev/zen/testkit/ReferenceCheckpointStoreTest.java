package dev.zen.testkit;

import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.ReferenceCheckpointStore.Backend;
import dev.zen.testkit.ReferenceCheckpointStore.Flaw;

/**
 * The contract against a store that keeps it, through the paths the memory store does not take:
 * instances sharing data, asynchronous stages, rejections through the stage, no idle TTL.
 */
class ReferenceCheckpointStoreTest extends CheckpointStoreContract {
  private Backend backend = new Backend();

  @Override
  protected CheckpointStore create() {
    backend = new Backend();
    return new ReferenceCheckpointStore(backend, Flaw.NONE);
  }

  @Override
  protected CheckpointStore createAnotherInstance() {
    return new ReferenceCheckpointStore(backend, Flaw.NONE);
  }

  @Override
  protected DataSharing dataSharing() {
    return DataSharing.SHARED_BY_INSTANCES;
  }

  @Override
  protected IdleTtl idleTtl() {
    return IdleTtl.notSupported("the reference store keeps threads until they are deleted");
  }
}
