package dev.zen.checkpoint.redis;

import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.GraphCheckpointContract;
import dev.zen.testkit.RedisServerProcess;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The testkit's graph-level contract through a real redis-server: an interrupted run resumes, and
 * a conversation continues, through a fresh store instance (a new client, as after a restart).
 */
class RedisGraphCheckpointContractTest extends GraphCheckpointContract {
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static RedisServerProcess redis;

  private String prefix = "unset";

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Override
  protected CheckpointStore create() {
    prefix = "graph" + NAMESPACES.incrementAndGet();
    return createAnotherInstance();
  }

  @Override
  protected CheckpointStore createAnotherInstance() {
    return RedisCheckpointStore.builder(redis.uri())
        .options(RedisCheckpointStoreOptions.builder().keyPrefix(prefix).build())
        .build();
  }

  @Override
  protected DataSharing dataSharing() {
    return DataSharing.SHARED_BY_INSTANCES;
  }
}
