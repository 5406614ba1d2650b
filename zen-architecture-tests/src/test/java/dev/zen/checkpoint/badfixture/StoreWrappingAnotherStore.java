package dev.zen.checkpoint.badfixture;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;

/** Deliberately bad: one backend built on another. */
public final class StoreWrappingAnotherStore {
  static String describe(MemoryCheckpointStore store) {
    return String.valueOf(store);
  }
}
