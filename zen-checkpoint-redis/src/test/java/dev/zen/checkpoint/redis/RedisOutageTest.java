package dev.zen.checkpoint.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.zen.GraphExecutionException;
import dev.zen.OperationTimeoutException;
import dev.zen.ServiceUnavailableException;
import dev.zen.graph.AgentGraph;
import dev.zen.graph.AsyncNode;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.GraphOptions;
import dev.zen.graph.RunResult;
import dev.zen.spi.Checkpoint;
import dev.zen.testkit.RedisServerProcess;
import dev.zen.testkit.RedisServerProcess.AppendFsync;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis going away and coming back: calls fail fast with a clear error, then work again. */
class RedisOutageTest {
  // Margins a loaded machine cannot eat: failing fast must take well under the command timeout,
  // and a timeout must come within the command timeout plus scheduling slack.
  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(3_000);
  private static final Duration FAST = Duration.ofMillis(1_500);

  private RedisServerProcess redis;
  private RedisCheckpointStore store;

  @BeforeEach
  void start() {
    redis = RedisServerProcess.builder().appendOnly(AppendFsync.ALWAYS).start();
    store = newStore(redis.uri());
  }

  @AfterEach
  void stop() {
    store.close();
    redis.close();
  }

  private static RedisCheckpointStore newStore(String uri) {
    return RedisCheckpointStore.builder(uri)
        .options(RedisCheckpointStoreOptions.builder()
            .commandTimeout(COMMAND_TIMEOUT)
            // Connecting (and its handshake) is not what these tests time: a refused connection fails
            // at once whatever this is, and a slow first handshake on a busy machine must not fail setup.
            .connectTimeout(Duration.ofSeconds(20))
            .reconnectDelay(Duration.ofMillis(10), Duration.ofMillis(200))
            .build())
        .build();
  }

  @Test
  void calls_fail_fast_with_a_clear_error_while_redis_is_stopped_and_work_again_after_it_returns() throws Exception {
    Checkpoint before = checkpoint("t", "c1");
    store.put(before).get(5, TimeUnit.SECONDS);

    redis.stop();

    String endpoint = "127.0.0.1:" + redis.port();
    assertFailsFast(() -> store.put(checkpoint("t", "c2")), ServiceUnavailableException.class, endpoint);
    assertFailsFast(() -> store.latest("t"), ServiceUnavailableException.class, endpoint);
    assertFailsFast(() -> store.get("t", "c1"), ServiceUnavailableException.class, endpoint);
    assertFailsFast(() -> store.history("t", 10), ServiceUnavailableException.class, endpoint);
    assertFailsFast(() -> store.threads(), ServiceUnavailableException.class, endpoint);
    assertFailsFast(() -> store.deleteThread("t"), ServiceUnavailableException.class, endpoint);

    redis.restart();

    Checkpoint after = checkpoint("t", "c2");
    awaitWorking(() -> store.put(after));
    assertThat(store.history("t", 10).get(5, TimeUnit.SECONDS)).containsExactly(after, before);
  }

  @Test
  void a_store_built_while_redis_is_down_fails_fast_and_connects_once_redis_is_up() throws Exception {
    redis.stop();
    try (RedisCheckpointStore early = newStore(redis.uri())) {
      assertFailsFast(() -> early.latest("t"), ServiceUnavailableException.class, "127.0.0.1:" + redis.port());
      assertFailsFast(() -> early.put(checkpoint("t", "c1")), ServiceUnavailableException.class, "cannot connect");

      redis.restart();

      awaitWorking(() -> early.put(checkpoint("t", "c1")));
      assertThat(early.latest("t").get(5, TimeUnit.SECONDS).map(Checkpoint::id)).contains("c1");
    }
  }

  @Test
  void an_unresponsive_redis_fails_calls_with_OperationTimeoutException_within_the_command_timeout() throws Exception {
    store.put(checkpoint("t", "c1")).get(5, TimeUnit.SECONDS);

    redis.pause();
    long start = System.nanoTime();
    try {
      store.latest("t").get(10, TimeUnit.SECONDS);
      fail("latest completed while Redis was frozen");
    } catch (ExecutionException e) {
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(e.getCause()).isInstanceOf(OperationTimeoutException.class)
          .hasMessageContaining("did not complete within " + COMMAND_TIMEOUT);
      assertThat(((OperationTimeoutException) e.getCause()).timeout()).isEqualTo(COMMAND_TIMEOUT);
      assertThat(took).isGreaterThanOrEqualTo(COMMAND_TIMEOUT.minusMillis(50)).isLessThan(COMMAND_TIMEOUT.plusMillis(1_500));
    } finally {
      redis.resume();
    }

    awaitWorking(() -> store.put(checkpoint("t", "c2")));
    assertThat(store.latest("t").get(5, TimeUnit.SECONDS).map(Checkpoint::id)).contains("c2");
  }

