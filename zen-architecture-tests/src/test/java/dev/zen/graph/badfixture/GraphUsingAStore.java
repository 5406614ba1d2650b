package dev.zen.graph.badfixture;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;

/** Deliberately bad: the graph runtime naming a backend instead of the CheckpointStore SPI. */
public final class GraphUsingAStore {
  static String describe(MemoryCheckpointStore store) {
    return String.valueOf(store);
  }
}
