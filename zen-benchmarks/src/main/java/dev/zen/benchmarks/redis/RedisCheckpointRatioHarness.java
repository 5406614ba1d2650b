package dev.zen.benchmarks.redis;

import dev.zen.checkpoint.redis.RedisCheckpointStore;
import dev.zen.checkpoint.redis.RedisCheckpointStoreOptions;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointCodec;
import dev.zen.testkit.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The store against raw Lettuce on the same server, <em>interleaved</em>: short alternating slices
 * (throughput, 32 calls in flight) and alternating single calls (latency), so both sides see the
 * same machine load. JMH runs its benchmarks one after another, which on a shared machine can put
 * the two sides under different load; this harness gives the ratio that load cannot skew.
 *
 * <p>Run: {@code java -cp zen-benchmarks/target/zen-benchmarks.jar
 * dev.zen.benchmarks.redis.RedisCheckpointRatioHarness [redisUri] [rounds]} (no URI: it starts a
 * redis-server through the testkit). Prints one line per size and operation.
 */
public final class RedisCheckpointRatioHarness {
  private static final int WINDOW = 32;
  private static final int THREADS = 100;
  private static final int HISTORY = 10;
  private static final Duration SLICE = Duration.ofMillis(250);

  private RedisCheckpointRatioHarness() {}

  public static void main(String[] args) throws Exception {
    String uri = args.length > 0 ? args[0] : "";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    RedisServerProcess own = null;
    if (uri.isEmpty()) {
      own = RedisServerProcess.start();
      uri = own.uri();
    }
    try {
      System.out.println("| size | operation | Zen / Lettuce throughput (32 in flight) | Zen p50 / p99 µs | Lettuce p50 / p99 µs |");
      System.out.println("| --- | --- | ---: | ---: | ---: |");
      for (int size : new int[] {1024, 65536}) {
        run(uri, size, rounds);
      }
    } finally {
      if (own != null) {
        own.close();
      }
    }
  }

  private static void run(String uri, int size, int rounds) {
    RedisClient client = RedisClient.create(uri);
    try (RedisCheckpointStore store = RedisCheckpointStore.builder(uri)
            .options(RedisCheckpointStoreOptions.builder().keyPrefix("ratio").maxCheckpointsPerThread(20)
                .commandTimeout(Duration.ofSeconds(30)).requestQueueSize(1_000).build())
            .build();
        StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
      connection.sync().flushall();
      RedisAsyncCommands<byte[], byte[]> raw = connection.async();
      Map<String, @Nullable Object> state = Map.of("payload", "x".repeat(size - 110));
      byte[] value = CheckpointCodec.encode(new Checkpoint("thread-0", "c0", "node", "next", state, Instant.EPOCH));
      byte[][] keys = new byte[HISTORY][];
      for (int i = 0; i < HISTORY; i++) {
        keys[i] = ("ratio:raw:" + i).getBytes(StandardCharsets.UTF_8);
        connection.sync().set(keys[i], value);
      }
      for (long i = 0; i < THREADS * 20L; i++) {
        store.put(new Checkpoint("thread-" + (i % THREADS), "c" + i, "node", "next", state, Instant.EPOCH)).join();
      }
      long[] sequence = {THREADS * 20L};
      LongFunction<CompletableFuture<?>> zenPut = n -> store.put(
          new Checkpoint("thread-" + (n % THREADS), "c" + n, "node", "next", state, Instant.EPOCH));
      LongFunction<CompletableFuture<?>> rawPut = n -> raw.set(("ratio:raw:" + (n % 1000)).getBytes(StandardCharsets.UTF_8), value)
          .toCompletableFuture();
      LongFunction<CompletableFuture<?>> zenLatest = n -> store.latest("thread-" + (n % THREADS));
      LongFunction<CompletableFuture<?>> rawGet = n -> raw.get(keys[(int) (n % HISTORY)]).toCompletableFuture();
      LongFunction<CompletableFuture<?>> zenHistory = n -> store.history("thread-" + (n % THREADS), HISTORY);
      LongFunction<CompletableFuture<?>> rawMget = n -> raw.mget(keys).toCompletableFuture();

      report(size, "put (vs SET)", zenPut, rawPut, rounds, sequence);
      report(size, "latest (vs GET)", zenLatest, rawGet, rounds, sequence);
      report(size, "history 10 (vs MGET 10)", zenHistory, rawMget, rounds, sequence);
    } finally {
      client.shutdown();
    }
  }

  private static void report(int size, String operation, LongFunction<CompletableFuture<?>> zen,
      LongFunction<CompletableFuture<?>> raw, int rounds, long[] sequence) {
    // Warm-up: one slice each.
    slice(zen, sequence);
    slice(raw, sequence);
    long zenOps = 0;
    long rawOps = 0;
    for (int r = 0; r < rounds; r++) {
      if (r % 2 == 0) {
        zenOps += slice(zen, sequence);
        rawOps += slice(raw, sequence);
      } else {
        rawOps += slice(raw, sequence);
        zenOps += slice(zen, sequence);
      }
    }
    int samples = size > 4096 ? 400 : 2000;
    long[] zenLatency = new long[samples];
    long[] rawLatency = new long[samples];
    for (int i = 0; i < samples; i++) {
      long t0 = System.nanoTime();
      zen.apply(++sequence[0]).join();
      long t1 = System.nanoTime();
      raw.apply(++sequence[0]).join();
      long t2 = System.nanoTime();
      zenLatency[i] = t1 - t0;
      rawLatency[i] = t2 - t1;
    }
    Arrays.sort(zenLatency);
    Arrays.sort(rawLatency);
    System.out.println(String.format(Locale.ROOT, "| %d KiB | %s | %.2f (%,.0f / %,.0f ops/s) | %d / %d | %d / %d |",
        size / 1024, operation, (double) zenOps / rawOps, zenOps / (rounds * SLICE.toMillis() / 1000.0),
        rawOps / (rounds * SLICE.toMillis() / 1000.0), micros(zenLatency, 0.50), micros(zenLatency, 0.99),
        micros(rawLatency, 0.50), micros(rawLatency, 0.99)));
  }

  /** Calls completed in one slice with {@value #WINDOW} in flight. */
  private static long slice(LongFunction<CompletableFuture<?>> call, long[] sequence) {
    Semaphore permits = new Semaphore(WINDOW);
    long end = System.nanoTime() + SLICE.toNanos();
    long started = 0;
    while (System.nanoTime() < end) {
      permits.acquireUninterruptibly();
      call.apply(++sequence[0]).whenComplete((v, e) -> permits.release());
      started++;
    }
    permits.acquireUninterruptibly(WINDOW);
    return started;
  }

  private static long micros(long[] sorted, double quantile) {
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1000;
  }
}
