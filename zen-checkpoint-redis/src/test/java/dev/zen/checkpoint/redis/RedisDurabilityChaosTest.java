package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.RetriableException;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointCodec;
import dev.zen.testkit.RedisServerProcess;
import dev.zen.testkit.RedisServerProcess.AppendFsync;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Durability under faults: K writers put N checksummed checkpoints each while a seeded chaos loop
 * SIGKILLs and restarts Redis at least {@value #KILLS} times at random points of the run. Every
 * put is retried until acknowledged. Afterwards each acknowledged checkpoint must be present and
 * byte-identical, each thread's history in acknowledgement order, and no index entry orphaned.
 * The same harness without persistence must detect losses, proving it can fail.
 */
class RedisDurabilityChaosTest {
  private static final long SEED = 20_251_124L;
  private static final int WRITERS = 4;
  private static final int CHECKPOINTS_PER_WRITER = 500;
  private static final int KILLS = 6;
  private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

  @Test
  void every_acknowledged_checkpoint_survives_repeated_sigkills_with_aof_appendfsync_always() throws Exception {
    Report report;
    try (RedisServerProcess redis = RedisServerProcess.builder().appendOnly(AppendFsync.ALWAYS).start()) {
      report = run(redis, SEED);
    }
    System.out.println("CHAOS aof=always " + report);

    assertThat(report.kills).as("kills during the run").isGreaterThanOrEqualTo(5);
    assertThat(report.acknowledged).as("acknowledged puts").isEqualTo(WRITERS * CHECKPOINTS_PER_WRITER);
    assertThat(report.failedAttempts).as("put attempts that failed while Redis was down (the chaos was real)")
        .isPositive();
    assertThat(report.problems).as("lost, altered, misordered or orphaned data").isEmpty();
    assertThat(report.verified).isEqualTo(report.acknowledged);
  }

  @Test
  void without_persistence_the_same_harness_detects_lost_checkpoints() throws Exception {
    Report report;
    try (RedisServerProcess redis = RedisServerProcess.builder().noPersistence().start()) {
      report = run(redis, SEED);
    }
    System.out.println("CHAOS persistence=none " + report);

    assertThat(report.kills).isGreaterThanOrEqualTo(5);
    assertThat(report.lost).as("acknowledged checkpoints the verifier found missing").isPositive();
    assertThat(report.problems).anyMatch(problem -> problem.contains("lost"));
  }

  /** Runs the writers and the chaos loop against {@code redis}, then verifies everything acknowledged. */
  private static Report run(RedisServerProcess redis, long seed) throws Exception {
    Random chaos = new Random(seed);
    RedisCheckpointStoreOptions options = RedisCheckpointStoreOptions.builder()
        .keyPrefix("chaos")
        .ttl(Duration.ZERO)
        .maxCheckpointsPerThread(CHECKPOINTS_PER_WRITER * 2)
        .commandTimeout(Duration.ofSeconds(1))
        .reconnectDelay(Duration.ofMillis(10), Duration.ofMillis(100))
        .build();
    Report report = new Report();
    List<List<Checkpoint>> acked = new ArrayList<>();
    AtomicLong progress = new AtomicLong();
    AtomicInteger failures = new AtomicInteger();
    long deadline = System.nanoTime() + RUN_LIMIT.toNanos();

    try (RedisCheckpointStore store = RedisCheckpointStore.builder(redis.uri()).options(options).build()) {
      List<Thread> writers = new ArrayList<>();
      List<Throwable> writerErrors = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        List<Checkpoint> ackOrder = new ArrayList<>();
        acked.add(ackOrder);
        int writer = w;
        long writerSeed = seed * 31 + w;
        Thread thread = new Thread(() -> {
          try {
            write(store, writer, writerSeed, ackOrder, progress, failures, deadline);
          } catch (Throwable t) {
            synchronized (writerErrors) {
              writerErrors.add(t);
            }
          }
        }, "chaos-writer-" + w);
        writers.add(thread);
      }
      writers.forEach(Thread::start);

      // Kill at seeded points of the run's progress, so kills land mid-run however fast the machine is.
      long total = (long) WRITERS * CHECKPOINTS_PER_WRITER;
      long[] killAt = new long[KILLS];
      for (int k = 0; k < KILLS; k++) {
        long band = total * 8 / 10 / KILLS;
        killAt[k] = total / 10 + k * band + (long) (chaos.nextDouble() * band);
      }
      for (long threshold : killAt) {
        while (progress.get() < threshold && writers.stream().anyMatch(Thread::isAlive)) {
          pause(2);
        }
        if (!writers.stream().anyMatch(Thread::isAlive)) {
          break;
        }
        redis.kill();
        report.kills++;
        pause(20 + chaos.nextInt(200));
        redis.restart();
      }
      for (Thread thread : writers) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 5_000);
      }
      assertThat(writerErrors).as("writer errors").isEmpty();
      assertThat(writers).noneMatch(Thread::isAlive);
      report.failedAttempts = failures.get();
      for (List<Checkpoint> list : acked) {
        report.acknowledged += list.size();
      }
      verify(store, redis, acked, report);
    }
    return report;
  }

  /** Puts N checksummed checkpoints one after another, retrying each until it is acknowledged. */
  private static void write(RedisCheckpointStore store, int writer, long seed, List<Checkpoint> ackOrder,
      AtomicLong progress, AtomicInteger failures, long deadline) throws InterruptedException {
    Random random = new Random(seed);
    String threadId = "writer-" + writer + ":{chaos}";
    for (int i = 0; i < CHECKPOINTS_PER_WRITER; i++) {
      byte[] payload = new byte[64 + random.nextInt(2048)];
      random.nextBytes(payload);
      Map<String, @Nullable Object> state = new LinkedHashMap<>();
      state.put("writer", writer);
      state.put("seq", i);
      state.put("payload", HexFormat.of().formatHex(payload));
      state.put("sha256", sha256(payload));
      Checkpoint checkpoint = new Checkpoint(threadId, String.format("c%05d", i), "node", "next", state,
          Instant.ofEpochSecond(1_700_000_000L + i, writer));
      while (true) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("writer " + writer + " did not finish within " + RUN_LIMIT);
        }
        try {
          store.put(checkpoint).get(5, TimeUnit.SECONDS);
          break;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof RetriableException)) {
            throw new AssertionError("a put failed with a non-retriable error", e.getCause());
          }
          failures.incrementAndGet();
          pause(5);
        } catch (TimeoutException e) {
          throw new AssertionError("a put neither completed nor failed within 5 s (commandTimeout is 1 s)", e);
        }
      }
      ackOrder.add(checkpoint);
      progress.incrementAndGet();
    }
  }

  /** Checks everything acknowledged through the store API and, for orphans, in the raw keys. */
  private static void verify(RedisCheckpointStore store, RedisServerProcess redis, List<List<Checkpoint>> acked,
      Report report) throws Exception {
    KeyLayout layout = new KeyLayout("chaos");
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
      RedisCommands<byte[], byte[]> raw = connection.sync();
      for (List<Checkpoint> ackOrder : acked) {
        if (ackOrder.isEmpty()) {
          continue;
        }
        String threadId = ackOrder.get(0).threadId();
        List<Checkpoint> history = new ArrayList<>(store.history(threadId, CHECKPOINTS_PER_WRITER * 2).get(10, TimeUnit.SECONDS));
        java.util.Collections.reverse(history);
        Map<String, Checkpoint> stored = new LinkedHashMap<>();
        for (Checkpoint checkpoint : history) {
          stored.put(checkpoint.id(), checkpoint);
        }
        int lost = 0;
        for (Checkpoint expected : ackOrder) {
          Checkpoint actual = stored.get(expected.id());
          if (actual == null) {
            lost++;
            continue;
          }
          String sha = sha256(HexFormat.of().parseHex((String) actual.state().get("payload")));
          if (!Arrays.equals(CheckpointCodec.encode(actual), CheckpointCodec.encode(expected))
              || !sha.equals(actual.state().get("sha256"))) {
            report.problems.add(threadId + ": checkpoint " + expected.id() + " is not byte-identical");
          } else {
            report.verified++;
          }
        }
        if (lost > 0) {
          report.lost += lost;
          report.problems.add(threadId + ": " + lost + " of " + ackOrder.size() + " acknowledged checkpoints lost");
        }
        List<String> expectedOrder = ackOrder.stream().map(Checkpoint::id).filter(stored::containsKey).toList();
        List<String> actualOrder = history.stream().map(Checkpoint::id).toList();
        if (!actualOrder.equals(expectedOrder)) {
          report.problems.add(threadId + ": history is not in acknowledgement order (or holds unacknowledged ids)");
        }

        byte[][] keys = layout.threadKeys(threadId);
        List<ScoredValue<byte[]>> index = raw.zrangeWithScores(keys[0], 0, -1);
        long bodies = raw.hlen(keys[1]);
        long bytes = 0;
        double previous = Double.NEGATIVE_INFINITY;
        for (ScoredValue<byte[]> entry : index) {
          if (!raw.hexists(keys[1], entry.getValue())) {
            report.problems.add(threadId + ": orphan index entry " + new String(entry.getValue(), StandardCharsets.UTF_8));
          }
          bytes += raw.hstrlen(keys[1], entry.getValue());
          if (entry.getScore() <= previous) {
            report.problems.add(threadId + ": index scores are not increasing");
          }
          previous = entry.getScore();
        }
        if (bodies != index.size()) {
          report.problems.add(threadId + ": " + bodies + " bodies but " + index.size() + " index entries");
        }
        byte[] metaBytes = raw.hget(keys[2], "bytes".getBytes(StandardCharsets.UTF_8));
        if (!index.isEmpty() && (metaBytes == null || Long.parseLong(new String(metaBytes, StandardCharsets.UTF_8)) != bytes)) {
          report.problems.add(threadId + ": metadata byte count does not match the bodies");
        }
      }
    } finally {
      client.shutdown();
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void pause(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  private static final class Report {
    int kills;
    long acknowledged;
    long verified;
    long lost;
    int failedAttempts;
    final List<String> problems = new ArrayList<>();

    @Override
    public String toString() {
      return "kills=" + kills + " acknowledged=" + acknowledged + " verified=" + verified + " lost=" + lost
          + " failedAttempts=" + failedAttempts + " problems=" + problems;
    }
  }
}
