/**
 * A {@link dev.zen.spi.CheckpointStore} on Redis 6.2+ and Redis Cluster, through Lettuce's
 * asynchronous API: {@link dev.zen.checkpoint.redis.RedisCheckpointStore}, configured by
 * {@link dev.zen.checkpoint.redis.RedisCheckpointStoreOptions}.
 *
 * <p>No Redis modules are needed. All keys of a thread share one hash slot; every write that
 * touches several keys is one Lua script, idempotent on the checkpoint id. The module README
 * describes the data layout, TTL, trimming and the client options chosen.
 */
@NullMarked
package dev.zen.checkpoint.redis;

import org.jspecify.annotations.NullMarked;
