package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * A run's log lines carry its caller's MDC on whichever thread they are written: the steps on the
 * runtime executor, a node resumed after waiting, a fork's branches, the executor a node is given;
 * and the threads give the MDC back afterwards.
 */
class LogContextTest {
  /** Zen's own runtime executor, whose threads do not inherit the MDC of the thread that made them. */
  private final ExecutorService executor = dev.zen.ZenExecutors.newRuntimeExecutor("logged");
  private final ExecutorService elsewhere = Executors.newSingleThreadExecutor();
  private final Map<String, String> seen = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    MDC.clear();
    executor.shutdownNow();
    elsewhere.shutdownNow();
  }

  private void record(String where) {
    String value = MDC.get("request");
    seen.put(where, value == null ? "(none)" : value + " on " + (Thread.currentThread().getName().startsWith("logged")
        ? "runtime" : Thread.currentThread().getName()));
  }

  @Test
  void the_callers_mdc_follows_the_run_across_threads_and_leaves_none_behind() throws Exception {
    CompiledAgentGraph graph = AgentGraph.builder("logged")
        .node("waits", (state, ctx) -> {
          record("waits");
          // Completed on a thread of no executor of the run: the run resumes on the runtime executor.
          return CompletableFuture.supplyAsync(() -> Map.of("waited", true), elsewhere);
        })
        .node("left", AsyncNode.sync((state, ctx) -> {
          record("left");
          return Map.of("left", true);
        }))
        .node("right", (state, ctx) -> CompletableFuture.runAsync(() -> record("node's executor"), ctx.executor())
            .thenApply(done -> Map.of("right", true)))
        .edge(AgentGraph.START, "waits").edge("waits", "left").edge("waits", "right")
        .edge("left", AgentGraph.END).edge("right", AgentGraph.END)
        .build()
        .compile(GraphOptions.builder().executor(executor).checkpointStore(new SimpleStore()).build());

    MDC.put("request", "r-1");
    CompletableFuture<RunResult> run = graph.invoke(Map.of(), "t-1");
    MDC.remove("request");
    run.get(30, TimeUnit.SECONDS);

    assertThat(seen).containsOnlyKeys("waits", "left", "node's executor")
        .allSatisfy((where, value) -> assertThat(value).as(where).isEqualTo("r-1 on runtime"));
    // The runtime's threads got their own (empty) MDC back.
    for (int i = 0; i < 4; i++) {
      assertThat(CompletableFuture.supplyAsync(() -> MDC.get("request"), executor).get(10, TimeUnit.SECONDS)).isNull();
    }

    // A run started without an MDC writes none.
    seen.clear();
    graph.invoke(Map.of(), "t-2").get(30, TimeUnit.SECONDS);
    assertThat(seen.values()).containsOnly("(none)");
  }

  @Test
  void a_joining_thread_that_runs_the_run_itself_uses_the_runs_mdc_and_gets_its_own_back() {
    CompiledAgentGraph graph = AgentGraph.builder("joined")
        .node("only", AsyncNode.sync((state, ctx) -> {
          record("only");
          return Map.of("done", true);
        }))
        .edge(AgentGraph.START, "only").edge("only", AgentGraph.END)
        .build()
        .compile(GraphOptions.builder().executor(executor).checkpointStore(new SimpleStore()).build());

    for (int i = 0; i < 20; i++) {
      MDC.put("request", "r-" + i);
      CompletableFuture<RunResult> run = graph.invoke(Map.of(), "t-" + i);
      MDC.put("request", "the joiner's own");
      run.join();
      // On whichever thread the run ran (this one when it took it, else the runtime's), it saw its own MDC.
      assertThat(seen.get("only")).startsWith("r-" + i + " on ");
      assertThat(MDC.get("request")).isEqualTo("the joiner's own");
    }
  }
}
