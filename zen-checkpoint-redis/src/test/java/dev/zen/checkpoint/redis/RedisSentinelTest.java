package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.spi.Checkpoint;
import dev.zen.testkit.RedisServerProcess;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A {@code redis-sentinel://} URI: the store asks a real Sentinel for the master and uses it. */
class RedisSentinelTest {

  @Test
  void a_sentinel_uri_reaches_the_master_the_sentinel_names() throws Exception {
    try (RedisServerProcess master = RedisServerProcess.start();
        RedisServerProcess sentinel = RedisServerProcess.builder().sentinelFor("zen-master", master).start()) {
      String uri = "redis-sentinel://127.0.0.1:" + sentinel.port() + "#zen-master";
      Checkpoint checkpoint = new Checkpoint("t", "c1", "node", null, Map.of("k", "v"), Instant.parse("2025-01-01T00:00:00Z"));
      try (RedisCheckpointStore store = RedisCheckpointStore.builder(uri).build()) {
        store.put(checkpoint).get(10, TimeUnit.SECONDS);
        assertThat(store.toString()).contains("sentinel master 'zen-master'");
      }
      try (RedisCheckpointStore direct = RedisCheckpointStore.builder(master.uri()).build()) {
        assertThat(direct.latest("t").get(10, TimeUnit.SECONDS)).as("written to the master itself").contains(checkpoint);
      }
    }
  }
}
