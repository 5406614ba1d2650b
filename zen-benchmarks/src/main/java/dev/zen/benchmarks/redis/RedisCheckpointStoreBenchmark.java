package dev.zen.benchmarks.redis;

import dev.zen.checkpoint.redis.RedisCheckpointStore;
import dev.zen.checkpoint.redis.RedisCheckpointStoreOptions;
import dev.zen.spi.Checkpoint;
import dev.zen.testkit.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RedisCheckpointStore} put / latest / history against raw Lettuce SET / GET / MGET on the
 * same server, at 1 KiB and 64 KiB encoded checkpoints; the script
 * {@code zen-benchmarks/scripts/redis-checkpoint-bench.sh} runs it next to {@code redis-benchmark}
 * SET/GET at the same sizes against the same server and prints the ratios (see BENCHMARKS.md).
 *
 * <p>Run: {@code ./mvnw -q -B -pl zen-benchmarks -am package -DskipTests && java -jar
 * zen-benchmarks/target/zen-benchmarks.jar RedisCheckpointStoreBenchmark -p redisUri=redis://127.0.0.1:6379}
 * (without {@code redisUri} the benchmark starts its own redis-server through the testkit).
 *
 * <ul>
 *   <li>{@code *Throughput}: one JMH thread keeps {@value #WINDOW} calls in flight on the store's
 *       one connection ({@code redis-benchmark -c 32} keeps 32 connections with one command each).
 *   <li>{@code *Latency}: one thread, one call at a time, sampled (p50/p99); compare with
 *       {@code redis-benchmark -c 1}.
 *   <li>{@code history} reads the newest {@value #HISTORY} checkpoints (10× the bytes of one
 *       {@code GET}); the Lettuce side is an {@code MGET} of 10 keys.
 * </ul>
 *
 * <p>Puts go round {@value #THREADS} threads with at most 20 checkpoints each (older ones are
 * trimmed, as in production), so memory stays bounded; reads hit threads filled in setup.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 2)
public class RedisCheckpointStoreBenchmark {
  static final int WINDOW = 32;
  static final int BATCH = 256;
  static final int THREADS = 100;
  static final int HISTORY = 10;
  private static final int ENVELOPE = 110;

  /** The encoded checkpoint size in bytes. */
  @Param({"1024", "65536"})
  public int size;

  /** {@code zen}: the checkpoint store; {@code lettuce}: SET/GET/MGET of the same bytes on one Lettuce connection. */
  @Param({"zen", "lettuce"})
  public String impl;

  /** Redis to use; empty starts one with the testkit. */
  @Param("")
  public String redisUri;

  private @Nullable RedisServerProcess ownRedis;
  private RedisCheckpointStore store;
  private RedisClient client;
  private StatefulRedisConnection<byte[], byte[]> connection;
  private RedisAsyncCommands<byte[], byte[]> lettuce;
  private Map<String, @Nullable Object> state;
  private byte[] value;
  private byte[][] historyKeys;
  private final AtomicLong sequence = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() {
    String uri = redisUri;
    if (uri.isEmpty()) {
      ownRedis = RedisServerProcess.start();
      uri = ownRedis.uri();
    }
    store = RedisCheckpointStore.builder(uri)
        .options(RedisCheckpointStoreOptions.builder().keyPrefix("bench").maxCheckpointsPerThread(20)
            // Throughput runs queue 32 calls of up to 640 KiB replies on one connection: measure, do not time out.
            .commandTimeout(Duration.ofSeconds(30)).requestQueueSize(1_000).build())
        .build();
    client = RedisClient.create(uri);
    connection = client.connect(ByteArrayCodec.INSTANCE);
    lettuce = connection.async();
    connection.sync().flushall();

    state = Map.of("payload", "x".repeat(size - ENVELOPE));
    Checkpoint sample = checkpoint(0);
    int encoded = dev.zen.spi.CheckpointCodec.encode(sample).length;
    if (Math.abs(encoded - size) > 16) {
      throw new IllegalStateException("encoded checkpoint is " + encoded + " bytes, wanted about " + size);
    }
    value = new byte[encoded];
    java.util.Arrays.fill(value, (byte) 'x');
    historyKeys = new byte[HISTORY][];
    for (int i = 0; i < HISTORY; i++) {
      historyKeys[i] = ("bench:raw:" + i).getBytes(StandardCharsets.UTF_8);
    }
    for (long i = 0; i < THREADS * 20L; i++) {
      store.put(checkpoint(i)).join();
    }
    for (byte[] key : historyKeys) {
      connection.sync().set(key, value);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
    connection.close();
    client.shutdown();
    if (ownRedis != null) {
      ownRedis.close();
    }
  }

  private Checkpoint checkpoint(long n) {
    return new Checkpoint("thread-" + (n % THREADS), "c" + n, "node", "next", state, Instant.EPOCH);
  }

  private CompletableFuture<?> put(long n) {
    if (impl.equals("zen")) {
      return store.put(checkpoint(n));
    }
    return lettuce.set(("bench:raw:" + (n % 1000)).getBytes(StandardCharsets.UTF_8), value).toCompletableFuture();
  }

  private CompletableFuture<?> latest(long n) {
    if (impl.equals("zen")) {
      return store.latest("thread-" + (n % THREADS));
    }
    return lettuce.get(historyKeys[(int) (n % HISTORY)]).toCompletableFuture();
  }

  private CompletableFuture<?> history(long n) {
    if (impl.equals("zen")) {
      return store.history("thread-" + (n % THREADS), HISTORY);
    }
    return lettuce.mget(historyKeys).toCompletableFuture();
  }

  /** {@value #BATCH} calls with at most {@value #WINDOW} in flight. */
  private void window(LongFunction<CompletableFuture<?>> call) {
    Semaphore permits = new Semaphore(WINDOW);
    CompletableFuture<?>[] calls = new CompletableFuture<?>[BATCH];
    for (int i = 0; i < BATCH; i++) {
      permits.acquireUninterruptibly();
      CompletableFuture<?> future = call.apply(sequence.incrementAndGet());
      future.whenComplete((v, e) -> permits.release());
      calls[i] = future;
    }
    CompletableFuture.allOf(calls).join();
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BATCH)
  public void putThroughput() {
    window(this::put);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BATCH)
  public void latestThroughput() {
    window(this::latest);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BATCH)
  public void historyThroughput() {
    window(this::history);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object putLatency() {
    return put(sequence.incrementAndGet()).join();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object latestLatency() {
    return latest(sequence.incrementAndGet()).join();
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object historyLatency() {
    return history(sequence.incrementAndGet()).join();
  }
}
