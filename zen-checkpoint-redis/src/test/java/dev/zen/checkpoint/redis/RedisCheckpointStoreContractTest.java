package dev.zen.checkpoint.redis;

import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.CheckpointStoreContract;
import dev.zen.testkit.RedisServerProcess;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The testkit's store contract against a real redis-server; each test gets its own key prefix. */
class RedisCheckpointStoreContractTest extends CheckpointStoreContract {
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
    prefix = "contract" + NAMESPACES.incrementAndGet();
    return store(prefix, RedisCheckpointStoreOptions.DEFAULT_TTL);
  }

  @Override
  protected CheckpointStore createAnotherInstance() {
    return store(prefix, RedisCheckpointStoreOptions.DEFAULT_TTL);
  }

  @Override
  protected DataSharing dataSharing() {
    return DataSharing.SHARED_BY_INSTANCES;
  }

  @Override
  protected IdleTtl idleTtl() {
    return IdleTtl.supported(ttl -> store("contract-ttl" + NAMESPACES.incrementAndGet(), ttl));
  }

  private static CheckpointStore store(String prefix, Duration ttl) {
    return RedisCheckpointStore.builder(redis.uri())
        .options(RedisCheckpointStoreOptions.builder().keyPrefix(prefix).ttl(ttl).build())
        .build();
  }
}
