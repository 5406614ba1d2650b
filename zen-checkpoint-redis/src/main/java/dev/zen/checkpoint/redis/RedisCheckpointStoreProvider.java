package dev.zen.checkpoint.redis;

import dev.zen.spi.CheckpointStore;
import dev.zen.spi.CheckpointStoreProvider;
import dev.zen.spi.CheckpointStoreSettings;
import java.util.Set;

/**
 * Finds the Redis store through {@link java.util.ServiceLoader} for {@code redis://},
 * {@code rediss://} and {@code redis-sentinel://} URLs: {@link RedisCheckpointStore#builder(String)}
 * with the settings' TTL. Applications that configure Redis in code use the builder directly.
 */
public final class RedisCheckpointStoreProvider implements CheckpointStoreProvider {
  private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel");

  /** Called by {@link java.util.ServiceLoader}; connects to nothing. */
  public RedisCheckpointStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return SCHEMES;
  }

  @Override
  public String name() {
    return "Redis (zen-checkpoint-redis)";
  }

  @Override
  public CheckpointStore create(String url, CheckpointStoreSettings settings) {
    RedisCheckpointStoreOptions.Builder options = RedisCheckpointStoreOptions.builder();
    settings.ttl().ifPresent(options::ttl);
    return RedisCheckpointStore.builder(url).options(options.build()).build();
  }
}
