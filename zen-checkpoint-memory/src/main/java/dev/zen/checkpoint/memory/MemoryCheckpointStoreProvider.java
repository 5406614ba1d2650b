package dev.zen.checkpoint.memory;

import dev.zen.spi.CheckpointStore;
import dev.zen.spi.CheckpointStoreProvider;
import dev.zen.spi.CheckpointStoreSettings;
import java.util.Set;

/**
 * Finds the memory store through {@link java.util.ServiceLoader} for the URL {@code memory:}
 * (anything after the colon is ignored): {@link MemoryCheckpointStore#builder()} with the
 * settings' TTL as its {@linkplain MemoryCheckpointStore.Builder#idleTtl idle TTL}. It lets an
 * application that picks its store from configuration treat memory like any other store.
 */
public final class MemoryCheckpointStoreProvider implements CheckpointStoreProvider {
  private static final Set<String> SCHEMES = Set.of("memory");

  /** Called by {@link java.util.ServiceLoader}. */
  public MemoryCheckpointStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return SCHEMES;
  }

  @Override
  public String name() {
    return "memory (zen-checkpoint-memory)";
  }

  @Override
  public CheckpointStore create(String url, CheckpointStoreSettings settings) {
    MemoryCheckpointStore.Builder builder = MemoryCheckpointStore.builder();
    settings.ttl().ifPresent(builder::idleTtl);
    return builder.build();
  }
}
