package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.CorruptCheckpointException;
import dev.zen.GraphDefinitionException;
import dev.zen.GraphExecutionException;
import dev.zen.InvalidRequestException;
import dev.zen.NonRetriableException;
import dev.zen.OperationTimeoutException;
import dev.zen.RetriableException;
import dev.zen.UnknownThreadException;
import dev.zen.ZenExecutors;
import dev.zen.spi.Checkpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CompiledAgentGraphTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static AsyncNode put(String key, Object value) {
    return AsyncNode.sync((state, ctx) -> Map.of(key, value));
  }

  private static AgentGraph linear(String name, String... nodes) {
    AgentGraph.Builder builder = AgentGraph.builder(name).channel("trail", StateChannel.appending());
    String previous = AgentGraph.START;
    for (String node : nodes) {
      builder.node(node, AsyncNode.sync((state, ctx) -> Map.of("trail", node)));
      builder.edge(previous, node);
      previous = node;
    }
    return builder.edge(previous, AgentGraph.END).build();
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void linear_graph_runs_every_node_in_order_and_returns_the_final_state() throws Exception {
    List<RunEvent> events = new CopyOnWriteArrayList<>();
    RunResult result = await(linear("line", "a", "b", "c").compile()
        .invoke(Map.of("input", "hi"), RunConfig.builder("t1").listener(events::add).build()));

    assertThat(result.interrupted()).isFalse();
    assertThat(result.state().asMap()).containsEntry("input", "hi").containsEntry("trail", List.of("a", "b", "c"));
    assertThat(events).filteredOn(RunEvent.NodeStarted.class::isInstance)
        .extracting(e -> ((RunEvent.NodeStarted) e).node()).containsExactly("a", "b", "c");
    assertThat(events.get(events.size() - 1)).isInstanceOf(RunEvent.RunCompleted.class);
  }

  @Test
  void parallel_branches_really_run_at_the_same_time() throws Exception {
    // Each branch blocks until all three are inside their node: only concurrent branches pass.
    CyclicBarrier allInside = new CyclicBarrier(3);
    AsyncNode branch = AsyncNode.sync((state, ctx) -> {
      try {
        allInside.await(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("branches did not run concurrently", e);
      }
      return Map.of("done", ctx.nodeId());
    });
    AgentGraph graph = AgentGraph.builder("fan")
        .channel("done", StateChannel.appending())
        .node("fork", put("forked", true))
        .node("x", branch).node("y", branch).node("z", branch)
        .node("join", AsyncNode.sync((state, ctx) -> Map.of("joined", true)))
        .edge(AgentGraph.START, "fork")
        .edge("fork", "x").edge("fork", "y").edge("fork", "z")
        .edge("x", "join").edge("y", "join").edge("z", "join")
        .edge("join", AgentGraph.END)
        .build();

    RunResult result = await(graph.compile().invoke(Map.of(), "t-par"));

    assertThat(result.state().value("done", List.class).orElseThrow()).containsExactlyInAnyOrder("x", "y", "z");
    assertThat(result.state().asMap()).containsEntry("joined", true);
  }

  @Test
  void conditional_edges_follow_the_router() throws Exception {
    AgentGraph graph = AgentGraph.builder("router")
        .node("classify", AsyncNode.sync((state, ctx) -> Map.of("kind", state.value("n", Integer.class).orElse(0) > 10 ? "big" : "small")))
        .node("big", put("answer", "BIG"))
        .node("small", put("answer", "small"))
        .edge(AgentGraph.START, "classify")
        .conditionalEdges("classify", state -> state.value("kind", String.class).orElseThrow(), Map.of("big", "big", "small", "small"))
        .edge("big", AgentGraph.END).edge("small", AgentGraph.END)
        .build();
    CompiledAgentGraph compiled = graph.compile();

    assertThat(await(compiled.invoke(Map.of("n", 50), "r1")).state().asMap()).containsEntry("answer", "BIG");
    assertThat(await(compiled.invoke(Map.of("n", 5), "r2")).state().asMap()).containsEntry("answer", "small");
  }

  @Test
  void cancelling_the_run_cancels_the_node_in_flight_and_runs_nothing_after_it() throws Exception {
    CompletableFuture<Map<String, ?>> hanging = new CompletableFuture<>();
    CountDownLatch entered = new CountDownLatch(1);
    AtomicInteger afterRuns = new AtomicInteger();
    AgentGraph graph = AgentGraph.builder("cancel")
        .node("wait", (state, ctx) -> {
          entered.countDown();
          return hanging;
        })
        .node("after", AsyncNode.sync((state, ctx) -> {
          afterRuns.incrementAndGet();
          return Map.of();
        }))
        .edge(AgentGraph.START, "wait").edge("wait", "after").edge("after", AgentGraph.END)
        .build();

    CompletableFuture<RunResult> run = graph.compile().invoke(Map.of(), "t-cancel");
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    run.cancel(true);

    assertThat(run).isCancelled();
    // The node may still be returning its future when the cancel lands; it is cancelled as soon as it is tracked.
    assertThat(hanging).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(CancellationException.class);
    assertThat(afterRuns).hasValue(0);
  }

  @Test
  void a_failing_node_fails_the_run_with_graph_node_and_thread_named_and_keeps_earlier_checkpoints() throws Exception {
    SimpleStore store = new SimpleStore();
    AgentGraph graph = AgentGraph.builder("fragile")
        .node("ok", put("step", 1))
        .node("boom", (state, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("disk on fire")))
        .edge(AgentGraph.START, "ok").edge("ok", "boom").edge("boom", AgentGraph.END)
        .build();

    CompletableFuture<RunResult> run = graph.compile(GraphOptions.builder().checkpointStore(store).build())
        .invoke(Map.of(), "thread-42");

    assertThatThrownBy(() -> await(run))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(GraphExecutionException.class)
        .hasMessageContaining("'fragile'").hasMessageContaining("'boom'").hasMessageContaining("'thread-42'")
        .hasMessageContaining("disk on fire")
        .satisfies(e -> {
          GraphExecutionException failure = (GraphExecutionException) e;
          assertThat(failure.node()).isEqualTo("boom");
          assertThat(failure.threadId()).isEqualTo("thread-42");
          assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class);
        });
    List<Checkpoint> history = await(graph.compile(GraphOptions.builder().checkpointStore(store).build()).history("thread-42", 10));
    assertThat(history).isNotEmpty();
    assertThat(history.get(0).nodeId()).isEqualTo("ok");
    assertThat(history.get(0).state()).containsEntry("step", 1);
  }

  @Test
  void a_node_that_throws_synchronously_is_reported_like_a_failed_future() throws Exception {
    AgentGraph graph = AgentGraph.builder("thrower")
        .node("t", (state, ctx) -> {
          throw new IllegalArgumentException("bad arg");
        })
        .edge(AgentGraph.START, "t").edge("t", AgentGraph.END).build();

    assertThatThrownBy(() -> await(graph.compile().invoke(Map.of(), "t")))
        .cause().isInstanceOf(GraphExecutionException.class).hasMessageContaining("'t'").hasMessageContaining("bad arg");
  }

  @Test
  void retriable_failures_are_retried_until_success_and_each_attempt_is_an_event() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<RunEvent> events = new CopyOnWriteArrayList<>();
    AgentGraph graph = AgentGraph.builder("flaky")
        .node("call", (state, ctx) -> calls.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new RetriableException("503 from provider"))
                : CompletableFuture.completedFuture(Map.of("attempt", ctx.attempt())),
            NodeOptions.builder().retry(RetryOptions.builder().maxAttempts(4)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20)).build()).build())
        .edge(AgentGraph.START, "call").edge("call", AgentGraph.END).build();

    RunResult result = await(graph.compile().invoke(Map.of(), RunConfig.builder("t").listener(events::add).build()));

    assertThat(calls).hasValue(3);
    assertThat(result.state().asMap()).containsEntry("attempt", 3);
    assertThat(events).filteredOn(RunEvent.NodeFailed.class::isInstance).hasSize(2)
        .allSatisfy(e -> assertThat(((RunEvent.NodeFailed) e).willRetry()).isTrue());
  }

  @Test
  void non_retriable_failures_are_not_retried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AgentGraph graph = AgentGraph.builder("strict")
        .node("call", (state, ctx) -> {
              calls.incrementAndGet();
              return CompletableFuture.failedFuture(new NonRetriableException("401 bad key"));
            },
            NodeOptions.builder().retry(RetryOptions.builder().maxAttempts(5).backoff(Duration.ofMillis(1), Duration.ofMillis(2)).build()).build())
        .edge(AgentGraph.START, "call").edge("call", AgentGraph.END).build();

    assertThatThrownBy(() -> await(graph.compile().invoke(Map.of(), "t")))
        .cause().isInstanceOf(GraphExecutionException.class).hasRootCauseInstanceOf(NonRetriableException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void a_node_past_its_timeout_is_cancelled_and_the_run_fails_with_a_timeout() throws Exception {
    List<CompletableFuture<Map<String, ?>>> attempts = new CopyOnWriteArrayList<>();
    AgentGraph graph = AgentGraph.builder("slow")
        .node("hang", (state, ctx) -> {
          CompletableFuture<Map<String, ?>> never = new CompletableFuture<>();
          attempts.add(never);
          return never;
        }, NodeOptions.builder().timeout(Duration.ofMillis(100))
            .retry(RetryOptions.builder().maxAttempts(2).backoff(Duration.ofMillis(5), Duration.ofMillis(10)).build()).build())
        .edge(AgentGraph.START, "hang").edge("hang", AgentGraph.END).build();

    assertThatThrownBy(() -> await(graph.compile().invoke(Map.of(), "t-timeout")))
        .cause().isInstanceOf(GraphExecutionException.class)
        .hasMessageContaining("'hang'").hasMessageContaining("did not finish within")
        .extracting(Throwable::getCause).isInstanceOf(OperationTimeoutException.class);
    assertThat(attempts).hasSize(2).allSatisfy(attempt ->
        assertThat(attempt).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(CancellationException.class));
  }

  @Test
  void an_interrupted_run_pauses_and_resume_continues_it_with_updates() throws Exception {
    SimpleStore store = new SimpleStore();
    AgentGraph graph = AgentGraph.builder("approval")
        .node("draft", put("draft", "v1"))
        .node("publish", AsyncNode.sync((state, ctx) -> Map.of("published",
            state.value("approved", Boolean.class).orElse(false) ? state.value("draft", String.class).orElseThrow() : "nothing")))
        .edge(AgentGraph.START, "draft").edge("draft", "publish").edge("publish", AgentGraph.END).build();
    GraphOptions options = GraphOptions.builder().checkpointStore(store).interruptBefore("publish").build();

    RunResult paused = await(graph.compile(options).invoke(Map.of(), "t-approve"));
    assertThat(paused.interrupted()).isTrue();
    assertThat(paused.nextNode()).isEqualTo("publish");
    assertThat(paused.state().asMap()).containsEntry("draft", "v1").doesNotContainKey("published");

    // A freshly compiled graph over the same store resumes: nothing lives in the first instance.
    RunResult resumed = await(graph.compile(options).resume(RunConfig.forThread("t-approve"), Map.of("approved", true)));
    assertThat(resumed.interrupted()).isFalse();
    assertThat(resumed.state().asMap()).containsEntry("published", "v1");
  }

  @Test
  void resuming_an_unknown_thread_says_to_start_it_with_invoke() {
    CompiledAgentGraph graph = linear("g", "a").compile(GraphOptions.builder().checkpointStore(new SimpleStore()).build());

    assertThatThrownBy(() -> await(graph.resume(RunConfig.forThread("nope"))))
        .cause().isInstanceOf(UnknownThreadException.class).hasMessageContaining("'nope'").hasMessageContaining("invoke");
  }

  @Test
  void a_second_run_on_the_same_thread_continues_from_its_state() throws Exception {
    SimpleStore store = new SimpleStore();
    CompiledAgentGraph graph = linear("chat", "answer").compile(GraphOptions.builder().checkpointStore(store).build());

    await(graph.invoke(Map.of("q", "first"), "conv"));
    RunResult second = await(graph.invoke(Map.of("q", "second"), "conv"));

    assertThat(second.state().asMap()).containsEntry("q", "second").containsEntry("trail", List.of("answer", "answer"));
  }

  @Test
  void an_edge_to_an_unknown_node_is_rejected_naming_graph_and_node() {
    assertThatThrownBy(() -> AgentGraph.builder("broken").node("a", put("x", 1))
            .edge(AgentGraph.START, "a").edge("a", "ghost").build())
        .isInstanceOf(GraphDefinitionException.class).hasMessageContaining("'broken'").hasMessageContaining("'ghost'");
  }

  @Test
  void a_node_without_a_way_out_is_rejected() {
    assertThatThrownBy(() -> AgentGraph.builder("deadend").node("a", put("x", 1)).node("b", put("y", 1))
            .edge(AgentGraph.START, "a").edge("a", AgentGraph.END).build())
        .isInstanceOf(GraphDefinitionException.class).hasMessageContaining("'b'").hasMessageContaining("no outgoing edge");
  }

  @Test
  void interrupts_without_a_store_are_rejected_at_compile_time() {
    assertThatThrownBy(() -> linear("g", "a").compile(GraphOptions.builder().interruptBefore("a").build()))
        .isInstanceOf(GraphDefinitionException.class).hasMessageContaining("checkpoint store");
  }

  @Test
  void blank_and_null_thread_ids_are_rejected_naming_the_graph() {
    CompiledAgentGraph graph = linear("named", "a").compile();
    assertThatThrownBy(() -> graph.invoke(Map.of(), " ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'named'");
    assertThatThrownBy(() -> graph.invoke(Map.of(), (String) null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thread id");
    assertThatThrownBy(() -> RunConfig.forThread("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thread id");
  }

  @Test
  void a_node_returning_an_unsupported_value_fails_naming_the_node_and_the_path() {
    AgentGraph graph = AgentGraph.builder("typed")
        .node("bad", AsyncNode.sync((state, ctx) -> Map.of("result", Map.of("when", new Object()))))
        .edge(AgentGraph.START, "bad").edge("bad", AgentGraph.END).build();

    assertThatThrownBy(() -> await(graph.compile().invoke(Map.of(), "t")))
        .cause().isInstanceOf(GraphExecutionException.class).hasMessageContaining("'bad'").hasMessageContaining("result.when")
        .extracting(Throwable::getCause).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void a_checkpoint_that_cannot_be_read_fails_the_run_naming_graph_and_thread_and_deletes_nothing() throws Exception {
    SimpleStore corrupt = new SimpleStore() {
      @Override
      public CompletionStage<Optional<Checkpoint>> latest(String threadId) {
        return CompletableFuture.failedFuture(new CorruptCheckpointException("checkpoint bytes are truncated", null));
      }
    };
    corrupt.put(new Checkpoint("t-bad", "c1", "a", "__END__", Map.of("x", 1), java.time.Instant.now()));

    assertThatThrownBy(() -> await(linear("reader", "a").compile(GraphOptions.builder().checkpointStore(corrupt).build())
            .invoke(Map.of(), "t-bad")))
        .cause().isInstanceOf(GraphExecutionException.class)
        .hasMessageContaining("'reader'").hasMessageContaining("'t-bad'").hasMessageContaining("truncated")
        .extracting(Throwable::getCause).isInstanceOf(CorruptCheckpointException.class);
    assertThat(corrupt.threads.get("t-bad")).hasSize(1);
  }

  @Test
  void an_endless_loop_stops_at_max_steps_with_a_hint() {
    AgentGraph graph = AgentGraph.builder("loop")
        .node("spin", put("x", 1))
        .edge(AgentGraph.START, "spin")
        .conditionalEdges("spin", state -> "again", Map.of("again", "spin"))
        .build();

    assertThatThrownBy(() -> await(graph.compile(GraphOptions.builder().maxSteps(10).build()).invoke(Map.of(), "t")))
        .cause().isInstanceOf(GraphExecutionException.class).hasMessageContaining("maxSteps");
  }

  @Test
  void custom_events_from_any_thread_reach_the_listener_in_order() throws Exception {
    List<Object> tokens = Collections.synchronizedList(new ArrayList<>());
    AgentGraph graph = AgentGraph.builder("tokens")
        .node("speak", (state, ctx) -> CompletableFuture.supplyAsync(() -> {
          for (String token : List.of("Hel", "lo", "!")) {
            ctx.emit(token);
          }
          return Map.of("said", "Hello!");
        }, ZenExecutors.defaultRuntime()))
        .edge(AgentGraph.START, "speak").edge("speak", AgentGraph.END).build();

    await(graph.compile().invoke(Map.of(), RunConfig.builder("t").listener(event -> {
      if (event instanceof RunEvent.Custom custom) {
        tokens.add(custom.payload());
      }
    }).build()));

    assertThat(tokens).containsExactly("Hel", "lo", "!");
  }

  @Test
  void many_runs_in_flight_at_once_all_complete() throws Exception {
    CompiledAgentGraph graph = AgentGraph.builder("timer")
        .node("wait", (state, ctx) -> CompletableFuture.supplyAsync(() -> Map.of("ok", true),
            CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)))
        .edge(AgentGraph.START, "wait").edge("wait", AgentGraph.END).build().compile();

    List<CompletableFuture<RunResult>> runs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      runs.add(graph.invoke(Map.of(), "t" + i));
    }

    assertThat(CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))).succeedsWithin(Duration.ofSeconds(20));
    assertThat(runs).allSatisfy(run -> assertThat(run.join().state().asMap()).containsEntry("ok", true));
  }

  @Test
  void cancelled_runs_are_reported_as_cancelled_not_failed() throws Exception {
    CompiledAgentGraph graph = AgentGraph.builder("c")
        .node("wait", (state, ctx) -> new CompletableFuture<>())
        .edge(AgentGraph.START, "wait").edge("wait", AgentGraph.END).build().compile();
    CompletableFuture<RunResult> run = graph.invoke(Map.of(), "t");
    run.cancel(true);
    assertThatThrownBy(run::join).isInstanceOf(CancellationException.class);
  }
}
