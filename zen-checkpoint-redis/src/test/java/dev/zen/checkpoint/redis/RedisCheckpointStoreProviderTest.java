package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import dev.zen.spi.CheckpointStoreProvider;
import dev.zen.spi.CheckpointStoreSettings;
import dev.zen.testkit.RedisServerProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The Redis store as an application that chooses its store by URL finds it: through ServiceLoader. */
class RedisCheckpointStoreProviderTest {

  private static CheckpointStoreProvider provider(String scheme) {
    List<CheckpointStoreProvider> matching = ServiceLoader.load(CheckpointStoreProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(provider -> provider.schemes().contains(scheme))
        .toList();
    assertThat(matching).as("providers for %s:", scheme).hasSize(1);
    return matching.get(0);
  }

  @Test
  void service_loader_finds_the_redis_provider_for_every_redis_scheme() {
    for (String scheme : List.of("redis", "rediss", "redis-sentinel")) {
      assertThat(provider(scheme)).isInstanceOf(RedisCheckpointStoreProvider.class);
    }
    assertThat(provider("redis").name()).contains("zen-checkpoint-redis");
  }

  @Test
  void create_passes_the_ttl_and_connects_to_nothing_until_the_first_call() {
    // Port 1 on loopback: nothing listens there, and building must not notice.
    try (CheckpointStore store = provider("redis").create("redis://127.0.0.1:1",
        CheckpointStoreSettings.builder().ttl(Duration.ofMinutes(90)).build())) {
      assertThat(((RedisCheckpointStore) store).options().ttl()).isEqualTo(Duration.ofMinutes(90));
    }
    try (CheckpointStore store = provider("redis").create("redis://127.0.0.1:1", CheckpointStoreSettings.defaults())) {
      assertThat(((RedisCheckpointStore) store).options().ttl()).isEqualTo(RedisCheckpointStoreOptions.DEFAULT_TTL);
    }
  }

  @Test
  void a_malformed_url_is_an_illegal_argument() {
    assertThatThrownBy(() -> provider("redis").create("redis://", CheckpointStoreSettings.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid Redis URI");
  }

  @Test
  void a_store_made_by_the_provider_keeps_checkpoints_in_a_real_redis() {
    try (RedisServerProcess redis = RedisServerProcess.start();
        CheckpointStore store = provider("redis").create(redis.uri(), CheckpointStoreSettings.defaults())) {
      Checkpoint checkpoint = new Checkpoint("t-provider", "c1", "node", null, Map.of("k", "v"),
          Instant.parse("2025-01-01T00:00:00Z"));
      store.put(checkpoint).toCompletableFuture().join();
      assertThat(store.latest("t-provider").toCompletableFuture().join()).hasValue(checkpoint);
    }
  }
}
