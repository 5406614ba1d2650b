package dev.zen.checkpoint.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.CheckpointTooLargeException;
import dev.zen.ZenExecutors;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.CheckpointStoreContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MemoryCheckpointStoreTest extends CheckpointStoreContract {

  @Override
  protected CheckpointStore create() {
    return MemoryCheckpointStore.create();
  }

  @Override
  protected CheckpointStore createAnotherInstance() {
    return MemoryCheckpointStore.create();
  }

  @Override
  protected DataSharing dataSharing() {
    return DataSharing.PER_INSTANCE;
  }

  @Override
  protected IdleTtl idleTtl() {
    return IdleTtl.supported(ttl -> MemoryCheckpointStore.builder().idleTtl(ttl).build());
  }

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private MemoryCheckpointStore openMemory(MemoryCheckpointStore.Builder builder) {
    return (MemoryCheckpointStore) open(builder::build);
  }

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  /** A checkpoint whose state holds about {@code 2 * chars} bytes of text. */
  private Checkpoint heavy(String threadId, String id, int chars) {
    return checkpoint(threadId, id, Map.of("text", "x".repeat(chars)));
  }

  // --- weight bound --------------------------------------------------------------------------

  @Test
  void the_weight_bound_evicts_whole_threads_and_counts_them() {
    long bound = 200_000;
    MemoryCheckpointStore store = openMemory(MemoryCheckpointStore.builder().maximumWeightBytes(bound));
    int threads = 30;

    for (int t = 0; t < threads; t++) {
      await(store.put(heavy("t" + t, "c1", 10_000))); // about 20 KB each, 600 KB in all
    }
    store.cleanUp();

    List<String> kept = await(store.threads());
    assertThat(store.weightedSize()).isLessThanOrEqualTo(bound);
    assertThat(kept).hasSizeBetween(1, 9);
    assertThat(store.evictionCount()).isEqualTo(threads - kept.size());
    for (String threadId : kept) {
      assertThat(await(store.history(threadId, 10))).as("kept threads are whole").hasSize(1);
    }
  }

  @Test
  void a_checkpoint_heavier_than_the_bound_is_refused_and_nothing_is_written() {
    MemoryCheckpointStore store = openMemory(MemoryCheckpointStore.builder().maximumWeightBytes(10_000));
    Checkpoint small = checkpoint("t1", "c1");
    await(store.put(small));

    CompletableFuture<Void> put = store.put(heavy("t1", "c2", 10_000));

    assertThat(put).isCompletedExceptionally();
    assertThatThrownBy(() -> await(put)).isInstanceOf(CheckpointTooLargeException.class)
        .hasMessageContaining("'c2'").hasMessageContaining("maximumWeightBytes");
    assertThat(await(store.history("t1", 10))).containsExactly(small);
    assertThat(store.evictionCount()).isZero();
  }

  @Test
  void a_thread_heavier_than_the_bound_drops_its_oldest_checkpoints_instead_of_vanishing() {
    long bound = 100_000;
    MemoryCheckpointStore store = openMemory(MemoryCheckpointStore.builder().maximumWeightBytes(bound));

    for (int i = 1; i <= 8; i++) {
      await(store.put(heavy("t1", "c" + i, 10_000))); // about 20 KB each
    }
    store.cleanUp();

    List<String> history = ids(await(store.history("t1", 10)));
    assertThat(history).hasSizeBetween(1, 4).startsWith("c8", "c7");
    assertThat(history).isEqualTo(List.of("c8", "c7", "c6", "c5", "c4").subList(0, history.size()));
    assertThat(store.weightedSize()).isLessThanOrEqualTo(bound);
    assertThat(store.evictionCount()).isZero();
  }

  // --- idle TTL with a fake ticker -------------------------------------------------------------

  @Test
  void idle_threads_expire_by_the_ticker_and_are_counted() {
    MemoryCheckpointStore store = openMemory(MemoryCheckpointStore.builder()
        .idleTtl(Duration.ofMinutes(10)).ticker(nanos::get));
    await(store.put(checkpoint("read", "c1")));
    await(store.put(checkpoint("idle", "c1")));
    // Caffeine applies writes to its access order asynchronously, after reads of the same
    // moment; settle them first so the count below does not depend on that race.
    store.cleanUp();

    advance(Duration.ofMinutes(9));
    assertThat(await(store.latest("read"))).isPresent();
    advance(Duration.ofMinutes(2));

    assertThat(await(store.threads())).containsExactly("read");
    assertThat(await(store.latest("idle"))).isEmpty();
    store.cleanUp();
    assertThat(store.evictionCount()).isEqualTo(1);

    advance(Duration.ofMinutes(10));
    assertThat(await(store.latest("read"))).isEmpty();
    store.cleanUp();
    assertThat(store.evictionCount()).isEqualTo(2);
    assertThat(await(store.threads())).isEmpty();
  }

  @Test
  void every_kind_of_use_restarts_the_idle_time_but_listing_threads_does_not() {
    MemoryCheckpointStore store = openMemory(MemoryCheckpointStore.builder()
        .idleTtl(Duration.ofMinutes(10)).ticker(nanos::get));
    for (String threadId : List.of("put", "latest", "get", "history", "listed")) {
      await(store.put(checkpoint(threadId, "c1")));
    }

    advance(Duration.ofMinutes(6));
    await(store.put(checkpoint("put", "c2")));
    await(store.latest("latest"));
    await(store.get("get", "c1"));
    await(store.history("history", 1));
    assertThat(await(store.threads())).contains("listed");
    advance(Duration.ofMinutes(6));

    assertThat(await(store.threads())).containsExactlyInAnyOrder("put", "latest", "get", "history");
  }

  @Test
  void the_default_idle_ttl_is_three_hours() {
    MemoryCheckpointStore store = openMemory(MemoryCheckpointStore.builder().ticker(nanos::get));
    await(store.put(checkpoint("t1", "c1")));

    advance(Duration.ofHours(3).minusSeconds(1));
    assertThat(await(store.threads())).containsExactly("t1");
    advance(Duration.ofSeconds(2));
    assertThat(await(store.threads())).isEmpty();
    assertThat(MemoryCheckpointStore.DEFAULT_IDLE_TTL).isEqualTo(Duration.ofHours(3));
  }

  // --- per-thread cap --------------------------------------------------------------------------

  @Test
  void the_per_thread_cap_drops_the_oldest_checkpoints_first() {
    MemoryCheckpointStore store = openMemory(MemoryCheckpointStore.builder().maxCheckpointsPerThread(3));
    putAllOn(store, "t1", 5);
    putAllOn(store, "t2", 2);

    assertThat(ids(await(store.history("t1", 10)))).containsExactly("c5", "c4", "c3");
    assertThat(await(store.get("t1", "c1"))).isEmpty();
    assertThat(await(store.get("t1", "c2"))).isEmpty();
    assertThat(ids(await(store.history("t2", 10)))).as("the cap is per thread").containsExactly("c2", "c1");
    assertThat(store.evictionCount()).as("dropping old checkpoints evicts no thread").isZero();
  }

  @Test
  void replacing_a_checkpoint_at_the_cap_drops_nothing() {
    MemoryCheckpointStore store = openMemory(MemoryCheckpointStore.builder().maxCheckpointsPerThread(3));
    putAllOn(store, "t1", 3);
    Checkpoint replacement = checkpoint("t1", "c1", Map.of("replaced", true));

    await(store.put(replacement));

    assertThat(ids(await(store.history("t1", 10)))).containsExactly("c3", "c2", "c1");
    assertThat(await(store.get("t1", "c1"))).contains(replacement);
  }

  @Test
  void the_default_cap_keeps_the_newest_thousand_checkpoints() {
    putAllOn((MemoryCheckpointStore) store(), "t1", 1_001);

    List<Checkpoint> history = await(store().history("t1", 2_000));

    assertThat(MemoryCheckpointStore.DEFAULT_MAX_CHECKPOINTS_PER_THREAD).isEqualTo(1_000);
    assertThat(history).hasSize(1_000);
    assertThat(history.get(0).id()).isEqualTo("c1001");
    assertThat(history.get(999).id()).isEqualTo("c2");
  }

  // --- concurrency -----------------------------------------------------------------------------

  @Test
  void concurrent_puts_on_one_thread_are_all_kept_in_order_and_readers_only_see_whole_puts() throws Exception {
    int writers = 8;
    int putsPerWriter = 100;
    MemoryCheckpointStore store = (MemoryCheckpointStore) store();
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    List<String> readerProblems = Collections.synchronizedList(new ArrayList<>());
    try {
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String prefix = "w" + w + "-";
        writes.add(CompletableFuture.runAsync(() -> {
          awaitStart(start);
          for (int i = 0; i < putsPerWriter; i++) {
            await(store.put(checkpoint("shared", prefix + String.format("%03d", i))));
          }
        }, pool));
      }
      List<CompletableFuture<?>> reading = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        reading.add(CompletableFuture.runAsync(() -> {
          awaitStart(start);
          int lastSize = 0;
          while (writing.get()) {
            List<String> snapshot = ids(await(store.history("shared", 1_000)));
            if (snapshot.size() < lastSize) {
              readerProblems.add("history shrank from " + lastSize + " to " + snapshot.size());
            }
            lastSize = snapshot.size();
            checkEachWriterIsAContiguousPrefix(snapshot, writers, readerProblems);
          }
        }, pool));
      }
      start.countDown();
      await(CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])));
      writing.set(false);
      await(CompletableFuture.allOf(reading.toArray(new CompletableFuture<?>[0])));
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }

    List<String> history = ids(await(store.history("shared", 1_000)));
    assertThat(history).hasSize(writers * putsPerWriter).doesNotHaveDuplicates();
    for (int w = 0; w < writers; w++) {
      String prefix = "w" + w + "-";
      assertThat(history.stream().filter(id -> id.startsWith(prefix)))
          .containsExactlyElementsOf(IntStream.range(0, putsPerWriter)
              .mapToObj(i -> prefix + String.format("%03d", putsPerWriter - 1 - i)).collect(Collectors.toList()));
    }
    assertThat(readerProblems).isEmpty();
  }

  /** Each writer's ids, newest first, must be its puts k..0 with none missing: a put is seen whole or not at all. */
  private static void checkEachWriterIsAContiguousPrefix(List<String> newestFirst, int writers, List<String> problems) {
    for (int w = 0; w < writers; w++) {
      String prefix = "w" + w + "-";
      List<Integer> sequence = newestFirst.stream().filter(id -> id.startsWith(prefix))
          .map(id -> Integer.parseInt(id.substring(prefix.length()))).collect(Collectors.toList());
      for (int i = 0; i < sequence.size(); i++) {
        if (sequence.get(i) != sequence.size() - 1 - i) {
          problems.add("writer " + w + " seen as " + sequence);
          return;
        }
      }
    }
  }

  private static void awaitStart(CountDownLatch start) {
    try {
      if (!start.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("no start signal");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // --- futures, snapshots, lifecycle, options --------------------------------------------------

  @Test
  void every_call_returns_an_already_completed_future() {
    MemoryCheckpointStore store = (MemoryCheckpointStore) store();

    assertThat(store.put(checkpoint("t1", "c1"))).isDone();
    assertThat(store.latest("t1")).isDone();
    assertThat(store.get("t1", "c1")).isDone();
    assertThat(store.history("t1", 5)).isDone();
    assertThat(store.threads()).isDone();
    assertThat(store.deleteThread("t1")).isCompletedWithValue(true);
  }

  @Test
  void a_history_is_an_unmodifiable_snapshot_that_later_puts_do_not_change() {
    putAll("t1", 2);
    List<Checkpoint> before = await(store().history("t1", 10));

    await(store().put(checkpoint("t1", "c3")));
    await(store().put(checkpoint("t1", "c1", Map.of("replaced", true))));

    assertThat(ids(before)).containsExactly("c2", "c1");
    assertThat(before.get(1).state()).doesNotContainKey("replaced");
    assertThatThrownBy(() -> before.add(checkpoint("t1", "c9"))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> before.set(0, checkpoint("t1", "c9"))).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void deleting_a_thread_is_not_counted_as_an_eviction() {
    MemoryCheckpointStore store = (MemoryCheckpointStore) store();
    putAll("t1", 2);

    await(store.deleteThread("t1"));
    store.cleanUp();

    assertThat(store.evictionCount()).isZero();
  }

  @Test
  void close_drops_every_thread_and_later_calls_fail() {
    MemoryCheckpointStore store = openMemory(MemoryCheckpointStore.builder());
    await(store.put(checkpoint("t1", "c1")));

    store.close();
    store.close();

    assertThat(store.latest("t1")).isCompletedExceptionally();
    assertThatThrownBy(() -> await(store.latest("t1"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> await(store.put(checkpoint("t1", "c2")))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> await(store.threads())).isInstanceOf(IllegalStateException.class);
    assertThat(store.weightedSize()).as("close released the checkpoints").isZero();
    assertThat(store.toString()).contains("closed");
  }

  @Test
  void builder_setters_reject_invalid_values_at_once_and_leave_the_builder_unchanged() {
    MemoryCheckpointStore.Builder builder = MemoryCheckpointStore.builder();

    assertThatThrownBy(() -> builder.idleTtl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTtl");
    assertThatThrownBy(() -> builder.idleTtl(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.maximumWeightBytes(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maximumWeightBytes");
    assertThatThrownBy(() -> builder.maxCheckpointsPerThread(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxCheckpointsPerThread");

    MemoryCheckpointStore store = openMemory(builder);
    assertThat(store.toString()).contains("idleTtl=PT3H", "maximumWeightBytes="
        + MemoryCheckpointStore.defaultMaximumWeightBytes(Runtime.getRuntime().maxMemory()), "maxCheckpointsPerThread=1000");
  }

  @Test
  void the_default_maximum_weight_is_a_quarter_of_a_small_heap_and_256_mib_of_a_large_one() {
    long mib = 1024L * 1024;

    assertThat(MemoryCheckpointStore.defaultMaximumWeightBytes(256 * mib)).isEqualTo(64 * mib);
    assertThat(MemoryCheckpointStore.defaultMaximumWeightBytes(1024 * mib)).isEqualTo(256 * mib);
    assertThat(MemoryCheckpointStore.defaultMaximumWeightBytes(6 * 1024 * mib))
        .isEqualTo(MemoryCheckpointStore.DEFAULT_MAXIMUM_WEIGHT_BYTES);
    assertThat(MemoryCheckpointStore.defaultMaximumWeightBytes(Long.MAX_VALUE))
        .as("no heap limit").isEqualTo(MemoryCheckpointStore.DEFAULT_MAXIMUM_WEIGHT_BYTES);
    assertThat(MemoryCheckpointStore.defaultMaximumWeightBytes(2 * mib)).as("a tiny heap").isEqualTo(mib);
  }

  @Test
  void each_build_makes_an_independent_store() {
    MemoryCheckpointStore.Builder builder = MemoryCheckpointStore.builder().maxCheckpointsPerThread(2);
    MemoryCheckpointStore first = openMemory(builder);
    MemoryCheckpointStore second = openMemory(builder);

    await(first.put(checkpoint("t1", "c1")));

    assertThat(await(second.threads())).isEmpty();
    assertThat(await(first.threads())).containsExactly("t1");
  }

  private void putAllOn(MemoryCheckpointStore store, String threadId, int count) {
    for (int i = 1; i <= count; i++) {
      await(store.put(checkpoint(threadId, "c" + i)));
    }
  }

  @Test
  void expiry_runs_on_zens_timer_and_written_then_deleted_threads_leave_no_timer_tasks_behind() {
    // Caffeine's system scheduler kept every cancelled expiry task until its delay (the idle TTL)
    // ran out: ~0.75 KB per thread written, for hours. Zen's timer removes cancelled tasks at once.
    ScheduledThreadPoolExecutor timer = (ScheduledThreadPoolExecutor) ZenExecutors.scheduler();
    int before = timer.getQueue().size();
    try (MemoryCheckpointStore store = MemoryCheckpointStore.builder().idleTtl(Duration.ofHours(3)).build()) {
      await(store.put(checkpoint("live", "c1")));
      assertThat(timer.getQueue().size()).as("an expiry is pending on Zen's timer").isGreaterThan(before);

      for (int i = 0; i < 2_000; i++) {
        await(store.put(checkpoint("t" + i, "c")));
        await(store.deleteThread("t" + i));
      }

      assertThat(timer.getQueue().size() - before).as("timer tasks left after 2,000 threads").isLessThan(10);
    }
  }
}
