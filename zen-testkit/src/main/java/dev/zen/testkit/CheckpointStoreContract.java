package dev.zen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.zen.InvalidRequestException;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link CheckpointStore} keeps, as an abstract JUnit 5 suite. A backend's test
 * extends it and implements the hooks:
 *
 * <pre>{@code
 * class MyCheckpointStoreTest extends CheckpointStoreContract {
 *   protected CheckpointStore create() { return MyCheckpointStore.create(); }
 *   protected CheckpointStore createAnotherInstance() { return MyCheckpointStore.create(); }
 *   protected DataSharing dataSharing() { return DataSharing.PER_INSTANCE; }
 *   protected IdleTtl idleTtl() {
 *     return IdleTtl.supported(ttl -> MyCheckpointStore.builder().idleTtl(ttl).build());
 *   }
 * }
 * }</pre>
 *
 * <p>Nothing is skipped: what a backend cannot do it declares through a hook
 * ({@link #dataSharing()}, {@link IdleTtl#notSupported(String)}), and the suite then checks the
 * declared behaviour instead. The suite takes a few seconds per backend; it never puts more than
 * 200 checkpoints in one thread, so stores that cap a thread's history at 200 or more pass it.
 *
 * <p>Every {@link dev.zen.spi.StateValues state value} must come back exactly: an {@code Integer}
 * stays an {@code Integer}, {@code -0.0}, {@code NaN}, a {@code BigDecimal}'s scale, NUL
 * characters, unnormalized Unicode and map key order survive. Ids are compared as given, without
 * Unicode normalization.
 *
 * <p>Invalid arguments may be thrown directly or fail the returned stage, as an
 * {@link IllegalArgumentException} or an {@link InvalidRequestException}, with a message naming
 * what was wrong.
 *
 * <p>Suites for behaviour above the store (graphs that stop and resume through it) extend
 * {@link CheckpointStoreFixture}, which holds the hooks they share with this suite.
 */
public abstract class CheckpointStoreContract extends CheckpointStoreFixture {
  private static final List<String> BLANKS = List.of("", " ", "\t\n ");
  /** A lease long enough that no test outlives it by accident. */
  private static final Duration LEASE = Duration.ofMinutes(1);

  private CheckpointStore store;

  /**
   * Whether this backend expires threads left idle (neither read nor written) for a while. No
   * default: a backend states either way.
   */
  protected abstract IdleTtl idleTtl();

  /**
   * Whether this backend keeps write leases ({@link CheckpointStore#lease}). The default says it
   * does, and the suite checks them; a store meant for one process that keeps the SPI's defaults
   * declares {@link Leases#notKept(String)}, and the suite checks the defaults instead.
   */
  protected Leases leases() {
    return Leases.kept();
  }

  @BeforeEach
  final void openStore() {
    store = open();
  }

  /** The store of the current test, opened with {@link #create()} before it. */
  protected final CheckpointStore store() {
    return store;
  }

  // --- lookups on nothing --------------------------------------------------------------------

  @Test
  void a_new_store_has_no_threads() {
    assertThat(await(store.threads())).isEmpty();
  }

  @Test
  void an_unknown_thread_has_no_latest_no_history_and_no_checkpoints() {
    assertThat(await(store.latest("nobody"))).isEmpty();
    assertThat(await(store.get("nobody", "c1"))).isEmpty();
    assertThat(await(store.history("nobody", 10))).isEmpty();
  }

  @Test
  void an_unknown_checkpoint_id_in_a_known_thread_is_empty() {
    await(store.put(checkpoint("t1", "c1")));

    assertThat(await(store.get("t1", "c2"))).isEmpty();
  }

  // --- round trips ---------------------------------------------------------------------------

  @Test
  void put_then_latest_returns_the_same_state() {
    Checkpoint written = checkpoint("t1", "c1");

    assertThat(await(store.put(written))).isNull();

    assertThat(await(store.latest("t1"))).contains(written);
  }

  @Test
  void put_then_get_returns_the_same_checkpoint() {
    Checkpoint written = checkpoint("t1", "c1");
    await(store.put(written));

    Checkpoint read = await(store.get("t1", "c1")).orElseThrow();

    assertThat(read).isEqualTo(written);
    assertThat(read.createdAt()).isEqualTo(written.createdAt());
    assertThat(read.nodeId()).isEqualTo("node");
    assertThat(read.nextNodeId()).isEqualTo("next");
  }

  @Test
  void null_values_and_absent_node_ids_round_trip() {
    Map<String, @Nullable Object> state = new LinkedHashMap<>();
    state.put("nothing", null);
    state.put("list", Arrays.asList("a", null, "b"));
    Map<String, @Nullable Object> inner = new LinkedHashMap<>();
    inner.put("also nothing", null);
    state.put("inner", inner);
    Checkpoint written = new Checkpoint("t1", "c1", null, null, state, nextCreatedAt());
    await(store.put(written));

    Checkpoint read = await(store.get("t1", "c1")).orElseThrow();

    assertThat(read).isEqualTo(written);
    assertThat(read.nodeId()).isNull();
    assertThat(read.nextNodeId()).isNull();
    assertThat(read.state()).containsKey("nothing").containsEntry("nothing", null);
    assertThat(asList(read.state().get("list"))).containsExactly("a", null, "b");
    assertThat(asMap(read.state().get("inner"))).containsEntry("also nothing", null).hasSize(1);
  }

  @Test
  void every_number_type_keeps_its_exact_type_and_value() {
    Map<String, @Nullable Object> state = new LinkedHashMap<>();
    state.put("byte", (byte) -7);
    state.put("short", (short) 31_000);
    state.put("int", Integer.MIN_VALUE);
    state.put("smallLong", 1L);
    state.put("long", Long.MAX_VALUE);
    state.put("float", 1.5f);
    state.put("double", 0.1d);
    state.put("negativeZero", -0.0d);
    state.put("nan", Double.NaN);
    state.put("infinity", Double.NEGATIVE_INFINITY);
    state.put("bigInteger", new BigInteger("-123456789012345678901234567890"));
    state.put("bigDecimal", new BigDecimal("1.50"));
    state.put("true", true);
    state.put("false", false);
    state.put("mixedList", List.of(1, 1L, 1.0d, 1.0f, (short) 1, (byte) 1));
    await(store.put(checkpoint("t1", "c1", state)));

    Map<String, @Nullable Object> read = await(store.get("t1", "c1")).orElseThrow().state();

    assertThat(read.get("byte")).isExactlyInstanceOf(Byte.class).isEqualTo((byte) -7);
    assertThat(read.get("short")).isExactlyInstanceOf(Short.class).isEqualTo((short) 31_000);
    assertThat(read.get("int")).isExactlyInstanceOf(Integer.class).isEqualTo(Integer.MIN_VALUE);
    assertThat(read.get("smallLong")).as("a Long that fits an int stays a Long")
        .isExactlyInstanceOf(Long.class).isEqualTo(1L);
    assertThat(read.get("long")).isExactlyInstanceOf(Long.class).isEqualTo(Long.MAX_VALUE);
    assertThat(read.get("float")).isExactlyInstanceOf(Float.class).isEqualTo(1.5f);
    assertThat(read.get("double")).isExactlyInstanceOf(Double.class).isEqualTo(0.1d);
    assertThat(read.get("negativeZero")).as("-0.0 is not 0.0").isEqualTo(-0.0d);
    assertThat(read.get("nan")).isEqualTo(Double.NaN);
    assertThat(read.get("infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(read.get("bigInteger")).isExactlyInstanceOf(BigInteger.class)
        .isEqualTo(new BigInteger("-123456789012345678901234567890"));
    assertThat(read.get("bigDecimal")).as("a BigDecimal keeps its scale")
        .isExactlyInstanceOf(BigDecimal.class).isEqualTo(new BigDecimal("1.50"));
    assertThat(read.get("true")).isEqualTo(Boolean.TRUE);
    assertThat(read.get("false")).isEqualTo(Boolean.FALSE);
    assertThat(asList(read.get("mixedList")).stream().map(value -> value.getClass().getSimpleName()))
        .containsExactly("Integer", "Long", "Double", "Float", "Short", "Byte");
    assertThat(read).isEqualTo(state);
  }

  @Test
  void nested_maps_and_lists_round_trip_with_their_order() {
    Map<String, @Nullable Object> deepest = new LinkedHashMap<>();
    deepest.put("z", 1);
    deepest.put("a", List.of());
    deepest.put("m", Map.of());
    Map<String, @Nullable Object> state = new LinkedHashMap<>();
    for (String key : List.of("zebra", "apple", "mango", "kiwi", "banana", "cherry", "date", "fig", "grape", "lemon")) {
      state.put(key, key.length());
    }
    state.put("messages", List.of(
        Map.of("role", "user", "content", "hi"),
        List.of(List.of(1, 2), List.of()),
        deepest));
    await(store.put(checkpoint("t1", "c1", state)));

    Map<String, @Nullable Object> read = await(store.get("t1", "c1")).orElseThrow().state();

    assertThat(read).isEqualTo(state);
    assertThat(read.keySet()).as("map keys keep their insertion order").containsExactlyElementsOf(state.keySet());
    List<@Nullable Object> messages = asList(read.get("messages"));
    assertThat(messages).hasSize(3);
    assertThat(asMap(messages.get(0))).containsEntry("role", "user").containsEntry("content", "hi");
    assertThat(asList(messages.get(1))).containsExactly(List.of(1, 2), List.of());
    assertThat(asMap(messages.get(2)).keySet()).containsExactly("z", "a", "m");
  }

  @Test
  void unicode_round_trips_in_ids_keys_and_values() {
    String threadId = "线程-🧵-e\u0301";
    String checkpointId = "检查点-😀";
    Map<String, @Nullable Object> state = new LinkedHashMap<>();
    state.put("emoji", "😀 👩‍👩‍👧‍👦 🇫🇷");
    state.put("cjk", "漢字 かな カナ 한글");
    state.put("combining", "e\u0301");
    state.put("precomposed", "\u00e9");
    state.put("rtl", "עברית العربية");
    state.put("controls", "nul\u0000 tab\t newline\n");
    state.put("🔑 ключ 键", "key with emoji, Cyrillic and CJK");
    Checkpoint written = new Checkpoint(threadId, checkpointId, "节点", "下一个", state, nextCreatedAt());
    await(store.put(written));

    Checkpoint read = await(store.get(threadId, checkpointId)).orElseThrow();

    assertThat(read).isEqualTo(written);
    assertThat(read.state().get("combining")).as("combining characters are not normalized").isEqualTo("e\u0301");
    assertThat(read.state().get("precomposed")).isEqualTo("\u00e9");
    assertThat(await(store.threads())).containsExactly(threadId);
    assertThat(await(store.latest(threadId))).contains(written);
    assertThat(await(store.latest("线程-🧵-\u00e9"))).as("thread ids are not normalized either").isEmpty();
  }

  @Test
  void strings_and_lists_longer_than_64_KiB_round_trip() {
    String ascii = IntStream.range(0, 100_000).mapToObj(i -> String.valueOf((char) ('a' + i % 26)))
        .collect(Collectors.joining());
    String multiByte = "漢😀".repeat(20_000); // 140,000 bytes of UTF-8
    List<Integer> longList = IntStream.range(0, 70_000).boxed().collect(Collectors.toList());
    Map<String, @Nullable Object> state = new LinkedHashMap<>();
    state.put("ascii", ascii);
    state.put("multiByte", multiByte);
    state.put("longList", longList);
    await(store.put(checkpoint("t1", "c1", state)));

    Map<String, @Nullable Object> read = await(store.get("t1", "c1")).orElseThrow().state();

    assertThat((String) read.get("ascii")).hasSize(100_000).isEqualTo(ascii);
    assertThat((String) read.get("multiByte")).hasSize(60_000).isEqualTo(multiByte);
    assertThat(asList(read.get("longList"))).hasSize(70_000).isEqualTo(longList);
  }

  // --- order -----------------------------------------------------------------------------------

  @Test
  void latest_is_the_most_recently_put_checkpoint() {
    await(store.put(checkpoint("t1", "c1")));
    await(store.put(checkpoint("t1", "c2")));
    Checkpoint third = checkpoint("t1", "c3");
    await(store.put(third));

    assertThat(await(store.latest("t1"))).contains(third);
  }

  @Test
  void history_is_newest_first() {
    List<Checkpoint> written = putAll("t1", 5);

    List<Checkpoint> history = await(store.history("t1", 10));

    assertThat(history).containsExactly(written.get(4), written.get(3), written.get(2), written.get(1), written.get(0));
  }

  @Test
  void history_returns_at_most_limit_checkpoints() {
    putAll("t1", 5);

    assertThat(ids(await(store.history("t1", 2)))).containsExactly("c5", "c4");
    assertThat(ids(await(store.history("t1", 1)))).containsExactly("c5");
    assertThat(ids(await(store.history("t1", 5)))).containsExactly("c5", "c4", "c3", "c2", "c1");
    assertThat(ids(await(store.history("t1", Integer.MAX_VALUE)))).containsExactly("c5", "c4", "c3", "c2", "c1");
  }

  @Test
  void a_history_limit_of_zero_or_less_is_rejected() {
    putAll("t1", 2);

    for (int limit : new int[] {0, -1, Integer.MIN_VALUE}) {
      assertRejected(() -> store.history("t1", limit), "limit");
    }
    assertThat(await(store.history("t1", 10))).as("a rejected call changes nothing").hasSize(2);
  }

  @Test
  void putting_an_existing_id_replaces_it_in_place() {
    putAll("t1", 3);
    Checkpoint replacement = checkpoint("t1", "c2", Map.of("replaced", true));

    await(store.put(replacement));

    List<Checkpoint> history = await(store.history("t1", 10));
    assertThat(ids(history)).as("same position, same size").containsExactly("c3", "c2", "c1");
    assertThat(history.get(1)).isEqualTo(replacement);
    assertThat(await(store.get("t1", "c2"))).contains(replacement);
    assertThat(await(store.latest("t1")).map(Checkpoint::id)).contains("c3");
  }

  @Test
  void putting_the_latest_id_again_replaces_the_latest() {
    putAll("t1", 2);
    Checkpoint replacement = checkpoint("t1", "c2", Map.of("replaced", true));

    await(store.put(replacement));

    assertThat(await(store.latest("t1"))).contains(replacement);
    assertThat(ids(await(store.history("t1", 10)))).containsExactly("c2", "c1");
  }

  @Test
  void replaying_the_same_put_is_harmless() {
    List<Checkpoint> written = putAll("t1", 3);

    await(store.put(written.get(0)));
    await(store.put(written.get(2)));

    assertThat(await(store.history("t1", 10))).containsExactly(written.get(2), written.get(1), written.get(0));
  }

  // --- threads and deletion --------------------------------------------------------------------

  @Test
  void threads_are_isolated_even_with_the_same_checkpoint_ids() {
    Checkpoint one = checkpoint("t1", "c1", Map.of("owner", "t1"));
    Checkpoint two = checkpoint("t2", "c1", Map.of("owner", "t2"));
    await(store.put(one));
    await(store.put(two));
    await(store.put(checkpoint("t2", "c2")));

    assertThat(await(store.get("t1", "c1"))).contains(one);
    assertThat(await(store.get("t2", "c1"))).contains(two);
    assertThat(await(store.latest("t1"))).contains(one);
    assertThat(ids(await(store.history("t1", 10)))).containsExactly("c1");
    assertThat(await(store.get("t1", "c2"))).isEmpty();
  }

  @Test
  void delete_thread_removes_its_checkpoints_and_reports_whether_there_were_any() {
    putAll("t1", 3);

    assertThat(await(store.deleteThread("t1"))).isTrue();
    assertThat(await(store.deleteThread("t1"))).isFalse();

    assertThat(await(store.latest("t1"))).isEmpty();
    assertThat(await(store.get("t1", "c1"))).isEmpty();
    assertThat(await(store.history("t1", 10))).isEmpty();
    assertThat(await(store.threads())).doesNotContain("t1");
  }

  @Test
  void deleting_an_unknown_thread_reports_false() {
    assertThat(await(store.deleteThread("nobody"))).isFalse();
  }

  @Test
  void delete_thread_leaves_other_threads_intact() {
    putAll("t1", 2);
    List<Checkpoint> kept = putAll("t2", 2);

    await(store.deleteThread("t1"));

    assertThat(await(store.history("t2", 10))).containsExactly(kept.get(1), kept.get(0));
    assertThat(await(store.threads())).containsExactly("t2");
  }

  @Test
  void a_deleted_thread_starts_afresh_when_put_to_again() {
    putAll("t1", 3);
    await(store.deleteThread("t1"));

    Checkpoint fresh = checkpoint("t1", "c9");
    await(store.put(fresh));

    assertThat(await(store.history("t1", 10))).containsExactly(fresh);
  }

  @Test
  void threads_lists_every_thread_that_has_checkpoints() {
    putAll("t1", 1);
    putAll("t2", 3);
    putAll("t3", 2);

    assertThat(await(store.threads())).containsExactlyInAnyOrder("t1", "t2", "t3");

    await(store.deleteThread("t2"));
    assertThat(await(store.threads())).containsExactlyInAnyOrder("t1", "t3");
  }

  // --- instances -------------------------------------------------------------------------------

  @Test
  void a_fresh_instance_on_the_same_backend_sees_the_data_exactly_when_the_backend_shares_it() {
    List<Checkpoint> written = putAll("t1", 2);
    DataSharing sharing = Objects.requireNonNull(dataSharing(), "dataSharing() returned null");

    CheckpointStore second = openAnother();

    switch (sharing) {
      case SHARED_BY_INSTANCES -> {
        assertThat(await(second.history("t1", 10))).containsExactly(written.get(1), written.get(0));
        assertThat(await(second.threads())).containsExactly("t1");
        Checkpoint third = checkpoint("t1", "c3");
        await(second.put(third));
        assertThat(await(store.latest("t1"))).as("the first instance sees the second one's writes").contains(third);

        closeNow(store);
        closeNow(second);
        CheckpointStore reopened = openAnother();
        assertThat(await(reopened.history("t1", 10))).as("the data outlives the instances that wrote it")
            .containsExactly(third, written.get(1), written.get(0));
      }
      case PER_INSTANCE -> {
        assertThat(await(second.threads())).isEmpty();
        assertThat(await(second.latest("t1"))).isEmpty();
        await(second.put(checkpoint("t1", "other")));
        assertThat(await(store.history("t1", 10))).as("the second instance's writes stay in it")
            .containsExactly(written.get(1), written.get(0));
        assertThat(ids(await(second.history("t1", 10)))).containsExactly("other");
      }
    }
  }

  // --- concurrency -----------------------------------------------------------------------------

  @Test
  void concurrent_puts_on_many_threads_lose_nothing_and_keep_each_threads_order() throws Exception {
    int threads = 8;
    int putsPerThread = 40;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String threadId = "thread-" + t;
        writers.add(CompletableFuture.runAsync(() -> {
          awaitLatch(start);
          for (int i = 0; i < putsPerThread; i++) {
            await(store.put(checkpoint(threadId, sequenceId("c", i))));
          }
        }, pool));
      }
      start.countDown();
      await(CompletableFuture.allOf(writers.toArray(new CompletableFuture<?>[0])));
    } finally {
      pool.shutdownNow();
    }

    assertThat(await(store.threads())).hasSize(threads);
    for (int t = 0; t < threads; t++) {
      String threadId = "thread-" + t;
      List<String> expected = IntStream.range(0, putsPerThread).mapToObj(i -> sequenceId("c", putsPerThread - 1 - i))
          .collect(Collectors.toList());
      assertThat(ids(await(store.history(threadId, putsPerThread + 10)))).as(threadId).containsExactlyElementsOf(expected);
      assertThat(await(store.latest(threadId)).map(Checkpoint::id)).contains(expected.get(0));
    }
  }

  @Test
  void concurrent_writers_on_one_thread_lose_nothing_and_keep_each_writers_order() throws Exception {
    int writers = 4;
    int putsPerWriter = 30;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String prefix = "w" + w + "-";
        running.add(CompletableFuture.runAsync(() -> {
          awaitLatch(start);
          for (int i = 0; i < putsPerWriter; i++) {
            await(store.put(checkpoint("shared", sequenceId(prefix, i))));
          }
        }, pool));
      }
      start.countDown();
      await(CompletableFuture.allOf(running.toArray(new CompletableFuture<?>[0])));
    } finally {
      pool.shutdownNow();
    }

    List<String> history = ids(await(store.history("shared", writers * putsPerWriter + 10)));
    assertThat(history).hasSize(writers * putsPerWriter).doesNotHaveDuplicates();
    for (int w = 0; w < writers; w++) {
      String prefix = "w" + w + "-";
      List<String> expected = IntStream.range(0, putsPerWriter).mapToObj(i -> sequenceId(prefix, putsPerWriter - 1 - i))
          .collect(Collectors.toList());
      assertThat(history.stream().filter(id -> id.startsWith(prefix))).as("writer " + w + ", newest first")
          .containsExactlyElementsOf(expected);
    }
  }

  // --- write leases ------------------------------------------------------------------------------

  @Test
  void a_free_lease_is_granted_and_refused_to_another_holder_until_it_is_released() {
    if (!leasesKept()) {
      assertThat(await(store.lease("t1", "a", LEASE))).isTrue();
      assertThat(await(store.lease("t1", "b", LEASE))).as("the SPI's default grants every lease").isTrue();
      return;
    }
    assertThat(await(store.lease("t1", "a", LEASE))).isTrue();
    assertThat(await(store.lease("t1", "b", LEASE))).isFalse();
    assertThat(await(store.lease("t2", "b", LEASE))).as("leases are per thread").isTrue();

    await(store.releaseLease("t1", "b"));
    assertThat(await(store.lease("t1", "b", LEASE))).as("only the holder releases a lease").isFalse();
    await(store.releaseLease("t1", "a"));
    assertThat(await(store.lease("t1", "b", LEASE))).isTrue();
  }

  @Test
  void the_holder_renews_its_lease_and_an_unrenewed_lease_expires() {
    if (!leasesKept()) {
      return;
    }
    // Renewed every 20 ms against a 2 s TTL: only a stall of seconds could let it lapse.
    Duration ttl = Duration.ofSeconds(2);
    assertThat(await(store.lease("t1", "a", ttl))).isTrue();
    long renewUntil = System.nanoTime() + Duration.ofMillis(2_500).toNanos();
    while (System.nanoTime() - renewUntil < 0) {
      assertThat(await(store.lease("t1", "a", ttl))).as("renewed by its holder").isTrue();
      assertThat(await(store.lease("t1", "b", ttl))).as("kept from others while renewed").isFalse();
      pause();
    }

    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!await(store.lease("t1", "b", ttl))) {
      if (System.nanoTime() - deadline > 0) {
        fail("a lease not renewed for " + TIMEOUT + " was still held; its ttl was " + ttl);
      }
      pause();
    }
    assertThat(await(store.lease("t1", "a", ttl))).as("the old holder lost it").isFalse();
  }

  @Test
  void put_if_leased_writes_only_for_the_holder_of_the_lease() {
    Checkpoint first = checkpoint("t1", "c1");
    Checkpoint intruder = checkpoint("t1", "c2");
    if (!leasesKept()) {
      assertThat(await(store.putIfLeased(first, "anyone"))).as("the SPI's default is a plain put").isTrue();
      assertThat(await(store.latest("t1"))).contains(first);
      return;
    }
    assertThat(await(store.putIfLeased(first, "a"))).as("no lease at all").isFalse();
    assertThat(await(store.latest("t1"))).isEmpty();

    assertThat(await(store.lease("t1", "a", LEASE))).isTrue();
    assertThat(await(store.putIfLeased(first, "a"))).isTrue();
    assertThat(await(store.putIfLeased(intruder, "b"))).as("another holder's lease").isFalse();

    assertThat(await(store.history("t1", 10))).containsExactly(first);
    assertThat(await(store.lease("t1", "a", LEASE))).as("writing neither renews nor releases").isTrue();
  }

  @Test
  void a_writer_whose_lease_expired_cannot_overwrite_the_next_holders_write() {
    if (!leasesKept()) {
      return;
    }
    Duration ttl = Duration.ofMillis(200);
    assertThat(await(store.lease("t1", "slow", ttl))).isTrue();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!await(store.lease("t1", "next", ttl))) {
      if (System.nanoTime() - deadline > 0) {
        fail("the lease never expired");
      }
      pause();
    }
    Checkpoint next = checkpoint("t1", "latest", Map.of("by", "next"));
    assertThat(await(store.putIfLeased(next, "next"))).isTrue();

    assertThat(await(store.putIfLeased(checkpoint("t1", "latest", Map.of("by", "slow")), "slow"))).isFalse();
    assertThat(await(store.latest("t1"))).contains(next);
  }

  @Test
  void deleting_a_thread_leaves_its_lease_with_its_holder() {
    if (!leasesKept()) {
      return;
    }
    assertThat(await(store.lease("t1", "a", LEASE))).isTrue();
    await(store.put(checkpoint("t1", "c1")));

    await(store.deleteThread("t1"));

    assertThat(await(store.lease("t1", "b", LEASE))).isFalse();
    assertThat(await(store.putIfLeased(checkpoint("t1", "c2"), "a"))).isTrue();
  }

  @Test
  void of_many_holders_asking_at_once_exactly_one_gets_the_lease() throws Exception {
    if (!leasesKept()) {
      return;
    }
    int holders = 16;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(holders);
    try {
      List<CompletableFuture<Boolean>> asking = new ArrayList<>();
      for (int h = 0; h < holders; h++) {
        String holder = "h" + h;
        asking.add(CompletableFuture.supplyAsync(() -> {
          awaitLatch(start);
          return await(store.lease("contended", holder, LEASE));
        }, pool));
      }
      start.countDown();
      await(CompletableFuture.allOf(asking.toArray(new CompletableFuture<?>[0])));
      assertThat(asking.stream().filter(CompletableFuture::join).count()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_lease_taken_through_one_instance_binds_another_exactly_when_the_backend_shares_data() {
    if (!leasesKept()) {
      return;
    }
    assertThat(await(store.lease("t1", "a", LEASE))).isTrue();
    CheckpointStore second = openAnother();
    boolean shared = Objects.requireNonNull(dataSharing()) == DataSharing.SHARED_BY_INSTANCES;

    assertThat(await(second.lease("t1", "b", LEASE))).isEqualTo(!shared);
    assertThat(await(second.putIfLeased(checkpoint("t1", "c1"), "a"))).isEqualTo(shared);
  }

  @Test
  void lease_arguments_are_checked() {
    assertRejected(() -> store.lease(" ", "a", LEASE), "thread");
    assertRejected(() -> store.lease("t1", " ", LEASE), "holder");
    assertRejected(() -> store.lease("t1", "a", Duration.ZERO), "ttl");
    assertRejected(() -> store.releaseLease("t1", ""), "holder");
    assertRejected(() -> store.putIfLeased(checkpoint("t1", "c1"), ""), "holder");
  }

  private boolean leasesKept() {
    return Objects.requireNonNull(leases(), "leases() returned null").kept;
  }

  // --- invalid arguments -----------------------------------------------------------------------

  @Test
  void blank_thread_ids_are_rejected_with_a_message_naming_the_thread() {
    await(store.put(checkpoint("t1", "c1")));

    for (String blank : BLANKS) {
      assertRejected(() -> store.latest(blank), "thread");
      assertRejected(() -> store.get(blank, "c1"), "thread");
      assertRejected(() -> store.history(blank, 10), "thread");
      assertRejected(() -> store.deleteThread(blank), "thread");
    }
    assertThat(await(store.threads())).containsExactly("t1");
  }

  @Test
  void a_blank_checkpoint_id_is_rejected_with_a_message_naming_the_id() {
    await(store.put(checkpoint("t1", "c1")));

    for (String blank : BLANKS) {
      assertRejected(() -> store.get("t1", blank), "id");
    }
  }

  // --- idle expiry -----------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> idle_ttl_behaves_as_the_backend_declares() {
    IdleTtl ttl = Objects.requireNonNull(idleTtl(), "idleTtl() returned null; return IdleTtl.supported(...) or IdleTtl.notSupported(reason)");
    if (ttl.factory == null) {
      return Stream.of(dynamicTest("without idle TTL (" + ttl.reason + "), an untouched thread is kept",
          this::an_untouched_thread_is_kept_by_a_store_without_idle_ttl));
    }
    Function<Duration, ? extends CheckpointStore> factory = ttl.factory;
    return Stream.of(
        dynamicTest("a thread idle for longer than the ttl expires", () -> an_idle_thread_expires(factory)),
        dynamicTest("a thread read within the ttl is kept while an idle one expires", () -> a_thread_in_use_is_kept(factory)));
  }

  private void an_idle_thread_expires(Function<Duration, ? extends CheckpointStore> factory) {
    Duration ttl = Duration.ofMillis(300);
    CheckpointStore expiring = open(() -> factory.apply(ttl));
    long start = System.nanoTime();
    await(expiring.put(checkpoint("idle", "c1")));

    // threads() is the probe because reading the thread itself would keep it alive.
    Duration gone = waitUntilThreadIsGone(expiring, "idle", start);

    assertThat(gone).as("the thread must not expire before its ttl").isGreaterThanOrEqualTo(ttl.minusMillis(50));
    assertThat(await(expiring.latest("idle"))).isEmpty();
    assertThat(await(expiring.get("idle", "c1"))).isEmpty();
    assertThat(await(expiring.history("idle", 10))).isEmpty();
    Checkpoint fresh = checkpoint("idle", "c2");
    await(expiring.put(fresh));
    assertThat(await(expiring.history("idle", 10))).as("an expired thread starts afresh").containsExactly(fresh);
  }

  private void a_thread_in_use_is_kept(Function<Duration, ? extends CheckpointStore> factory) {
    Duration ttl = Duration.ofSeconds(1);
    CheckpointStore expiring = open(() -> factory.apply(ttl));
    long start = System.nanoTime();
    await(expiring.put(checkpoint("busy", "c1")));
    await(expiring.put(checkpoint("idle", "c1")));

    long deadline = start + ttl.plus(TIMEOUT).toNanos();
    while (await(expiring.threads()).contains("idle")) {
      assertThat(await(expiring.latest("busy"))).as("a thread read every few milliseconds stays").isPresent();
      if (System.nanoTime() - deadline > 0) {
        fail("the idle thread was still listed " + ttl.plus(TIMEOUT) + " after it was written; ttl was " + ttl);
      }
      pause();
    }

    assertThat(await(expiring.latest("idle"))).isEmpty();
    assertThat(await(expiring.latest("busy")).map(Checkpoint::id)).contains("c1");
    assertThat(await(expiring.threads())).containsExactly("busy");
  }

  private void an_untouched_thread_is_kept_by_a_store_without_idle_ttl() {
    await(store.put(checkpoint("untouched", "c1")));
    long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
    while (System.nanoTime() - until < 0) {
      assertThat(await(store.threads())).contains("untouched");
      pause();
    }
    assertThat(await(store.latest("untouched")).map(Checkpoint::id)).contains("c1");
  }

  private static Duration waitUntilThreadIsGone(CheckpointStore store, String threadId, long start) {
    long deadline = start + TIMEOUT.toNanos();
    while (await(store.threads()).contains(threadId)) {
      if (System.nanoTime() - deadline > 0) {
        fail("thread '" + threadId + "' was still listed " + TIMEOUT + " after it was written");
      }
      pause();
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  // --- helpers for this suite and its subclasses -----------------------------------------------

  /** Puts checkpoints {@code c1..cN} on the thread, one after another, and returns them in put order. */
  protected final List<Checkpoint> putAll(String threadId, int count) {
    List<Checkpoint> written = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      Checkpoint checkpoint = checkpoint(threadId, "c" + i);
      await(store.put(checkpoint));
      written.add(checkpoint);
    }
    return written;
  }

  /** The ids of {@code checkpoints}, in their order. */
  protected static List<String> ids(List<Checkpoint> checkpoints) {
    return checkpoints.stream().map(Checkpoint::id).collect(Collectors.toList());
  }

  /**
   * Asserts that {@code call} is rejected as an invalid argument, thrown or through its stage, with
   * a message containing {@code mentioning} (ignoring case).
   */
  protected static void assertRejected(Supplier<? extends CompletionStage<?>> call, String mentioning) {
    Throwable failure = null;
    Object result = null;
    try {
      result = await(call.get());
    } catch (IllegalArgumentException | InvalidRequestException e) {
      failure = e;
    }
    if (failure == null) {
      fail("expected the call to be rejected (mentioning '" + mentioning + "') but it completed with "
          + (result instanceof Optional<?> optional && optional.isEmpty() ? "an empty Optional" : result));
    }
    assertThat(failure.getMessage()).as("the rejection's message").isNotBlank().containsIgnoringCase(mentioning);
  }

  @SuppressWarnings("unchecked")
  private static List<@Nullable Object> asList(@Nullable Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<@Nullable Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, @Nullable Object> asMap(@Nullable Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, @Nullable Object>) value;
  }

  private static String sequenceId(String prefix, int i) {
    return prefix + String.format("%03d", i);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the start signal never came");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Whether a backend keeps write leases, or leaves the SPI's defaults (single-process stores). */
  public static final class Leases {
    private static final Leases KEPT = new Leases(true, "");
    private final boolean kept;
    private final String reason;

    private Leases(boolean kept, String reason) {
      this.kept = kept;
      this.reason = reason;
    }

    /** The backend keeps leases, across its instances when it shares data between them. */
    public static Leases kept() {
      return KEPT;
    }

    /** The backend keeps the SPI's defaults (every lease granted); {@code reason} says why that is safe. */
    public static Leases notKept(String reason) {
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("say why leases are not kept");
      }
      return new Leases(false, reason);
    }

    @Override
    public String toString() {
      return kept ? "Leases.kept" : "Leases.notKept(" + reason + ")";
    }
  }

  /**
   * Whether a backend expires threads nobody reads or writes for a while, and how to make such a
   * store. A thread's idle time restarts with every put, latest, get and history on it; listing
   * {@link CheckpointStore#threads()} does not touch threads, and leaves expired ones out.
   */
  public static final class IdleTtl {
    private final @Nullable Function<Duration, ? extends CheckpointStore> factory;
    private final String reason;

    private IdleTtl(@Nullable Function<Duration, ? extends CheckpointStore> factory, String reason) {
      this.factory = factory;
      this.reason = reason;
    }

    /**
     * The backend expires idle threads; {@code factory} makes a new, empty store whose threads
     * expire after the given idle time (the suite asks for a few hundred milliseconds up to a
     * second, so the backend's expiry must be that precise).
     */
    public static IdleTtl supported(Function<Duration, ? extends CheckpointStore> factory) {
      return new IdleTtl(Objects.requireNonNull(factory, "factory"), "");
    }

    /**
     * The backend keeps threads until they are deleted; {@code reason} says why, and the suite
     * checks instead that an untouched thread stays.
     */
    public static IdleTtl notSupported(String reason) {
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("say why idle TTL is not supported; the reason is shown in the test name");
      }
      return new IdleTtl(null, reason);
    }

    @Override
    public String toString() {
      return factory == null ? "IdleTtl.notSupported(" + reason + ")" : "IdleTtl.supported";
    }
  }
}
