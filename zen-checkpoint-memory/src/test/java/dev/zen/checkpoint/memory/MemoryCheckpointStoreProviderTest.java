package dev.zen.checkpoint.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import dev.zen.spi.CheckpointStoreProvider;
import dev.zen.spi.CheckpointStoreSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class MemoryCheckpointStoreProviderTest {

  @Test
  void service_loader_finds_the_memory_provider_for_memory_urls() {
    List<CheckpointStoreProvider> memory = ServiceLoader.load(CheckpointStoreProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(provider -> provider.schemes().contains("memory"))
        .toList();
    assertThat(memory).singleElement().isInstanceOf(MemoryCheckpointStoreProvider.class);
    assertThat(memory.get(0).name()).contains("zen-checkpoint-memory");
  }

  @Test
  void create_makes_a_memory_store_with_the_ttl_as_its_idle_ttl() {
    try (CheckpointStore store = new MemoryCheckpointStoreProvider().create("memory:",
        CheckpointStoreSettings.builder().ttl(Duration.ofMinutes(7)).build())) {
      assertThat(store).isInstanceOf(MemoryCheckpointStore.class);
      assertThat(store.toString()).contains("idleTtl=PT7M");
      Checkpoint checkpoint = new Checkpoint("t", "c1", "node", null, Map.of("k", "v"), Instant.parse("2025-01-01T00:00:00Z"));
      store.put(checkpoint).toCompletableFuture().join();
      assertThat(store.latest("t").toCompletableFuture().join()).hasValue(checkpoint);
    }
    try (CheckpointStore store = new MemoryCheckpointStoreProvider().create("memory:", CheckpointStoreSettings.defaults())) {
      assertThat(store.toString()).contains("idleTtl=" + MemoryCheckpointStore.DEFAULT_IDLE_TTL);
    }
  }
}
