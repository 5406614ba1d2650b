package dev.zen.checkpoint.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Immutable settings of a {@link RedisCheckpointStore}. Every setting has a documented default
 * ({@link #defaults()}); builder setters validate at once.
 *
 * <p>Two groups of settings:
 * <ul>
 *   <li><b>Data</b> ({@link #keyPrefix()}, {@link #ttl()}, {@link #maxCheckpointsPerThread()},
 *       {@link #maxBytesPerThread()}, {@link #maxCheckpointBytes()}, {@link #threadIndex()},
 *       {@link #commandTimeout()}) always apply.
 *   <li><b>Client</b> ({@link #connectTimeout()}, {@link #requestQueueSize()},
 *       {@link #minReconnectDelay()}, {@link #maxReconnectDelay()}, {@link #keepAliveIdle()},
 *       {@link #topologyRefreshPeriod()}) configure the Lettuce client the store creates; a store
 *       given a shared client leaves that client's options as they are, and only sets the command
 *       timeout of its own connection.
 * </ul>
 */
public final class RedisCheckpointStoreOptions {
  /** Default key prefix: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "zen";
  /** Default time a thread lives after its last write (or a refreshing read): 7 days. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(7);
  /** Default number of checkpoints kept per thread: {@value}. */
  public static final int DEFAULT_MAX_CHECKPOINTS_PER_THREAD = 1000;
  /** Default total size of the checkpoints kept per thread: {@value} bytes (64 MiB). */
  public static final long DEFAULT_MAX_BYTES_PER_THREAD = 64L * 1024 * 1024;
  /** Default size cap of one encoded checkpoint: {@value} bytes (16 MiB). */
  public static final int DEFAULT_MAX_CHECKPOINT_BYTES = 16 * 1024 * 1024;
  /** Default time a Redis command may take: 2 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /** Default time a connection attempt may take: 2 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Default bound of commands queued on the connection: {@value}. */
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;
  /** Default first reconnect delay: 20 ms. */
  public static final Duration DEFAULT_MIN_RECONNECT_DELAY = Duration.ofMillis(20);
  /** Default longest reconnect delay: 1 second. */
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
  /** Default TCP keep-alive idle time: 30 seconds (probes every 10 s, 3 probes). */
  public static final Duration DEFAULT_KEEP_ALIVE_IDLE = Duration.ofSeconds(30);
  /** Default periodic Redis Cluster topology refresh: 60 seconds (plus adaptive refreshes). */
  public static final Duration DEFAULT_TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(60);

  /** Longest history a thread may keep; larger values would make reads unbounded. */
  static final int MAX_CHECKPOINTS_LIMIT = 100_000;
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final RedisCheckpointStoreOptions DEFAULTS = builder().build();

  private final String keyPrefix;
  private final Duration ttl;
  private final int maxCheckpointsPerThread;
  private final long maxBytesPerThread;
  private final int maxCheckpointBytes;
  private final boolean threadIndex;
  private final Duration commandTimeout;
  private final Duration connectTimeout;
  private final int requestQueueSize;
  private final Duration minReconnectDelay;
  private final Duration maxReconnectDelay;
  private final Duration keepAliveIdle;
  private final Duration topologyRefreshPeriod;

  private RedisCheckpointStoreOptions(Builder b) {
    this.keyPrefix = b.keyPrefix;
    this.ttl = b.ttl;
    this.maxCheckpointsPerThread = b.maxCheckpointsPerThread;
    this.maxBytesPerThread = b.maxBytesPerThread;
    this.maxCheckpointBytes = b.maxCheckpointBytes;
    this.threadIndex = b.threadIndex;
    this.commandTimeout = b.commandTimeout;
    this.connectTimeout = b.connectTimeout;
    this.requestQueueSize = b.requestQueueSize;
    this.minReconnectDelay = b.minReconnectDelay;
    this.maxReconnectDelay = b.maxReconnectDelay;
    this.keepAliveIdle = b.keepAliveIdle;
    this.topologyRefreshPeriod = b.topologyRefreshPeriod;
  }

  /** The options with every default. */
  public static RedisCheckpointStoreOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The prefix of every key the store writes ({@value #DEFAULT_KEY_PREFIX}): letters, digits and
   * {@code . _ : -}, at most 64 characters. Stores with different prefixes never see each other's
   * threads.
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * How long a thread lives after its last write (default 7 days); all keys of a thread expire
   * together. A read refreshes it only when less than half of it remains. {@link Duration#ZERO}
   * keeps threads until they are deleted.
   */
  public Duration ttl() {
    return ttl;
  }

  /**
   * How many checkpoints a thread keeps (default {@value #DEFAULT_MAX_CHECKPOINTS_PER_THREAD});
   * older ones are trimmed, oldest first, when a put goes over. The latest is never trimmed.
   */
  public int maxCheckpointsPerThread() {
    return maxCheckpointsPerThread;
  }

  /**
   * The total encoded size of a thread's checkpoints (default 64 MiB); older ones are trimmed,
   * oldest first, when a put goes over. The latest is never trimmed.
   */
  public long maxBytesPerThread() {
    return maxBytesPerThread;
  }

  /**
   * The largest encoded checkpoint a put accepts (default 16 MiB); a larger one fails with
   * {@link dev.zen.CheckpointTooLargeException} and nothing is written. At most
   * {@link #maxBytesPerThread()}.
   */
  public int maxCheckpointBytes() {
    return maxCheckpointBytes;
  }

  /**
   * Whether puts keep the best-effort index of threads that {@code threads()} reads (default
   * {@code true}). Without it, {@code threads()} scans the keyspace, which is slow on a big one.
   */
  public boolean threadIndex() {
    return threadIndex;
  }

  /**
   * How long one Redis command may take before the call fails with
   * {@link dev.zen.OperationTimeoutException} (default 2 s).
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * How long connecting may take (default 2 s): the TCP connect, and the handshake after it (TLS,
   * authentication), which gets the {@link #commandTimeout()} instead when that is longer. Client
   * setting.
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * How many commands may wait on the connection (default {@value #DEFAULT_REQUEST_QUEUE_SIZE});
   * beyond it calls fail at once with {@link dev.zen.ServiceUnavailableException} instead of
   * piling up memory. Client setting.
   */
  public int requestQueueSize() {
    return requestQueueSize;
  }

  /** The first delay before reconnecting after a lost connection (default 20 ms). Client setting. */
  public Duration minReconnectDelay() {
    return minReconnectDelay;
  }

  /**
   * The longest delay between reconnect attempts (default 1 s): the store works again at most this
   * long after Redis is back. Client setting.
   */
  public Duration maxReconnectDelay() {
    return maxReconnectDelay;
  }

  /**
   * The idle time before TCP keep-alive probes start (default 30 s; then every 10 s, 3 probes), so
   * a silently dropped connection is noticed even when no command is running. Client setting.
   */
  public Duration keepAliveIdle() {
    return keepAliveIdle;
  }

  /**
   * How often a cluster client refreshes the topology on its own (default 60 s); it also refreshes
   * on MOVED/ASK redirects and reconnects. Client setting, Redis Cluster only.
   */
  public Duration topologyRefreshPeriod() {
    return topologyRefreshPeriod;
  }

  @Override
  public String toString() {
    return "RedisCheckpointStoreOptions{keyPrefix=" + keyPrefix + ", ttl=" + ttl
        + ", maxCheckpointsPerThread=" + maxCheckpointsPerThread + ", maxBytesPerThread=" + maxBytesPerThread
        + ", maxCheckpointBytes=" + maxCheckpointBytes + ", threadIndex=" + threadIndex
        + ", commandTimeout=" + commandTimeout + ", connectTimeout=" + connectTimeout
        + ", requestQueueSize=" + requestQueueSize + ", reconnectDelay=" + minReconnectDelay + ".." + maxReconnectDelay
        + ", keepAliveIdle=" + keepAliveIdle + ", topologyRefreshPeriod=" + topologyRefreshPeriod + "}";
  }

  /** Builds {@link RedisCheckpointStoreOptions}; every setter validates its argument at once. */
  public static final class Builder {
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration ttl = DEFAULT_TTL;
    private int maxCheckpointsPerThread = DEFAULT_MAX_CHECKPOINTS_PER_THREAD;
    private long maxBytesPerThread = DEFAULT_MAX_BYTES_PER_THREAD;
    private int maxCheckpointBytes = DEFAULT_MAX_CHECKPOINT_BYTES;
    private boolean threadIndex = true;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
    private Duration minReconnectDelay = DEFAULT_MIN_RECONNECT_DELAY;
    private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
    private Duration keepAliveIdle = DEFAULT_KEEP_ALIVE_IDLE;
    private Duration topologyRefreshPeriod = DEFAULT_TOPOLOGY_REFRESH_PERIOD;

    private Builder() {}

    private Builder(RedisCheckpointStoreOptions o) {
      keyPrefix = o.keyPrefix;
      ttl = o.ttl;
      maxCheckpointsPerThread = o.maxCheckpointsPerThread;
      maxBytesPerThread = o.maxBytesPerThread;
      maxCheckpointBytes = o.maxCheckpointBytes;
      threadIndex = o.threadIndex;
      commandTimeout = o.commandTimeout;
      connectTimeout = o.connectTimeout;
      requestQueueSize = o.requestQueueSize;
      minReconnectDelay = o.minReconnectDelay;
      maxReconnectDelay = o.maxReconnectDelay;
      keepAliveIdle = o.keepAliveIdle;
      topologyRefreshPeriod = o.topologyRefreshPeriod;
    }

    /** See {@link RedisCheckpointStoreOptions#keyPrefix()}. */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (!PREFIX.matcher(keyPrefix).matches()) {
        throw new IllegalArgumentException("keyPrefix must be 1 to 64 letters, digits or . _ : - (was '"
            + keyPrefix + "')");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * See {@link RedisCheckpointStoreOptions#ttl()}; {@link Duration#ZERO} for no expiry, else at
     * least 1 ms (Redis expires with millisecond precision).
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || (!ttl.isZero() && ttl.toMillis() < 1)) {
        throw new IllegalArgumentException("ttl must be zero (no expiry) or at least 1 ms, was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /** See {@link RedisCheckpointStoreOptions#maxCheckpointsPerThread()}; 1 to 100 000. */
    public Builder maxCheckpointsPerThread(int max) {
      if (max < 1 || max > MAX_CHECKPOINTS_LIMIT) {
        throw new IllegalArgumentException("maxCheckpointsPerThread must be 1.." + MAX_CHECKPOINTS_LIMIT + ", was " + max);
      }
      this.maxCheckpointsPerThread = max;
      return this;
    }

    /**
     * See {@link RedisCheckpointStoreOptions#maxBytesPerThread()}; positive. A value below the
     * current {@link #maxCheckpointBytes(int)} lowers that cap to it.
     */
    public Builder maxBytesPerThread(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxBytesPerThread must be positive, was " + max);
      }
      this.maxBytesPerThread = max;
      this.maxCheckpointBytes = (int) Math.min(maxCheckpointBytes, max);
      return this;
    }

    /**
     * See {@link RedisCheckpointStoreOptions#maxCheckpointBytes()}; 1 byte to 512 MiB (Redis'
     * largest value) and at most {@link #maxBytesPerThread(long)}.
     */
    public Builder maxCheckpointBytes(int max) {
      if (max < 1 || max > 512 * 1024 * 1024) {
        throw new IllegalArgumentException("maxCheckpointBytes must be 1..536870912, was " + max);
      }
      if (max > maxBytesPerThread) {
        throw new IllegalArgumentException("maxCheckpointBytes (" + max + ") must not exceed maxBytesPerThread ("
            + maxBytesPerThread + "); raise maxBytesPerThread first");
      }
      this.maxCheckpointBytes = max;
      return this;
    }

    /** See {@link RedisCheckpointStoreOptions#threadIndex()}. */
    public Builder threadIndex(boolean enabled) {
      this.threadIndex = enabled;
      return this;
    }

    /** See {@link RedisCheckpointStoreOptions#commandTimeout()}; 1 ms to 10 minutes. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive(timeout, "commandTimeout");
      return this;
    }

    /** See {@link RedisCheckpointStoreOptions#connectTimeout()}; 1 ms to 10 minutes. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** See {@link RedisCheckpointStoreOptions#requestQueueSize()}; at least 1. */
    public Builder requestQueueSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("requestQueueSize must be at least 1, was " + size);
      }
      this.requestQueueSize = size;
      return this;
    }

    /** See {@link RedisCheckpointStoreOptions#minReconnectDelay()} and {@link RedisCheckpointStoreOptions#maxReconnectDelay()}. */
    public Builder reconnectDelay(Duration min, Duration max) {
      positive(min, "min reconnect delay");
      positive(max, "max reconnect delay");
      if (min.compareTo(max) > 0) {
        throw new IllegalArgumentException("min reconnect delay " + min + " exceeds max " + max);
      }
      this.minReconnectDelay = min;
      this.maxReconnectDelay = max;
      return this;
    }

    /** See {@link RedisCheckpointStoreOptions#keepAliveIdle()}; at least 1 s. */
    public Builder keepAliveIdle(Duration idle) {
      positive(idle, "keepAliveIdle");
      if (idle.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("keepAliveIdle must be at least 1 second, was " + idle);
      }
      this.keepAliveIdle = idle;
      return this;
    }

    /** See {@link RedisCheckpointStoreOptions#topologyRefreshPeriod()}. */
    public Builder topologyRefreshPeriod(Duration period) {
      this.topologyRefreshPeriod = positive(period, "topologyRefreshPeriod");
      return this;
    }

    /** The options; no side effects. */
    public RedisCheckpointStoreOptions build() {
      return new RedisCheckpointStoreOptions(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(name + " must be between 1 ms and 10 minutes, was " + value);
      }
      if (value.toMillis() < 1) {
        throw new IllegalArgumentException(name + " must be at least 1 ms, was " + value);
      }
      return value;
    }
  }
}