  @Test
  void a_command_under_way_when_redis_dies_fails_fast_with_a_retriable_error_that_says_redis_is_down() throws Exception {
    store.put(checkpoint("t", "c1")).get(5, TimeUnit.SECONDS);

    // Frozen, Redis takes the command but never answers; killed, it drops the connection under it.
    redis.pause();
    CompletableFuture<?> underWay = store.latest("t");
    long start = System.nanoTime();
    redis.kill();

    try {
      underWay.get(10, TimeUnit.SECONDS);
      fail("latest completed although Redis died before answering");
    } catch (ExecutionException e) {
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      // Lettuce reports this as "Connection disconnected" or as the socket's error, whichever comes
      // first (or rejects the command unsent, if the kill was seen before it was written); either
      // way the caller must learn that Redis is down and that trying again may work.
      assertThat(e.getCause()).isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("127.0.0.1:" + redis.port()).hasMessageContaining("Redis is down or unreachable");
      assertThat(((ServiceUnavailableException) e.getCause()).isRetriable()).isTrue();
      assertThat(took).as("time to fail").isLessThan(FAST);
    }

    redis.restart();
    awaitWorking(() -> store.latest("t"));
  }

  @Test
  void a_graph_run_while_redis_is_stopped_fails_with_a_retriable_error_naming_graph_and_thread() throws Exception {
    CompiledAgentGraph graph = AgentGraph.builder("chat")
        .node("answer", AsyncNode.sync((state, ctx) -> Map.of("answer", "42")))
        .edge(AgentGraph.START, "answer").edge("answer", AgentGraph.END)
        .build().compile(GraphOptions.builder().checkpointStore(store).build());
    graph.invoke(Map.of(), "t-chat").get(5, TimeUnit.SECONDS);

    redis.stop();

    CompletableFuture<RunResult> run = graph.invoke(Map.of("question", "again?"), "t-chat");
    assertThat(run).failsWithin(Duration.ofSeconds(10));
    Throwable failure = run.handle((result, error) -> error).join();
    // What a client is told: the run failed, and calling again later may work.
    assertThat(failure).isInstanceOf(GraphExecutionException.class).hasMessageContaining("'chat'")
        .hasMessageContaining("'t-chat'").hasRootCauseInstanceOf(io.lettuce.core.RedisException.class);
    assertThat(((GraphExecutionException) failure).isRetriable()).isTrue();
    assertThat(failure).hasCauseInstanceOf(ServiceUnavailableException.class);

    redis.restart();
    awaitWorking(() -> graph.latest("t-chat"));
    assertThat(graph.invoke(Map.of("question", "again?"), "t-chat").get(5, TimeUnit.SECONDS).state().asMap())
        .containsEntry("answer", "42");
  }

  private static void assertFailsFast(Supplier<CompletableFuture<?>> call, Class<? extends Exception> type,
      String mentioning) throws Exception {
    long start = System.nanoTime();
    try {
      Object value = call.get().get(10, TimeUnit.SECONDS);
      fail("expected " + type.getSimpleName() + " but the call completed with " + value);
    } catch (ExecutionException e) {
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(e.getCause()).isInstanceOf(type).hasMessageContaining(mentioning).hasMessageContaining("Redis");
      assertThat(took).as("time to fail").isLessThan(FAST);
    }
  }

  /** Retries {@code call} until it succeeds; Redis is back, so that must happen within a few reconnect delays. */
  private static void awaitWorking(Supplier<CompletableFuture<?>> call) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        call.get().get(5, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(ServiceUnavailableException.class);
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("the store did not work again within 5 s of Redis returning", e.getCause());
        }
        Thread.sleep(20);
      }
    }
  }

  private static Checkpoint checkpoint(String threadId, String id) {
    return new Checkpoint(threadId, id, "node", null, Map.of("id", id), Instant.parse("2025-01-01T00:00:00Z"));
  }
}
