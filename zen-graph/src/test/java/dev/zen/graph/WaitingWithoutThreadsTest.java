package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.GraphExecutionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A run waiting for a node holds no thread: many runs whose nodes can only finish together (each
 * node's future completes once every run's node has started) all finish on an executor with far
 * fewer threads than runs. When a run held a thread while its node worked, the first runs took
 * every thread and waited for nodes that could never start.
 */
class WaitingWithoutThreadsTest {
  private static final int RUNS = 200;
  private final ExecutorService twoThreads = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    twoThreads.shutdownNow();
  }

  /** A node that finishes once {@code parties} nodes have started, none of them before. */
  private static AsyncNode together(int parties, AtomicInteger started, CompletableFuture<Void> all, String key) {
    return (state, ctx) -> {
      if (started.incrementAndGet() == parties) {
        all.complete(null);
      }
      return all.thenApply(ignored -> Map.of(key, ctx.threadId()));
    };
  }

  @Test
  void two_hundred_runs_wait_for_their_nodes_at_once_on_two_threads() throws Exception {
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<Void> all = new CompletableFuture<>();
    AtomicInteger after = new AtomicInteger();
    CompiledAgentGraph graph = AgentGraph.builder("together")
        .node("wait", together(RUNS, started, all, "waited"))
        .node("after", AsyncNode.sync((state, ctx) -> Map.of("after", after.incrementAndGet())))
        .edge(AgentGraph.START, "wait").edge("wait", "after").edge("after", AgentGraph.END)
        .build()
        .compile(GraphOptions.builder().executor(twoThreads).checkpointStore(new SimpleStore()).build());

    List<CompletableFuture<RunResult>> runs = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      runs.add(graph.invoke(Map.of(), "t" + i));
    }
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    for (int i = 0; i < RUNS; i++) {
      RunResult result = runs.get(i).join();
      assertThat(result.state().value("waited")).contains("t" + i);
      assertThat(result.state().value("after")).isPresent();
      // The update of the waiting node was checkpointed like any other step's.
      assertThat(graph.latest("t" + i).get(10, TimeUnit.SECONDS).orElseThrow().state()).containsKey("after");
    }
    assertThat(after).hasValue(RUNS);
  }

  @Test
  void branches_of_a_fork_wait_together_without_a_thread_each() throws Exception {
    int runs = 50;
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<Void> all = new CompletableFuture<>();
    CompiledAgentGraph graph = AgentGraph.builder("fork")
        .node("fork", AsyncNode.sync((state, ctx) -> Map.of()))
        .node("x", together(2 * runs, started, all, "x"))
        .node("y", together(2 * runs, started, all, "y"))
        .edge(AgentGraph.START, "fork").edge("fork", "x").edge("fork", "y")
        .edge("x", AgentGraph.END).edge("y", AgentGraph.END)
        .build()
        .compile(GraphOptions.builder().executor(twoThreads).build());

    List<CompletableFuture<RunResult>> results = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      results.add(graph.invoke(Map.of(), "t" + i));
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    for (CompletableFuture<RunResult> result : results) {
      assertThat(result.join().state().value("x")).isPresent();
      assertThat(result.join().state().value("y")).isPresent();
    }
  }

  @Test
  void a_node_that_finishes_later_counts_as_one_step_against_max_steps() {
    AtomicInteger laterCalls = new AtomicInteger();
    AtomicInteger syncCalls = new AtomicInteger();
    AsyncNode later = (state, ctx) -> {
      laterCalls.incrementAndGet();
      return CompletableFuture.supplyAsync(() -> Map.of("x", 1),
          CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS));
    };
    AsyncNode now = AsyncNode.sync((state, ctx) -> {
      syncCalls.incrementAndGet();
      return Map.of("x", 1);
    });

    for (AsyncNode node : List.of(later, now)) {
      AgentGraph graph = AgentGraph.builder("loop")
          .node("spin", node)
          .edge(AgentGraph.START, "spin")
          .conditionalEdges("spin", state -> "again", Map.of("again", "spin"))
          .build();
      assertThatThrownBy(() -> graph.compile(GraphOptions.builder().maxSteps(10).executor(twoThreads).build())
          .invoke(Map.of(), "t").get(10, TimeUnit.SECONDS))
          .cause().isInstanceOf(GraphExecutionException.class).hasMessageContaining("maxSteps");
    }
    assertThat(laterCalls.get()).isEqualTo(syncCalls.get()).isPositive();
  }
}
