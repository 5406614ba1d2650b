package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.AuthenticationException;
import dev.zen.CheckpointTooLargeException;
import dev.zen.CorruptCheckpointException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.spi.Checkpoint;
import dev.zen.testkit.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the Redis store does beyond the common contract: layout, TTL, trimming, caps, errors, threads. */
class RedisCheckpointStoreTest {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static RedisServerProcess redis;
  private static RedisClient rawClient;
  private static StatefulRedisConnection<byte[], byte[]> rawConnection;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private String prefix = "unset";

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
    rawClient = RedisClient.create(redis.uri());
    rawConnection = rawClient.connect(ByteArrayCodec.INSTANCE);
  }

  @AfterAll
  static void stopRedis() {
    rawConnection.close();
    rawClient.shutdown();
    redis.close();
  }

  @AfterEach
  void closeStores() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  private RedisCheckpointStore store(RedisCheckpointStoreOptions.Builder options) {
    prefix = "unit" + PREFIXES.incrementAndGet();
    RedisCheckpointStore store = RedisCheckpointStore.builder(redis.uri()).options(options.keyPrefix(prefix).build()).build();
    toClose.add(store);
    return store;
  }

  private RedisCheckpointStore store() {
    return store(RedisCheckpointStoreOptions.builder());
  }

  private static RedisCommands<byte[], byte[]> raw() {
    return rawConnection.sync();
  }

  private byte[][] keys(String threadId) {
    return new KeyLayout(prefix).threadKeys(threadId);
  }

  @Test
  void a_threads_keys_carry_its_encoded_id_as_hash_tag_next_to_the_prefix() throws Exception {
    RedisCheckpointStore store = store();
    await(store.put(checkpoint("conv:{42} ü", "c1", 10)));

    List<String> stored = raw().keys(prefix + ":*").stream().map(RedisCheckpointStoreTest::string).sorted().toList();
    assertThat(stored).containsExactly(
        prefix + ":threads",
        prefix + ":{conv%3A%7B42%7D%20%C3%BC}:body",
        prefix + ":{conv%3A%7B42%7D%20%C3%BC}:idx",
        prefix + ":{conv%3A%7B42%7D%20%C3%BC}:meta");
  }

  @Test
  void a_replayed_put_keeps_its_sequence_number_and_the_byte_count_stays_exact() throws Exception {
    RedisCheckpointStore store = store();
    await(store.put(checkpoint("t", "c1", 100)));
    await(store.put(checkpoint("t", "c2", 200)));
    await(store.put(checkpoint("t", "c1", 300)));
    await(store.put(checkpoint("t", "c1", 300)));

    byte[][] keys = keys("t");
    assertThat(raw().zscore(keys[0], utf8("c1"))).isEqualTo(1.0);
    assertThat(raw().zscore(keys[0], utf8("c2"))).isEqualTo(2.0);
    assertThat(string(raw().hget(keys[2], utf8("seq")))).isEqualTo("2");
    long bodies = raw().hstrlen(keys[1], utf8("c1")) + raw().hstrlen(keys[1], utf8("c2"));
    assertThat(Long.parseLong(string(raw().hget(keys[2], utf8("bytes"))))).isEqualTo(bodies);
    assertThat(ids(await(store.history("t", 10)))).containsExactly("c2", "c1");
  }

  @Test
  void a_thread_over_its_checkpoint_count_is_trimmed_oldest_first() throws Exception {
    RedisCheckpointStore store = store(RedisCheckpointStoreOptions.builder().maxCheckpointsPerThread(3));
    for (int i = 1; i <= 5; i++) {
      await(store.put(checkpoint("t", "c" + i, 10)));
    }

    assertThat(ids(await(store.history("t", 10)))).containsExactly("c5", "c4", "c3");
    assertThat(await(store.get("t", "c2"))).isEmpty();
    assertThat(raw().hlen(keys("t")[1])).isEqualTo(3);
  }

  @Test
  void a_thread_over_its_byte_budget_is_trimmed_oldest_first_and_keeps_the_newest_checkpoint() throws Exception {
    RedisCheckpointStore store = store(RedisCheckpointStoreOptions.builder().maxBytesPerThread(3_000));
    await(store.put(checkpoint("t", "c1", 900)));
    await(store.put(checkpoint("t", "c2", 900)));
    await(store.put(checkpoint("t", "c3", 900)));
    assertThat(ids(await(store.history("t", 10)))).containsExactly("c3", "c2", "c1");

    await(store.put(checkpoint("t", "c4", 900)));
    assertThat(ids(await(store.history("t", 10)))).containsExactly("c4", "c3", "c2");

    await(store.put(checkpoint("t", "c5", 2_900)));
    assertThat(ids(await(store.history("t", 10)))).as("only the newest fits").containsExactly("c5");
    long bytes = Long.parseLong(string(raw().hget(keys("t")[2], utf8("bytes"))));
    assertThat(bytes).isEqualTo(raw().hstrlen(keys("t")[1], utf8("c5"))).isLessThanOrEqualTo(3_000);
  }

  @Test
  void a_checkpoint_above_the_size_cap_fails_with_CheckpointTooLargeException_and_writes_nothing() throws Exception {
    RedisCheckpointStore store = store(RedisCheckpointStoreOptions.builder().maxCheckpointBytes(1_000));
    await(store.put(checkpoint("t", "small", 100)));

    assertThatThrownBy(() -> await(store.put(checkpoint("t", "big", 2_000))))
        .isInstanceOf(CheckpointTooLargeException.class)
        .hasMessageContaining("'big'").hasMessageContaining("maxCheckpointBytes of 1000").hasMessageContaining("nothing was written");
    assertThat(ids(await(store.history("t", 10)))).containsExactly("small");
  }

  @Test
  void all_keys_of_a_thread_expire_together_and_a_read_refreshes_them_only_when_less_than_half_remains() throws Exception {
    RedisCheckpointStore store = store(RedisCheckpointStoreOptions.builder().ttl(Duration.ofSeconds(100)));
    await(store.put(checkpoint("t", "c1", 10)));
    byte[][] keys = keys("t");
    for (byte[] key : keys) {
      assertThat(raw().pttl(key)).as(string(key)).isBetween(95_000L, 100_000L);
    }

    for (byte[] key : keys) {
      raw().pexpire(key, 60_000);
    }
    await(store.latest("t"));
    for (byte[] key : keys) {
      assertThat(raw().pttl(key)).as("more than half left: not refreshed").isBetween(55_000L, 60_000L);
    }

    for (byte[] key : keys) {
      raw().pexpire(key, 40_000);
    }
    await(store.history("t", 1));
    for (byte[] key : keys) {
      assertThat(raw().pttl(key)).as("less than half left: refreshed").isBetween(95_000L, 100_000L);
    }

    for (byte[] key : keys) {
      raw().pexpire(key, 40_000);
    }
    await(store.get("t", "c1"));
    for (byte[] key : keys) {
      assertThat(raw().pttl(key)).as("get refreshes too").isBetween(95_000L, 100_000L);
    }
  }

  @Test
  void a_zero_ttl_keeps_threads_until_they_are_deleted() throws Exception {
    RedisCheckpointStore store = store(RedisCheckpointStoreOptions.builder().ttl(Duration.ZERO));
    await(store.put(checkpoint("t", "c1", 10)));
    for (byte[] key : keys("t")) {
      assertThat(raw().pttl(key)).isEqualTo(-1);
    }
    assertThat(await(store.deleteThread("t"))).isTrue();
    assertThat(raw().exists(keys("t"))).isZero();
  }

  @Test
  void bytes_that_do_not_decode_fail_reads_with_CorruptCheckpointException_and_stay_where_they_are() throws Exception {
    RedisCheckpointStore store = store();
    await(store.put(checkpoint("t", "c1", 10)));
    byte[] garbage = "ZC\u0001 this is not a checkpoint".getBytes(StandardCharsets.ISO_8859_1);
    raw().hset(keys("t")[1], utf8("c1"), garbage);

    assertThatThrownBy(() -> await(store.latest("t"))).isInstanceOf(CorruptCheckpointException.class);
    assertThatThrownBy(() -> await(store.get("t", "c1"))).isInstanceOf(CorruptCheckpointException.class);
    assertThatThrownBy(() -> await(store.history("t", 5))).isInstanceOf(CorruptCheckpointException.class);
    assertThat(raw().hget(keys("t")[1], utf8("c1"))).isEqualTo(garbage);
  }

  @Test
  void a_checkpoint_found_under_another_threads_keys_is_reported_as_corrupt() throws Exception {
    RedisCheckpointStore store = store();
    await(store.put(checkpoint("a", "c1", 10)));
    await(store.put(checkpoint("b", "c1", 10)));
    raw().hset(keys("b")[1], utf8("c1"), raw().hget(keys("a")[1], utf8("c1")));

    assertThatThrownBy(() -> await(store.get("b", "c1"))).isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("belongs to thread 'a'");
  }

  @Test
  void scripts_missing_after_a_script_flush_are_loaded_again_through_eval() throws Exception {
    RedisCheckpointStore store = store();
    await(store.put(checkpoint("t", "c1", 10)));
    raw().scriptFlush();

    await(store.put(checkpoint("t", "c2", 10)));
    raw().scriptFlush();
    assertThat(await(store.latest("t")).map(Checkpoint::id)).contains("c2");
    assertThat(raw().scriptExists(Scripts.PUT.sha(), Scripts.LATEST.sha())).as("loaded by EVAL: PUT, LATEST")
        .containsExactly(false, true);
  }

  @Test
  void threads_leaves_out_and_prunes_threads_whose_keys_are_gone() throws Exception {
    RedisCheckpointStore store = store();
    await(store.put(checkpoint("kept", "c1", 10)));
    await(store.put(checkpoint("vanished", "c1", 10)));
    raw().del(keys("vanished"));

    assertThat(await(store.threads())).containsExactly("kept");
    byte[] index = utf8(prefix + ":threads");
    awaitCondition(() -> raw().zscore(index, utf8("vanished")) == null, "the stale index entry is pruned");
    assertThat(raw().zscore(index, utf8("kept"))).isNotNull();

    await(store.put(checkpoint("vanished", "c2", 10)));
    assertThat(await(store.threads())).containsExactlyInAnyOrder("kept", "vanished");
  }

  @Test
  void the_thread_index_expires_with_the_threads_it_lists_without_anyone_listing_threads() throws Exception {
    RedisCheckpointStore store = store(RedisCheckpointStoreOptions.builder().ttl(Duration.ofMillis(800)));
    long before = System.currentTimeMillis();
    await(store.put(checkpoint("t", "c1", 10)));
    byte[] index = utf8(prefix + ":threads");
    assertThat(raw().zscore(index, utf8("t"))).as("the entry carries the thread's expiry")
        .isBetween(before + 800.0, System.currentTimeMillis() + 800.0);

    awaitCondition(() -> raw().exists(keys("t")) == 0, "the thread expires");
    awaitCondition(() -> raw().exists(index) == 0, "the index expires at most half a TTL later");
  }

  @Test
  void a_write_drops_index_entries_of_threads_that_expired() throws Exception {
    RedisCheckpointStore store = store(RedisCheckpointStoreOptions.builder().ttl(Duration.ofMillis(600)));
    await(store.put(checkpoint("gone", "c1", 10)));
    byte[] index = utf8(prefix + ":threads");
    // Only pruning may remove the entry here, not the index key's own expiry.
    raw().persist(index);
    double expiry = raw().zscore(index, utf8("gone"));
    awaitCondition(() -> raw().exists(keys("gone")) == 0 && System.currentTimeMillis() > expiry + 350,
        "the thread expired more than half a TTL ago");
    assertThat(raw().zscore(index, utf8("gone"))).as("the entry outlives its thread until a write").isNotNull();

    await(store.put(checkpoint("new", "c1", 10)));

    assertThat(raw().zscore(index, utf8("gone"))).isNull();
    assertThat(raw().zscore(index, utf8("new"))).isNotNull();
  }

  @Test
  void a_thread_kept_alive_by_reads_keeps_its_index_entry() throws Exception {
    RedisCheckpointStore store = store(RedisCheckpointStoreOptions.builder().ttl(Duration.ofMillis(2_000)));
    await(store.put(checkpoint("read", "c1", 10)));
    byte[] index = utf8(prefix + ":threads");

    long until = System.currentTimeMillis() + 5_000;
    int writes = 0;
    while (System.currentTimeMillis() < until) {
      assertThat(await(store.latest("read"))).as("reads refresh the thread").isPresent();
      await(store.put(checkpoint("other-" + writes++ % 3, "c1", 10)));
      Thread.sleep(50);
    }

    assertThat(raw().zscore(index, utf8("read"))).as("refreshing reads move the entry along").isNotNull();
    assertThat(await(store.threads())).contains("read");
  }

  @Test
  void a_key_of_the_wrong_type_is_damage_named_after_its_thread_not_a_temporary_failure() throws Exception {
    RedisCheckpointStore store = store();
    await(store.put(checkpoint("t", "c1", 10)));
    byte[][] keys = keys("t");
    raw().del(keys[1]);
    raw().set(keys[1], utf8("not a hash"));
    String bodyKey = string(keys[1]);

    for (CompletionStage<?> call : List.<CompletionStage<?>>of(store.latest("t"), store.get("t", "c1"),
        store.history("t", 5), store.put(checkpoint("t", "c2", 10)))) {
      Throwable failure = catchFailure(call);
      assertThat(failure).isInstanceOf(CorruptCheckpointException.class)
          .hasMessageContaining("thread 't'").hasMessageContaining(bodyKey).hasMessageContaining("holds a string")
          .hasMessageContaining("will not help").hasMessageNotContaining("temporary");
      assertThat(((ZenException) failure).isRetriable()).isFalse();
    }
    assertThat(raw().zrange(keys[0], 0, -1)).as("the failed put wrote nothing").containsExactly(utf8("c1"));

    byte[] lease = new KeyLayout(prefix).leaseKey("t");
    raw().hset(lease, utf8("x"), utf8("y"));
    assertThat(catchFailure(store.lease("t", "a", Duration.ofSeconds(5)))).isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(string(lease));

    byte[] index = utf8(prefix + ":threads");
    raw().del(index);
    raw().set(index, utf8("not a sorted set"));
    assertThat(catchFailure(store.threads())).isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("thread index").hasMessageContaining("will not help");
  }

  @Test
  void a_redis_out_of_memory_refuses_writes_with_a_message_that_says_so_and_reads_still_work() throws Exception {
    RedisCheckpointStore store = store();
    await(store.put(checkpoint("t", "c1", 10)));
    String maxmemory = raw().configGet("maxmemory").get("maxmemory");
    raw().configSet("maxmemory", "1");
    try {
      Throwable failure = catchFailure(store.put(checkpoint("t", "c2", 10)));
      assertThat(failure).isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("out of memory")
          .hasMessageContaining("nothing was written");
      assertThat(await(store.latest("t")).map(Checkpoint::id)).contains("c1");
    } finally {
      raw().configSet("maxmemory", maxmemory);
    }
  }

  @Test
  void without_the_thread_index_threads_scans_the_keyspace() throws Exception {
    RedisCheckpointStore store = store(RedisCheckpointStoreOptions.builder().threadIndex(false));
    List<String> threadIds = List.of("a", "b:{c}", "ü %");
    for (String threadId : threadIds) {
      await(store.put(checkpoint(threadId, "c1", 10)));
    }

    assertThat(await(store.threads())).containsExactlyInAnyOrderElementsOf(threadIds);
    assertThat(raw().exists(utf8(prefix + ":threads"))).isZero();
    assertThat(await(store.deleteThread("a"))).isTrue();
    assertThat(await(store.threads())).containsExactlyInAnyOrder("b:{c}", "ü %");
  }

  @Test
  void futures_complete_off_the_event_loop_so_a_callback_may_block_on_another_call() throws Exception {
    RedisCheckpointStore store = store();
    await(store.put(checkpoint("t", "c1", 10)));

    String result = await(store.latest("t").thenApply(latest -> {
      assertThat(Thread.currentThread().getName()).doesNotStartWith("lettuce");
      // Blocking here on a Netty thread would deadlock: the reply could never be read.
      return Thread.currentThread().getName() + ":" + store.history("t", 1).join().size();
    }));
    assertThat(result).endsWith(":1");
  }

  @Test
  void a_configured_executor_completes_the_futures() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "custom-callbacks"));
    try {
      prefix = "unit" + PREFIXES.incrementAndGet();
      try (RedisCheckpointStore store = RedisCheckpointStore.builder(redis.uri())
          .options(RedisCheckpointStoreOptions.builder().keyPrefix(prefix).build()).executor(executor).build()) {
        String thread = await(store.put(checkpoint("t", "c1", 10)).thenApply(v -> Thread.currentThread().getName()));
        assertThat(thread).isEqualTo("custom-callbacks");
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void build_connects_nothing_and_the_first_call_reports_an_unreachable_server() throws Exception {
    RedisServerProcess stopped = RedisServerProcess.start();
    String uri = stopped.uri();
    stopped.close();
    long lettuceThreads = lettuceThreads();

    RedisCheckpointStore store = RedisCheckpointStore.builder(uri).build();
    toClose.add(store);
    assertThat(lettuceThreads()).as("threads started by build()").isEqualTo(lettuceThreads);

    assertThatThrownBy(() -> await(store.latest("t"))).isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("cannot connect to Redis at redis://127.0.0.1:" + uri.substring(uri.lastIndexOf(':') + 1));
  }

  @Test
  void a_shared_client_stays_open_when_the_store_is_closed() throws Exception {
    RedisClient shared = RedisClient.create();
    try {
      prefix = "unit" + PREFIXES.incrementAndGet();
      RedisCheckpointStore store = RedisCheckpointStore.builder(shared, redis.uri())
          .options(RedisCheckpointStoreOptions.builder().keyPrefix(prefix).build()).build();
      await(store.put(checkpoint("t", "c1", 10)));
      store.close();

      try (RedisCheckpointStore again = RedisCheckpointStore.builder(shared, redis.uri())
          .options(RedisCheckpointStoreOptions.builder().keyPrefix(prefix).build()).build()) {
        assertThat(await(again.latest("t")).map(Checkpoint::id)).contains("c1");
      }
    } finally {
      shared.shutdown();
    }
  }

  @Test
  void an_acl_user_in_the_uri_is_used_and_a_wrong_password_fails_with_AuthenticationException() throws Exception {
    try (RedisServerProcess secured = RedisServerProcess.builder()
        .config("user default off")
        .config("user zen on >s3cret ~zen-acl:* &* +@all")
        .start()) {
      // About how a refusal is reported, not timing: a slow handshake on a loaded machine must not
      // turn into "cannot connect" either.
      RedisCheckpointStoreOptions options = RedisCheckpointStoreOptions.builder().keyPrefix("zen-acl")
          .connectTimeout(Duration.ofSeconds(20)).build();
      try (RedisCheckpointStore store = RedisCheckpointStore.builder("redis://zen:s3cret@127.0.0.1:" + secured.port())
          .options(options).build()) {
        await(store.put(checkpoint("t", "c1", 10)));
        assertThat(await(store.threads())).containsExactly("t");
      }
      try (RedisCheckpointStore other = RedisCheckpointStore.builder("redis://zen:s3cret@127.0.0.1:" + secured.port())
          .options(options.toBuilder().keyPrefix("elsewhere").build()).build()) {
        assertThatThrownBy(() -> await(other.put(checkpoint("t", "c1", 10))))
            .as("keys outside the user's ~zen-acl:* pattern").isInstanceOf(AuthenticationException.class)
            .hasMessageContaining("ACL");
      }
      // Many fresh connections, each a new handshake: a refused AUTH must always come out as an
      // authentication failure, never as Redis being unreachable (it did under load when Lettuce
      // handled the refusal off its event loop: see RedisConnector.withImmediateCredentials).
      for (int i = 0; i < 100; i++) {
        try (RedisCheckpointStore wrong = RedisCheckpointStore.builder("redis://zen:wrong@127.0.0.1:" + secured.port())
            .options(options).build()) {
          Throwable failure = catchFailure(wrong.latest("t"));
          assertThat(failure).as("connection %d: %s", i, causes(failure)).isInstanceOf(AuthenticationException.class)
              .hasMessageContaining("WRONGPASS").hasMessageContaining("user and password");
        }
      }
    }
  }

  @Test
  void malformed_uris_are_rejected_when_the_builder_is_made() {
    assertThatThrownBy(() -> RedisCheckpointStore.builder("http://localhost")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://");
    assertThatThrownBy(() -> RedisCheckpointStore.clusterBuilder("redis-sentinel://localhost:26379#m"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** The whole cause chain, for a failure message that shows where a wrong kind of error came from. */
  private static String causes(@org.jspecify.annotations.Nullable Throwable failure) {
    StringBuilder chain = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      chain.append(chain.length() == 0 ? "" : " <- ").append(t.getClass().getName()).append(": ").append(t.getMessage());
    }
    return chain.toString();
  }

  private static Checkpoint checkpoint(String threadId, String id, int payloadChars) {
    Map<String, @Nullable Object> state = new LinkedHashMap<>();
    state.put("payload", "x".repeat(payloadChars));
    return new Checkpoint(threadId, id, "node", "next", state, Instant.parse("2025-06-01T00:00:00.123456789Z"));
  }

  private static List<String> ids(List<Checkpoint> checkpoints) {
    return checkpoints.stream().map(Checkpoint::id).toList();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static Throwable catchFailure(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the call to fail");
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  private static long lettuceThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("lettuce")).count();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
