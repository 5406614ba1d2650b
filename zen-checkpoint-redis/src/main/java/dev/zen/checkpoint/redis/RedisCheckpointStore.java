package dev.zen.checkpoint.redis;

import dev.zen.CheckpointTooLargeException;
import dev.zen.CorruptCheckpointException;
import dev.zen.ZenExecutors;
import dev.zen.internal.Checks;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointCodec;
import dev.zen.spi.CheckpointStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CheckpointStore} on Redis 6.2+ or Redis Cluster, without Redis modules.
 *
 * <pre>{@code
 * try (RedisCheckpointStore store = RedisCheckpointStore.builder("redis://localhost:6379")
 *     .options(RedisCheckpointStoreOptions.builder().ttl(Duration.ofDays(30)).build())
 *     .build()) {
 *   store.put(checkpoint).join();
 * }
 * }</pre>
 *
 * <p><b>Connection.</b> One thread-safe connection, opened on the first call (so {@code build()}
 * has no side effects) and shared by all calls; commands are pipelined on it. URIs are Lettuce
 * {@code RedisURI}s: {@code redis://[user:password@]host:port/db}, {@code rediss://} for TLS,
 * {@code redis-sentinel://host:26379,host2:26379#masterName}. {@link #clusterBuilder} connects to a
 * Redis Cluster. When Redis is down, calls fail at once with
 * {@link dev.zen.ServiceUnavailableException} (or {@link dev.zen.OperationTimeoutException} after
 * {@link RedisCheckpointStoreOptions#commandTimeout()}); the store reconnects by itself and works
 * again when Redis is back.
 *
 * <p><b>Threads.</b> Every method returns at once. Lettuce's event-loop threads never run decoding
 * or caller code: returned futures complete on the {@linkplain Builder#executor executor} (by
 * default {@link ZenExecutors#defaultRuntime()}), so a caller may block in a callback.
 *
 * <p><b>Lifecycle.</b> {@link #close()} closes the connection, and the Lettuce client and its
 * threads when the store created them; a client passed to a builder stays open.
 *
 * <p>Data layout, TTL, trimming and the client options are described in the module README.
 */
public final class RedisCheckpointStore implements CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCheckpointStore.class);
  private static final byte[][] NO_ARGS = new byte[0][];

  private final RedisConnector connector;
  private final RedisCheckpointStoreOptions options;
  private final KeyLayout layout;
  private final Executor executor;
  private final byte[] ttlArg;
  private final byte[] maxCountArg;
  private final byte[] maxBytesArg;

  private RedisCheckpointStore(Builder builder) {
    this.options = builder.options;
    this.connector = new RedisConnector(builder.target, builder.options);
    this.layout = new KeyLayout(options.keyPrefix());
    Executor configured = builder.executor;
    this.executor = task -> {
      try {
        configured.execute(task);
      } catch (RejectedExecutionException e) {
        // A shut-down executor must not leave a caller's future pending forever.
        task.run();
      }
    };
    this.ttlArg = ascii(options.ttl().toMillis());
    this.maxCountArg = ascii(options.maxCheckpointsPerThread());
    this.maxBytesArg = ascii(options.maxBytesPerThread());
  }

  /**
   * A builder for a store on one Redis server: {@code redis://}, {@code rediss://} (TLS) or
   * {@code redis-sentinel://} URI, with optional {@code user:password@} (ACL) and database.
   *
   * @throws IllegalArgumentException when the URI is malformed
   */
  public static Builder builder(String redisUri) {
    return new Builder(new RedisConnector.Standalone(parse(redisUri), null));
  }

  /**
   * A builder for a store that connects to {@code redisUri} through a client the application
   * shares (and closes); the client's own options (timeouts, reconnect, disconnected behaviour)
   * apply, except the command timeout of the store's connection.
   */
  public static Builder builder(RedisClient sharedClient, String redisUri) {
    Objects.requireNonNull(sharedClient, "sharedClient");
    return new Builder(new RedisConnector.Standalone(parse(redisUri), sharedClient));
  }

  /**
   * A builder for a store on a Redis Cluster, given one or more seed nodes ({@code redis://} or
   * {@code rediss://}); the store discovers the rest.
   *
   * @throws IllegalArgumentException when a URI is malformed or not a cluster node URI
   */
  public static Builder clusterBuilder(String seedUri, String... moreSeedUris) {
    List<RedisURI> seeds = new ArrayList<>();
    seeds.add(parse(seedUri));
    for (String uri : moreSeedUris) {
      seeds.add(parse(uri));
    }
    for (RedisURI seed : seeds) {
      if (!seed.getSentinels().isEmpty() || seed.getSocket() != null) {
        throw new IllegalArgumentException("cluster seed URIs must be redis:// or rediss:// host URIs, was " + seed);
      }
    }
    return new Builder(new RedisConnector.Cluster(List.copyOf(seeds), null));
  }

  /** A builder for a store on the Redis Cluster of a client the application shares (and closes). */
  public static Builder builder(RedisClusterClient sharedClient) {
    Objects.requireNonNull(sharedClient, "sharedClient");
    return new Builder(new RedisConnector.Cluster(List.of(), sharedClient));
  }

  private static RedisURI parse(String uri) {
    Objects.requireNonNull(uri, "redisUri");
    try {
      return RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a valid Redis URI (expected redis://host:port, rediss://host:port "
          + "or redis-sentinel://host:port#master): " + e.getMessage(), e);
    }
  }

  /** The options this store uses. */
  public RedisCheckpointStoreOptions options() {
    return options;
  }

  @Override
  public CompletableFuture<Void> put(Checkpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    byte[] body = CheckpointCodec.encode(checkpoint);
    if (body.length > options.maxCheckpointBytes()) {
      return CompletableFuture.failedFuture(new CheckpointTooLargeException("checkpoint '" + checkpoint.id()
          + "' of thread '" + checkpoint.threadId() + "' encodes to " + body.length + " bytes, more than the "
          + "store's maxCheckpointBytes of " + options.maxCheckpointBytes() + "; nothing was written. Keep large "
          + "data (files, transcripts) outside the graph state, or raise maxCheckpointBytes"));
    }
    byte[][] keys = layout.threadKeys(checkpoint.threadId());
    String now = Long.toString(System.currentTimeMillis());
    byte[][] args = {utf8(checkpoint.id()), body, maxCountArg, maxBytesArg, ttlArg, utf8(now)};
    return call("put", commands -> Scripts.<List<Object>>run(commands, Scripts.PUT, ScriptOutputType.MULTI, keys, args)
        .thenCompose(result -> {
          boolean unindexed = ((Number) result.get(0)).longValue() == 1;
          if (unindexed && options.threadIndex()) {
            return indexThread(commands, keys, checkpoint.threadId(), now);
          }
          return CompletableFuture.completedFuture(null);
        }), ignored -> null);
  }

  /**
   * Adds the thread to the index, then marks its metadata as indexed so later puts skip this; if
   * either step fails, the next put tries again. Best effort: a thread missing from the index is
   * still stored, only not listed by threads().
   */
  private CompletableFuture<@Nullable Void> indexThread(RedisClusterAsyncCommands<byte[], byte[]> commands,
      byte[][] keys, String threadId, String now) {
    return commands.zadd(layout.threadIndexKey(), Double.parseDouble(now), utf8(threadId)).toCompletableFuture()
        .thenCompose(added -> Scripts.<Long>run(commands, Scripts.MARK_INDEXED, ScriptOutputType.INTEGER, keys))
        .handle((marked, failure) -> {
          if (failure != null) {
            LOG.warn("Could not add thread '{}' to the thread index at {}; threads() will not list it: {}",
                threadId, connector.endpoint(), failure.toString());
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Optional<Checkpoint>> latest(String threadId) {
    byte[][] keys = layout.threadKeys(requireThreadId(threadId));
    return call("latest", commands -> Scripts.<byte @Nullable []>run(commands, Scripts.LATEST, ScriptOutputType.VALUE,
        keys, ttlArg), bytes -> bytes == null ? Optional.empty() : Optional.of(decode(bytes, threadId, null)));
  }

  @Override
  public CompletableFuture<Optional<Checkpoint>> get(String threadId, String checkpointId) {
    byte[][] keys = layout.threadKeys(requireThreadId(threadId));
    Checks.requireText(checkpointId, "checkpointId");
    return call("get", commands -> Scripts.<byte @Nullable []>run(commands, Scripts.GET, ScriptOutputType.VALUE,
        keys, ttlArg, utf8(checkpointId)),
        bytes -> bytes == null ? Optional.empty() : Optional.of(decode(bytes, threadId, checkpointId)));
  }

  @Override
  public CompletableFuture<List<Checkpoint>> history(String threadId, int limit) {
    byte[][] keys = layout.threadKeys(requireThreadId(threadId));
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    int capped = Math.min(limit, options.maxCheckpointsPerThread());
    return call("history", commands -> Scripts.<List<Object>>run(commands, Scripts.HISTORY, ScriptOutputType.MULTI,
        keys, ttlArg, ascii(capped)), bodies -> {
          List<Checkpoint> checkpoints = new ArrayList<>(bodies.size());
          for (Object body : bodies) {
            checkpoints.add(decode((byte[]) body, threadId, null));
          }
          return List.copyOf(checkpoints);
        });
  }

  @Override
  public CompletableFuture<List<String>> threads() {
    if (!options.threadIndex()) {
      return call("threads", commands -> scanThreads(commands, ScanCursor.INITIAL, new LinkedHashSet<>()), List::copyOf);
    }
    byte[] indexKey = layout.threadIndexKey();
    return call("threads", commands -> commands.zrangeWithScores(indexKey, 0, -1).toCompletableFuture()
        .thenCompose(entries -> {
          List<CompletableFuture<Long>> checks = new ArrayList<>(entries.size());
          for (ScoredValue<byte[]> entry : entries) {
            checks.add(commands.exists(layout.threadKeys(string(entry.getValue()))[0]).toCompletableFuture());
          }
          return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<String> live = new ArrayList<>(entries.size());
            List<ScoredValue<byte[]>> stale = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
              // allOf has completed: getNow never waits (this may run on an event-loop thread).
              if (checks.get(i).getNow(0L) > 0) {
                live.add(string(entries.get(i).getValue()));
              } else {
                stale.add(entries.get(i));
              }
            }
            pruneIndex(commands, indexKey, stale);
            return live;
          });
        }), List::copyOf);
  }

  /**
   * Removes index entries of threads that expired or were deleted, unless a put re-indexed them
   * since (their score changed): a thread re-created meanwhile keeps its entry.
   */
  private void pruneIndex(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] indexKey,
      List<ScoredValue<byte[]>> stale) {
    if (stale.isEmpty()) {
      return;
    }
    byte[][] args = new byte[stale.size() * 2][];
    for (int i = 0; i < stale.size(); i++) {
      args[2 * i] = stale.get(i).getValue();
      args[2 * i + 1] = ascii(Double.toString(stale.get(i).getScore()));
    }
    Scripts.<Long>run(commands, Scripts.PRUNE_INDEX, ScriptOutputType.INTEGER, new byte[][] {indexKey}, args)
        .whenComplete((removed, failure) -> {
          if (failure != null) {
            LOG.debug("Could not prune the thread index at {}: {}", connector.endpoint(), failure.toString());
          }
        });
  }

  private CompletableFuture<Set<String>> scanThreads(RedisClusterAsyncCommands<byte[], byte[]> commands,
      ScanCursor cursor, Set<String> found) {
    ScanArgs args = ScanArgs.Builder.matches(layout.indexKeyPattern()).limit(1000);
    return commands.scan(cursor, args).toCompletableFuture().thenCompose((KeyScanCursor<byte[]> page) -> {
      for (byte[] key : page.getKeys()) {
        String threadId = layout.threadIdOfIndexKey(string(key));
        if (threadId != null) {
          found.add(threadId);
        }
      }
      return page.isFinished() ? CompletableFuture.completedFuture(found) : scanThreads(commands, page, found);
    });
  }

  @Override
  public CompletableFuture<Boolean> deleteThread(String threadId) {
    byte[][] keys = layout.threadKeys(requireThreadId(threadId));
    return call("deleteThread", commands -> commands.del(keys).toCompletableFuture().thenCompose(deleted -> {
      if (!options.threadIndex()) {
        return CompletableFuture.completedFuture(deleted);
      }
      return commands.zrem(layout.threadIndexKey(), utf8(threadId)).toCompletableFuture()
          .handle((removed, failure) -> deleted);
    }), deleted -> deleted > 0);
  }

  /** Closes the connection, and the client and its threads if this store created them. */
  @Override
  public void close() {
    connector.close();
  }

  @Override
  public String toString() {
    return "RedisCheckpointStore{" + connector.endpoint() + ", prefix=" + options.keyPrefix() + "}";
  }

  /**
   * Runs {@code command} on the connection and completes the returned future on the executor,
   * with {@code convert}'s value or a translated failure.
   */
  private <R, T> CompletableFuture<T> call(String operation,
      Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<R>> command, Function<R, T> convert) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<R> pending = connector.connection().thenCompose(connected -> command.apply(connected.commands()));
    pending.whenCompleteAsync((value, failure) -> {
      if (failure != null) {
        result.completeExceptionally(RedisErrors.translate(failure, operation, connector.endpoint(),
            options.commandTimeout()));
        return;
      }
      try {
        result.complete(convert.apply(value));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    }, executor);
    result.whenComplete((value, failure) -> {
      if (result.isCancelled()) {
        pending.cancel(false);
      }
    });
    return result;
  }

  private static Checkpoint decode(byte[] bytes, String threadId, @Nullable String checkpointId) {
    Checkpoint checkpoint = CheckpointCodec.decode(bytes);
    if (!checkpoint.threadId().equals(threadId) || (checkpointId != null && !checkpoint.id().equals(checkpointId))) {
      throw new CorruptCheckpointException("the checkpoint stored for thread '" + threadId + "'"
          + (checkpointId == null ? "" : " under id '" + checkpointId + "'") + " belongs to thread '"
          + checkpoint.threadId() + "', id '" + checkpoint.id() + "'; the keys were written by something else", null);
    }
    return checkpoint;
  }

  private static String requireThreadId(String threadId) {
    return Checks.requireText(threadId, "threadId");
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(long value) {
    return ascii(Long.toString(value));
  }

  private static byte[] ascii(String value) {
    return value.getBytes(StandardCharsets.US_ASCII);
  }

  private static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Configures a {@link RedisCheckpointStore}; setters validate at once, {@link #build()} has no side effects. */
  public static final class Builder {
    private final RedisConnector.Target target;
    private RedisCheckpointStoreOptions options = RedisCheckpointStoreOptions.defaults();
    private Executor executor = ZenExecutors.defaultRuntime();

    private Builder(RedisConnector.Target target) {
      this.target = target;
    }

    /** The store's options (default {@link RedisCheckpointStoreOptions#defaults()}). */
    public Builder options(RedisCheckpointStoreOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Where returned futures complete and stored bytes are decoded (default
     * {@link ZenExecutors#defaultRuntime()}); never a Lettuce event-loop thread.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** A store; it connects on its first call. */
    public RedisCheckpointStore build() {
      return new RedisCheckpointStore(this);
    }
  }
}
