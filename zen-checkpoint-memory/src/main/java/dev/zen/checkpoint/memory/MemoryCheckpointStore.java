package dev.zen.checkpoint.memory;

import static dev.zen.internal.Checks.requireText;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.zen.CheckpointTooLargeException;
import dev.zen.ZenExecutors;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.time.Duration;
import dev.zen.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CheckpointStore} that keeps checkpoints in this JVM's heap, on a Caffeine cache with
 * one entry per thread. Checkpoints are lost when the store is closed or the JVM exits; use it for
 * tests, single-process applications and conversations that need not survive a restart.
 *
 * <p>Bounds, all set on the {@link #builder()} (defaults in brackets):
 * <ul>
 *   <li>a thread neither read nor written for the <b>idle TTL</b> expires, with all its checkpoints
 *       [{@link #DEFAULT_IDLE_TTL}: 3 hours, like Zen conversations];
 *   <li>the <b>maximum weight</b> bounds the estimated bytes of all threads together; beyond it
 *       whole threads are evicted, least likely to be used again first
 *       [a quarter of the JVM's maximum heap, at most {@link #DEFAULT_MAXIMUM_WEIGHT_BYTES}: 256 MiB,
 *       so a small heap such as a CLI's server's {@code -Xmx256m} is not filled by conversations];
 *   <li>each thread keeps at most <b>max checkpoints per thread</b>, dropping its oldest first
 *       [{@link #DEFAULT_MAX_CHECKPOINTS_PER_THREAD}: 1,000].
 * </ul>
 * Expired and evicted threads are counted ({@link #evictionCount()}) and logged at debug level.
 *
 * <p>Write leases ({@link #lease}, {@link #putIfLeased}) order writers of one thread within this
 * JVM, for example two agents sharing this store; they use the same time source as the idle TTL
 * and are kept apart from the checkpoints, so an evicted thread keeps its lease.
 *
 * <p>Threading: every method works on the caller's thread and returns an already completed
 * future; nothing blocks. Threads are independent: a put replaces its thread's immutable log in
 * one atomic step that locks only that thread's slot of the cache, and reads take no lock, so a
 * read sees a whole put or none of it. Invalid arguments throw {@link IllegalArgumentException};
 * a checkpoint larger than the maximum weight fails its future with
 * {@link CheckpointTooLargeException}; after {@link #close()} every call fails its future with
 * {@link IllegalStateException}.
 */
public final class MemoryCheckpointStore implements CheckpointStore {
  /** Threads idle (neither read nor written) this long expire: 3 hours. */
  public static final Duration DEFAULT_IDLE_TTL = Duration.ofHours(3);
  /**
   * The most estimated heap all threads together may hold by default: 256 MiB. The default bound
   * is a quarter of the JVM's maximum heap when that is smaller ({@link Runtime#maxMemory()}).
   */
  public static final long DEFAULT_MAXIMUM_WEIGHT_BYTES = 256L * 1024 * 1024;
  /** The default bound never goes below this, whatever the heap: 1 MiB. */
  private static final long MINIMUM_DEFAULT_WEIGHT_BYTES = 1024L * 1024;
  /** The checkpoints one thread keeps before its oldest are dropped: 1,000. */
  public static final int DEFAULT_MAX_CHECKPOINTS_PER_THREAD = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(MemoryCheckpointStore.class);
  /** Above this many leases, taking one also drops the expired ones. */
  private static final int LEASE_SWEEP_THRESHOLD = 1_024;

  private final Duration idleTtl;
  private final long maximumWeightBytes;
  private final int maxCheckpointsPerThread;
  private final Cache<String, ThreadLog> cache;
  private final ConcurrentMap<String, ThreadLog> threads;
  private final LongAdder evictions = new LongAdder();
  /** Write leases by thread; outside the cache, so evicting a thread's checkpoints keeps its lease. */
  private final ConcurrentMap<String, Lease> leases = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;
  private volatile boolean closed;

  private MemoryCheckpointStore(Builder builder) {
    this.idleTtl = builder.idleTtl;
    this.maximumWeightBytes = builder.maximumWeightBytes;
    this.maxCheckpointsPerThread = builder.maxCheckpointsPerThread;
    Caffeine<String, ThreadLog> caffeine = Caffeine.newBuilder()
        .expireAfterAccess(idleTtl)
        .maximumWeight(maximumWeightBytes)
        .weigher((String threadId, ThreadLog log) -> (int) Math.min(Integer.MAX_VALUE, log.weight()))
        .evictionListener(this::evicted)
        // Maintenance is short and non-blocking: run it on the calling thread rather than waking a
        // common-pool thread after every write (most of a graph step's store cost otherwise).
        .executor(Runnable::run);
    if (builder.ticker == null) {
      // Without a scheduler, expired threads would hold memory until the next write comes along.
      // Zen's timer drops cancelled tasks at once; the JDK's delayed executor (Caffeine's system
      // scheduler) keeps each until its delay runs out, so rescheduled expiries piled up for the
      // whole idle TTL (~0.75 KB per thread written, for 3 hours).
      caffeine.scheduler(Scheduler.forScheduledExecutorService(ZenExecutors.scheduler()));
    } else {
      LongSupplier ticker = builder.ticker;
      caffeine.ticker(ticker::getAsLong);
    }
    this.nanoTime = builder.ticker == null ? System::nanoTime : builder.ticker;
    this.cache = caffeine.build();
    this.threads = cache.asMap();
  }

  /**
   * The default maximum weight for a JVM whose maximum heap is {@code maxHeapBytes}: a quarter of
   * it, at most {@link #DEFAULT_MAXIMUM_WEIGHT_BYTES} and at least 1 MiB.
   */
  static long defaultMaximumWeightBytes(long maxHeapBytes) {
    return Math.max(MINIMUM_DEFAULT_WEIGHT_BYTES, Math.min(DEFAULT_MAXIMUM_WEIGHT_BYTES, maxHeapBytes / 4));
  }

  /** A store with the default bounds. */
  public static MemoryCheckpointStore create() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletableFuture<Void> put(Checkpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    if (closed) {
      return closedFailure();
    }
    return write(checkpoint);
  }

  /**
   * Writes the checkpoint only while {@code holder} holds the thread's lease: the check and the
   * write happen under the lock of the thread's lease slot, which lease and release take too.
   */
  @Override
  public CompletableFuture<Boolean> putIfLeased(Checkpoint checkpoint, String holder) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    requireText(holder, "holder");
    if (closed) {
      return closedFailure();
    }
    long now = nanoTime.getAsLong();
    List<CompletableFuture<Boolean>> outcome = new ArrayList<>(1);
    leases.compute(checkpoint.threadId(), (threadId, lease) -> {
      Lease live = lease == null || lease.expired(now) ? null : lease;
      outcome.add(live != null && live.holder().equals(holder)
          ? write(checkpoint).thenApply(written -> true) : CompletableFuture.completedFuture(false));
      return live;
    });
    return outcome.get(0);
  }

  @Override
  public CompletableFuture<Boolean> lease(String threadId, String holder, Duration ttl) {
    requireText(threadId, "threadId");
    requireText(holder, "holder");
    Checks.requirePositive(ttl, "ttl");
    if (closed) {
      return closedFailure();
    }
    long now = nanoTime.getAsLong();
    long expiresAt = now + Math.max(1, ttl.toNanos());
    Lease taken = leases.compute(threadId, (id, lease) -> lease == null || lease.expired(now) || lease.holder().equals(holder)
        ? new Lease(holder, expiresAt) : lease);
    if (leases.size() > LEASE_SWEEP_THRESHOLD) {
      // Leases of holders that never released them (a crashed caller) go once expired.
      leases.entrySet().removeIf(entry -> entry.getValue().expired(now));
    }
    return CompletableFuture.completedFuture(taken != null && taken.holder().equals(holder));
  }

  @Override
  public CompletableFuture<Void> releaseLease(String threadId, String holder) {
    requireText(threadId, "threadId");
    requireText(holder, "holder");
    if (closed) {
      return closedFailure();
    }
    leases.computeIfPresent(threadId, (id, lease) -> lease.holder().equals(holder) ? null : lease);
    return CompletableFuture.completedFuture(null);
  }

  private CompletableFuture<Void> write(Checkpoint checkpoint) {
    String threadId = checkpoint.threadId();
    long weight = ThreadLog.weigh(checkpoint);
    if (weight + ThreadLog.overhead(threadId) > maximumWeightBytes) {
      return CompletableFuture.failedFuture(new CheckpointTooLargeException("checkpoint '" + checkpoint.id()
          + "' of thread '" + threadId + "' takes about " + weight + " bytes, more than this store's maximum weight of "
          + maximumWeightBytes + " bytes; raise MemoryCheckpointStore.builder().maximumWeightBytes(...) or keep "
          + "large data out of graph state"));
    }
    threads.compute(threadId, (id, log) -> log == null
        ? ThreadLog.of(checkpoint, weight)
        : log.put(checkpoint, weight, maxCheckpointsPerThread, maximumWeightBytes));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Optional<Checkpoint>> latest(String threadId) {
    requireText(threadId, "threadId");
    if (closed) {
      return closedFailure();
    }
    ThreadLog log = cache.getIfPresent(threadId);
    return CompletableFuture.completedFuture(log == null ? Optional.empty() : Optional.of(log.latest()));
  }

  @Override
  public CompletableFuture<Optional<Checkpoint>> get(String threadId, String checkpointId) {
    requireText(threadId, "threadId");
    requireText(checkpointId, "checkpointId");
    if (closed) {
      return closedFailure();
    }
    ThreadLog log = cache.getIfPresent(threadId);
    return CompletableFuture.completedFuture(log == null ? Optional.empty() : log.find(checkpointId));
  }

  @Override
  public CompletableFuture<List<Checkpoint>> history(String threadId, int limit) {
    requireText(threadId, "threadId");
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be > 0, was " + limit);
    }
    if (closed) {
      return closedFailure();
    }
    ThreadLog log = cache.getIfPresent(threadId);
    return CompletableFuture.completedFuture(log == null ? List.of() : log.history(limit));
  }

  @Override
  public CompletableFuture<List<String>> threads() {
    if (closed) {
      return closedFailure();
    }
    // Iterating the map view does not count as access, and skips threads that have expired.
    return CompletableFuture.completedFuture(List.copyOf(threads.keySet()));
  }

  @Override
  public CompletableFuture<Boolean> deleteThread(String threadId) {
    requireText(threadId, "threadId");
    if (closed) {
      return closedFailure();
    }
    return CompletableFuture.completedFuture(threads.remove(threadId) != null);
  }

  /**
   * How many threads this store dropped on its own, with all their checkpoints: evicted to stay
   * under the maximum weight, or expired after the idle TTL. Deleted threads and checkpoints
   * dropped by the per-thread cap are not counted. An expiry is counted when the cache notices
   * it, which may be a little after the TTL has passed.
   */
  public long evictionCount() {
    return evictions.sum();
  }

  /** Drops every checkpoint; later calls fail with {@link IllegalStateException}. Idempotent. */
  @Override
  public void close() {
    closed = true;
    leases.clear();
    cache.invalidateAll();
    cache.cleanUp();
  }

  @Override
  public String toString() {
    return "MemoryCheckpointStore{idleTtl=" + idleTtl + ", maximumWeightBytes=" + maximumWeightBytes
        + ", maxCheckpointsPerThread=" + maxCheckpointsPerThread + ", threads=" + cache.estimatedSize()
        + (closed ? ", closed" : "") + "}";
  }

  /** Runs the cache's pending maintenance (expiry, eviction) now: for tests. */
  void cleanUp() {
    cache.cleanUp();
  }

  /** The estimated bytes all threads hold now, as the cache counts them: for tests. */
  long weightedSize() {
    return cache.policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  private void evicted(@Nullable String threadId, @Nullable ThreadLog log, RemovalCause cause) {
    evictions.increment();
    if (LOG.isDebugEnabled()) {
      LOG.debug("Dropped checkpoint thread '{}' ({}): {} checkpoints, about {} bytes", threadId,
          cause == RemovalCause.EXPIRED ? "idle for " + idleTtl : "over the maximum weight of " + maximumWeightBytes + " bytes",
          log == null ? 0 : log.size(), log == null ? 0 : log.weight());
    }
  }

  /** A thread's write lease: who holds it and until when (in the store's nano time). */
  private record Lease(String holder, long expiresAt) {
    boolean expired(long now) {
      return now - expiresAt >= 0;
    }
  }

  private <T> CompletableFuture<T> closedFailure() {
    return CompletableFuture.failedFuture(new IllegalStateException("this MemoryCheckpointStore is closed"));
  }

  /**
   * Options for a {@link MemoryCheckpointStore}. Every setter validates its argument at once;
   * {@link #build()} makes a new, independent store each time and starts no threads.
   */
  public static final class Builder {
    private Duration idleTtl = DEFAULT_IDLE_TTL;
    private long maximumWeightBytes = defaultMaximumWeightBytes(Runtime.getRuntime().maxMemory());
    private int maxCheckpointsPerThread = DEFAULT_MAX_CHECKPOINTS_PER_THREAD;
    private @Nullable LongSupplier ticker;

    private Builder() {}

    /**
     * How long a thread may go without a put, latest, get or history before it expires with all
     * its checkpoints (default {@link #DEFAULT_IDLE_TTL}). Listing threads does not count as use.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder idleTtl(Duration idleTtl) {
      Objects.requireNonNull(idleTtl, "idleTtl");
      if (idleTtl.isZero() || idleTtl.isNegative()) {
        throw new IllegalArgumentException("idleTtl must be positive, was " + idleTtl);
      }
      this.idleTtl = idleTtl;
      return this;
    }

    /**
     * The estimated heap, in bytes, all threads together may hold (default: a quarter of the
     * JVM's maximum heap, at most {@link #DEFAULT_MAXIMUM_WEIGHT_BYTES}); see
     * {@link dev.zen.spi.StateValues#estimateBytes}.
     * Beyond it whole threads are evicted. A single thread is kept under it by dropping its oldest
     * checkpoints, and a checkpoint that alone exceeds it is refused with
     * {@link CheckpointTooLargeException}.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder maximumWeightBytes(long maximumWeightBytes) {
      if (maximumWeightBytes <= 0) {
        throw new IllegalArgumentException("maximumWeightBytes must be positive, was " + maximumWeightBytes);
      }
      this.maximumWeightBytes = maximumWeightBytes;
      return this;
    }

    /**
     * The checkpoints one thread keeps; a put beyond it drops the thread's oldest checkpoint
     * (default {@link #DEFAULT_MAX_CHECKPOINTS_PER_THREAD}).
     *
     * @throws IllegalArgumentException when less than 1
     */
    public Builder maxCheckpointsPerThread(int maxCheckpointsPerThread) {
      if (maxCheckpointsPerThread < 1) {
        throw new IllegalArgumentException("maxCheckpointsPerThread must be >= 1, was " + maxCheckpointsPerThread);
      }
      this.maxCheckpointsPerThread = maxCheckpointsPerThread;
      return this;
    }

    /**
     * The time source for the idle TTL, in nanoseconds like {@link System#nanoTime()} (the
     * default). For tests that advance time by hand instead of waiting; with a custom ticker,
     * expired threads are removed when the store is next used rather than on a timer.
     */
    public Builder ticker(LongSupplier nanoTime) {
      this.ticker = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** A new store with these options. */
    public MemoryCheckpointStore build() {
      return new MemoryCheckpointStore(this);
    }
  }
}
