/**
 * An in-memory {@link dev.zen.spi.CheckpointStore}:
 * {@link dev.zen.checkpoint.memory.MemoryCheckpointStore}, on Caffeine.
 *
 * <p>Checkpoints live in the heap of this JVM, bounded by an idle TTL per thread, a maximum total
 * weight in estimated bytes and a maximum number of checkpoints per thread. Every call completes
 * at once on the caller's thread; threads never wait for one another. Use it for tests,
 * single-process applications and conversations that need not survive a restart; use a persistent
 * store (Redis) for the rest.
 */
@NullMarked
package dev.zen.checkpoint.memory;

import org.jspecify.annotations.NullMarked;
