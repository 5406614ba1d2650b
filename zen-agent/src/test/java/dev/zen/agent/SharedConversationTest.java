package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.checkpoint.redis.RedisCheckpointStore;
import dev.zen.checkpoint.redis.RedisCheckpointStoreOptions;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import dev.zen.testkit.ForwardingCheckpointStore;
import dev.zen.testkit.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conversations shared by agents on one real Redis: each agent has its own store and connection,
 * as two server processes would, and the same key prefix. What must hold: no turn lost or stored
 * twice when both continue one conversation at once, a dead agent's hold on a conversation ends
 * with its lease, and an answer whose write failed or timed out reaches the client with an honest
 * message.
 */
class SharedConversationTest {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static RedisServerProcess redis;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final String prefix = "shared" + PREFIXES.incrementAndGet();

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    if (!redis.isRunning()) {
      redis.restart();
    }
  }

  // --- ordering across agents ----------------------------------------------------------------------

  @Test
  void concurrent_continuations_from_two_agents_lose_no_turn_and_keep_each_agents_arrival_order() throws Exception {
    GatewayDouble gatewayA = slowEcho();
    GatewayDouble gatewayB = slowEcho();
    ZenAgent a = agent(gatewayA, redisStore(RedisCheckpointStoreOptions.builder()), ZenAgentOptions.defaults());
    ZenAgent b = agent(gatewayB, redisStore(RedisCheckpointStoreOptions.builder()), ZenAgentOptions.defaults());
    String thread = Agents.call(a, "chat", Map.of("prompt", "start")).continuationId();

    int perAgent = 12;
    List<CompletableFuture<ToolResult>> calls = new ArrayList<>();
    for (int i = 0; i < perAgent; i++) {
      // Arrival order per agent is the order of these calls; the two agents interleave freely.
      calls.add(a.call(ToolCall.of("chat", Map.of("prompt", "A-" + i, "continuation_id", thread))));
      calls.add(b.call(ToolCall.of("chat", Map.of("prompt", "B-" + i, "continuation_id", thread))));
    }
    for (CompletableFuture<ToolResult> call : calls) {
      ToolResult result = call.get(60, TimeUnit.SECONDS);
      assertThat(result.isError()).as(result.text()).isFalse();
      assertThat(result.structuredContent()).doesNotContainKey("save_warning");
    }

    List<String> prompts = userTurns(redisStore(RedisCheckpointStoreOptions.builder()), thread);
    assertThat(prompts).hasSize(1 + 2 * perAgent).doesNotHaveDuplicates().startsWith("start");
    assertThat(prompts.stream().filter(p -> p.startsWith("A-")))
        .containsExactlyElementsOf(sequence("A-", perAgent));
    assertThat(prompts.stream().filter(p -> p.startsWith("B-")))
        .containsExactlyElementsOf(sequence("B-", perAgent));
    // Calls ran one after another: each model request carried every turn stored before it.
    List<ChatRequest> requests = new ArrayList<>(gatewayA.requests);
    requests.addAll(gatewayB.requests);
    for (int i = 1; i < prompts.size(); i++) {
      String prompt = prompts.get(i);
      ChatRequest request = requests.stream().filter(r -> lastUserText(r).endsWith(prompt)).findFirst().orElseThrow();
      for (String earlier : prompts.subList(0, i)) {
        assertThat(GatewayDouble.allText(request)).as("the request for %s sees %s", prompt, earlier).contains(earlier);
      }
    }
    assertThat(requests).as("one model call per call").hasSize(1 + 2 * perAgent);
    assertThat(modelCalls(redisStore(RedisCheckpointStoreOptions.builder()), thread)).isEqualTo(1 + 2 * perAgent);
  }

  @Test
  void without_leases_two_agents_continuing_at_once_lose_a_turn_which_is_what_the_leases_prevent() throws Exception {
    // The negative control: a store on the SPI's lease defaults, as every store was before.
    CyclicBarrier bothRead = new CyclicBarrier(2);
    GatewayDouble gatewayA = new GatewayDouble();
    GatewayDouble gatewayB = new GatewayDouble();
    RedisCheckpointStore shared = redisStore(RedisCheckpointStoreOptions.builder());
    ZenAgent a = agent(gatewayA, new WithoutLeases(shared), ZenAgentOptions.defaults());
    ZenAgent b = agent(gatewayB, new WithoutLeases(redisStore(RedisCheckpointStoreOptions.builder())),
        ZenAgentOptions.defaults());
    String thread = Agents.call(a, "chat", Map.of("prompt", "start")).continuationId();
    Function<ChatRequest, CompletableFuture<String>> afterBothRead = request -> CompletableFuture.supplyAsync(() -> {
      await(bothRead);
      return "answer to " + lastUserText(request);
    });
    gatewayA.answer = afterBothRead;
    gatewayB.answer = afterBothRead;

    CompletableFuture<ToolResult> first = a.call(ToolCall.of("chat", Map.of("prompt", "A-0", "continuation_id", thread)));
    CompletableFuture<ToolResult> second = b.call(ToolCall.of("chat", Map.of("prompt", "B-0", "continuation_id", thread)));

    assertThat(first.get(30, TimeUnit.SECONDS).isError()).isFalse();
    assertThat(second.get(30, TimeUnit.SECONDS).isError()).isFalse();
    assertThat(userTurns(shared, thread)).as("the last writer wins").hasSize(2);
  }

  @Test
  void two_agents_sharing_one_memory_store_keep_every_turn_too() throws Exception {
    MemoryCheckpointStore store = MemoryCheckpointStore.create();
    ZenAgent a = agent(slowEcho(), store, ZenAgentOptions.defaults());
    ZenAgent b = agent(slowEcho(), store, ZenAgentOptions.defaults());
    String thread = Agents.call(a, "chat", Map.of("prompt", "start")).continuationId();

    List<CompletableFuture<ToolResult>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(a.call(ToolCall.of("chat", Map.of("prompt", "A-" + i, "continuation_id", thread))));
      calls.add(b.call(ToolCall.of("chat", Map.of("prompt", "B-" + i, "continuation_id", thread))));
    }
    for (CompletableFuture<ToolResult> call : calls) {
      assertThat(call.get(30, TimeUnit.SECONDS).isError()).isFalse();
    }

    List<String> prompts = userTurns(store, thread);
    assertThat(prompts).hasSize(13).doesNotHaveDuplicates();
    assertThat(prompts.stream().filter(p -> p.startsWith("A-"))).containsExactlyElementsOf(sequence("A-", 6));
    assertThat(prompts.stream().filter(p -> p.startsWith("B-"))).containsExactlyElementsOf(sequence("B-", 6));
  }

  // --- leases that end ---------------------------------------------------------------------------

  @Test
  void a_lease_left_by_a_dead_agent_holds_the_conversation_only_until_it_expires() throws Exception {
    ZenAgentOptions options = ZenAgentOptions.builder().conversationLease(Duration.ofSeconds(1)).build();
    GatewayDouble hanging = new GatewayDouble();
    RedisCheckpointStore deadStore = redisStore(RedisCheckpointStoreOptions.builder());
    ZenAgent dying = agent(hanging, deadStore, options);
    String thread = Agents.call(dying, "chat", Map.of("prompt", "start")).continuationId();
    CompletableFuture<String> never = new CompletableFuture<>();
    hanging.answer = request -> never;
    CompletableFuture<ToolResult> stuck = dying.call(ToolCall.of("chat", Map.of("prompt", "lost", "continuation_id", thread)));
    awaitCondition(() -> hanging.requests.size() == 2, "the dying agent holds the conversation and asks its model");

    // The process is gone: its connection closes, nobody renews or releases its lease.
    deadStore.close();
    long killed = System.nanoTime();
    dying.close();
    assertThat(stuck).isCompletedExceptionally();

    GatewayDouble survivorGateway = new GatewayDouble();
    List<String> progress = new CopyOnWriteArrayList<>();
    ZenAgent survivor = agent(survivorGateway, redisStore(RedisCheckpointStoreOptions.builder()), options);
    ToolResult continued = survivor.call(ToolCall.builder("chat").arguments(Map.of("prompt", "after", "continuation_id", thread))
        .progressListener(p -> progress.add(p.message())).build()).get(20, TimeUnit.SECONDS);
    Duration waited = Duration.ofNanos(System.nanoTime() - killed);

    assertThat(continued.isError()).as(continued.text()).isFalse();
    assertThat(waited).as("the lease outlived its holder, but only for its TTL").isBetween(Duration.ofMillis(300),
        Duration.ofSeconds(10));
    assertThat(progress).contains("waiting for another call on this conversation to finish");
    assertThat(userTurns(redisStore(RedisCheckpointStoreOptions.builder()), thread)).containsExactly("start", "after");
  }

  @Test
  void a_call_that_lost_its_lease_while_its_model_was_thinking_re_applies_its_turns_without_asking_the_model_again()
      throws Exception {
    ZenAgentOptions options = ZenAgentOptions.builder().conversationLease(Duration.ofSeconds(1)).build();
    GatewayDouble slowGateway = new GatewayDouble();
    LeaseBlocking slowStore = new LeaseBlocking(redisStore(RedisCheckpointStoreOptions.builder()));
    ZenAgent slow = agent(slowGateway, slowStore, options);
    String thread = Agents.call(slow, "chat", Map.of("prompt", "start")).continuationId();
    CompletableFuture<String> thinking = new CompletableFuture<>();
    slowGateway.answer = request -> thinking;
    CompletableFuture<ToolResult> slowCall = slow.call(ToolCall.of("chat", Map.of("prompt", "slow", "continuation_id", thread)));
    awaitCondition(() -> slowGateway.requests.size() == 2, "the slow call asks its model");

    // Its renewals stop reaching Redis (a stalled process, a partition): the lease runs out.
    slowStore.blockLeases.set(true);
    GatewayDouble fastGateway = new GatewayDouble();
    ZenAgent fast = agent(fastGateway, redisStore(RedisCheckpointStoreOptions.builder()), options);
    ToolResult fastResult = Agents.call(fast, "chat", Map.of("prompt", "fast", "continuation_id", thread));
    assertThat(fastResult.isError()).isFalse();

    slowStore.blockLeases.set(false);
    thinking.complete("the slow answer");
    ToolResult slowResult = slowCall.get(20, TimeUnit.SECONDS);

    assertThat(slowResult.isError()).as(slowResult.text()).isFalse();
    assertThat(slowResult.structuredContent()).doesNotContainKey("save_warning");
    RedisCheckpointStore reader = redisStore(RedisCheckpointStoreOptions.builder());
    assertThat(userTurns(reader, thread)).containsExactly("start", "fast", "slow");
    assertThat(slowGateway.requests).as("the model was asked once per call").hasSize(2);
    assertThat(modelCalls(reader, thread)).as("the running usage totals keep the fast call's too").isEqualTo(3);
  }

  // --- writes that fail or time out after the model answered -----------------------------------------

  @Test
  void an_answer_whose_write_fails_after_the_model_answered_is_returned_with_a_warning_that_it_was_not_saved()
      throws Exception {
    GatewayDouble gateway = new GatewayDouble();
    RedisCheckpointStore store = redisStore(RedisCheckpointStoreOptions.builder());
    ZenAgent agent = agent(gateway, store, ZenAgentOptions.defaults());
    String thread = Agents.call(agent, "chat", Map.of("prompt", "start")).continuationId();
    CompletableFuture<String> thinking = new CompletableFuture<>();
    gateway.answer = request -> thinking;
    CompletableFuture<ToolResult> call = agent.call(ToolCall.of("chat", Map.of("prompt", "paid", "continuation_id", thread)));
    awaitCondition(() -> gateway.requests.size() == 2, "the model is asked");

    String maxmemory = redisConfig("maxmemory");
    redisConfigSet("maxmemory", "1");
    ToolResult result;
    try {
      thinking.complete("an answer worth keeping");
      result = call.get(20, TimeUnit.SECONDS);
    } finally {
      redisConfigSet("maxmemory", maxmemory);
    }

    assertThat(result.isError()).isFalse();
    assertThat(result.text()).startsWith("Warning: this answer could not be saved (")
        .contains("out of memory").contains("this turn will not be in the conversation")
        .contains("an answer worth keeping");
    assertThat(result.structuredContent()).containsEntry("saved", false).containsEntry("content", "an answer worth keeping");
    assertThat(result.continuationId()).isEqualTo(thread);
    gateway.answer = request -> CompletableFuture.completedFuture("later");
    assertThat(Agents.call(agent, "chat", Map.of("prompt", "next", "continuation_id", thread)).isError()).isFalse();
    assertThat(userTurns(store, thread)).as("the warning told the truth").containsExactly("start", "next");
  }

  @Test
  void a_write_that_times_out_while_redis_is_paused_is_reconciled_once_redis_answers() throws Exception {
    GatewayDouble gateway = new GatewayDouble();
    RedisCheckpointStore store = redisStore(RedisCheckpointStoreOptions.builder().commandTimeout(Duration.ofMillis(300)));
    ZenAgent agent = agent(gateway, store, ZenAgentOptions.defaults());
    String thread = Agents.call(agent, "chat", Map.of("prompt", "start")).continuationId();
    CompletableFuture<String> thinking = new CompletableFuture<>();
    gateway.answer = request -> thinking;
    CompletableFuture<ToolResult> call = agent.call(ToolCall.of("chat", Map.of("prompt", "paused", "continuation_id", thread)));
    awaitCondition(() -> gateway.requests.size() == 2, "the model is asked");

    redis.pause();
    try {
      thinking.complete("answered while Redis slept");
      // The write goes out and times out; reads to reconcile it time out too, until Redis is back.
      Thread.sleep(900);
      assertThat(call).as("still reconciling").isNotDone();
    } finally {
      redis.resume();
    }
    ToolResult result = call.get(20, TimeUnit.SECONDS);

    assertThat(result.isError()).isFalse();
    assertThat(result.structuredContent()).as(result.text()).doesNotContainKey("save_warning");
    assertThat(result.text()).startsWith("answered while Redis slept");
    assertThat(userTurns(store, thread)).as("stored once, not twice").containsExactly("start", "paused");
  }

  @Test
  void a_write_whose_outcome_stays_unknown_says_so_without_claiming_that_nothing_was_stored() throws Exception {
    GatewayDouble gateway = new GatewayDouble();
    RedisCheckpointStore store = redisStore(RedisCheckpointStoreOptions.builder().commandTimeout(Duration.ofMillis(200)));
    ZenAgent agent = agent(gateway, store, ZenAgentOptions.defaults());
    String thread = Agents.call(agent, "chat", Map.of("prompt", "start")).continuationId();
    CompletableFuture<String> thinking = new CompletableFuture<>();
    gateway.answer = request -> thinking;
    CompletableFuture<ToolResult> call = agent.call(ToolCall.of("chat", Map.of("prompt", "frozen", "continuation_id", thread)));
    awaitCondition(() -> gateway.requests.size() == 2, "the model is asked");

    ToolResult result;
    redis.pause();
    try {
      thinking.complete("answered into the void");
      result = call.get(30, TimeUnit.SECONDS);
    } finally {
      redis.resume();
    }

    assertThat(result.isError()).isFalse();
    assertThat(result.structuredContent()).containsEntry("saved", "unknown");
    assertThat(result.text()).startsWith("Warning: it could not be confirmed that this answer was saved")
        .contains("may still appear in the conversation").doesNotContain("could not be saved")
        .doesNotContain("will not be in").contains("answered into the void");
    // It did land once Redis woke up, as the warning allowed; never twice.
    awaitCondition(() -> userTurns(store, thread).contains("frozen"), "the paused write lands");
    assertThat(userTurns(store, thread)).containsExactly("start", "frozen");
  }

  @Test
  void redis_down_before_the_model_is_asked_is_an_error_that_says_it_is_temporary() throws Exception {
    GatewayDouble gateway = new GatewayDouble();
    ZenAgent agent = agent(gateway, redisStore(RedisCheckpointStoreOptions.builder()), ZenAgentOptions.defaults());
    String thread = Agents.call(agent, "chat", Map.of("prompt", "start")).continuationId();
    redis.stop();

    Throwable failure = failureOf(agent.call(ToolCall.of("chat", Map.of("prompt", "anyone?", "continuation_id", thread))));

    // Whether Lettuce has seen the connection close when the call takes its lease is a race: if it
    // has, the lease is rejected unsent; if not, it fails under way ("Connection disconnected", or
    // the socket's error). Each must tell the client the same: Redis is down, try again later.
    assertThat(failure).isInstanceOf(ServiceUnavailableException.class);
    assertThat(ZenException.isRetriable(failure)).as(failure.getMessage()).isTrue();
    assertThat(failure.getMessage()).contains("Redis is down or unreachable");
    assertThat(gateway.requests).as("no model was paid for").hasSize(1);
  }

  // --- helpers -----------------------------------------------------------------------------------------

  private RedisCheckpointStore redisStore(RedisCheckpointStoreOptions.Builder options) {
    RedisCheckpointStore store = RedisCheckpointStore.builder(redis.uri()).options(options.keyPrefix(prefix).build()).build();
    toClose.add(store);
    return store;
  }

  private ZenAgent agent(GatewayDouble gateway, CheckpointStore store, ZenAgentOptions options) {
    ZenAgent agent = ZenAgent.builder().gateway(gateway).checkpointStore(store).models(Agents.registry())
        .options(options).build();
    toClose.add(agent);
    return agent;
  }

  /** Echoes the prompt after 10 to 60 ms, like a fast model. */
  private static GatewayDouble slowEcho() {
    GatewayDouble gateway = new GatewayDouble();
    gateway.answer = request -> {
      Executor later = CompletableFuture.delayedExecutor(10 + ThreadLocalRandom.current().nextInt(50), TimeUnit.MILLISECONDS);
      return CompletableFuture.supplyAsync(() -> "answer to " + lastUserText(request), later);
    };
    return gateway;
  }

  private static String lastUserText(ChatRequest request) {
    return request.messages().get(request.messages().size() - 1).text();
  }

  /** The texts of the thread's user turns, oldest first. */
  private static List<String> userTurns(CheckpointStore store, String thread) {
    Optional<Checkpoint> latest = store.latest(thread).toCompletableFuture().join();
    List<String> prompts = new ArrayList<>();
    if (latest.isPresent() && latest.get().state().get(ConversationState.TURNS) instanceof List<?> turns) {
      for (Object turn : turns) {
        if (turn instanceof Map<?, ?> map && "user".equals(map.get("role"))) {
          prompts.add((String) map.get("text"));
        }
      }
    }
    return prompts;
  }

  /** The conversation's running total of model calls, over every model. */
  private static long modelCalls(CheckpointStore store, String thread) {
    Checkpoint latest = store.latest(thread).toCompletableFuture().join().orElseThrow();
    long calls = 0;
    if (latest.state().get(ConversationState.META) instanceof Map<?, ?> meta && meta.get("usage") instanceof Map<?, ?> byModel) {
      for (Object totals : byModel.values()) {
        calls += ((Number) ((Map<?, ?>) totals).get("calls")).longValue();
      }
    }
    return calls;
  }

  private static List<String> sequence(String prefix, int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(prefix + i);
    }
    return names;
  }

  private static String redisConfig(String name) throws Exception {
    try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        var connection = client.connect()) {
      return connection.sync().configGet(name).get(name);
    }
  }

  private static void redisConfigSet(String name, String value) throws Exception {
    try (io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        var connection = client.connect()) {
      connection.sync().configSet(name, value);
    }
  }

  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    try {
      future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the call to fail");
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the other agent never read the thread", e);
    }
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  /** The store with the SPI's lease defaults: what every store was before leases. */
  private static final class WithoutLeases extends ForwardingCheckpointStore {
    WithoutLeases(CheckpointStore delegate) {
      super(delegate);
    }
  }

  /** A store whose lease calls can be made to fail, as a process whose renewals stop reaching Redis. */
  private static final class LeaseBlocking extends ForwardingCheckpointStore {
    final AtomicBoolean blockLeases = new AtomicBoolean();

    LeaseBlocking(CheckpointStore delegate) {
      super(delegate);
    }

    @Override
    public CompletionStage<Boolean> lease(String threadId, String holder, Duration ttl) {
      if (blockLeases.get()) {
        return CompletableFuture.failedFuture(new dev.zen.OperationTimeoutException("renewal lost", ttl, null));
      }
      return delegate().lease(threadId, holder, ttl);
    }

    @Override
    public CompletionStage<Void> releaseLease(String threadId, String holder) {
      return delegate().releaseLease(threadId, holder);
    }

    @Override
    public CompletionStage<Boolean> putIfLeased(Checkpoint checkpoint, String holder) {
      return delegate().putIfLeased(checkpoint, holder);
    }
  }
}
