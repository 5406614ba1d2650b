package dev.zen.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.GraphExecutionException;
import dev.zen.spi.Checkpoint;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CheckpointingTest {

  /** Counts writes, so the number of store round trips per run is visible. */
  static final class CountingStore extends SimpleStore {
    final AtomicInteger puts = new AtomicInteger();

    @Override
    public synchronized CompletionStage<Void> put(Checkpoint checkpoint) {
      puts.incrementAndGet();
      return super.put(checkpoint);
    }
  }

  private static AgentGraph threeSteps(AsyncNode last) {
    return AgentGraph.builder("steps")
        .channel("trail", StateChannel.appending())
        .node("a", AsyncNode.sync((s, c) -> Map.of("trail", "a")))
        .node("b", AsyncNode.sync((s, c) -> Map.of("trail", "b")))
        .node("c", last)
        .edge(AgentGraph.START, "a").edge("a", "b").edge("b", "c").edge("c", AgentGraph.END)
        .build();
  }

  private static GraphOptions options(CountingStore store, Checkpointing mode, String... interruptBefore) {
    return GraphOptions.builder().checkpointStore(store).checkpointing(mode).interruptBefore(interruptBefore).build();
  }

  @Test
  void every_step_mode_writes_a_checkpoint_per_step_and_on_exit_mode_writes_one_per_run() {
    AgentGraph graph = threeSteps(AsyncNode.sync((s, c) -> Map.of("trail", "c")));
    CountingStore everyStep = new CountingStore();
    CountingStore onExit = new CountingStore();

    RunResult stepwise = graph.compile(options(everyStep, Checkpointing.EVERY_STEP)).invoke(Map.of(), "t").join();
    RunResult once = graph.compile(options(onExit, Checkpointing.ON_EXIT)).invoke(Map.of(), "t").join();

    assertThat(everyStep.puts.get()).isGreaterThanOrEqualTo(4);
    assertThat(onExit.puts).hasValue(1);
    assertThat(once.state()).isEqualTo(stepwise.state());
    Checkpoint last = onExit.latest("t").toCompletableFuture().join().orElseThrow();
    assertThat(last.state()).containsEntry("trail", List.of("a", "b", "c"));
  }

  @Test
  void on_exit_mode_continues_the_thread_on_the_next_run() {
    CountingStore store = new CountingStore();
    CompiledAgentGraph graph = threeSteps(AsyncNode.sync((s, c) -> Map.of("trail", "c"))).compile(options(store, Checkpointing.ON_EXIT));

    graph.invoke(Map.of(), "conv").join();
    RunResult second = graph.invoke(Map.of(), "conv").join();

    assertThat(second.state().asMap()).containsEntry("trail", List.of("a", "b", "c", "a", "b", "c"));
    assertThat(store.puts).hasValue(2);
  }

  @Test
  void on_exit_mode_keeps_the_last_good_state_when_a_node_fails() {
    CountingStore store = new CountingStore();
    CompiledAgentGraph graph = threeSteps((s, c) -> CompletableFuture.failedFuture(new IllegalStateException("boom")))
        .compile(options(store, Checkpointing.ON_EXIT));

    assertThatThrownBy(() -> graph.invoke(Map.of(), "t").join()).hasCauseInstanceOf(GraphExecutionException.class);

    Checkpoint last = store.latest("t").toCompletableFuture().join().orElseThrow();
    assertThat(last.nodeId()).isEqualTo("b");
    assertThat(last.nextNodeId()).isEqualTo("c");
    assertThat(last.state()).containsEntry("trail", List.of("a", "b"));
  }

  @Test
  void on_exit_mode_writes_the_interrupted_state_so_resume_continues_it() {
    CountingStore store = new CountingStore();
    AgentGraph graph = threeSteps(AsyncNode.sync((s, c) -> Map.of("trail", "c")));

    RunResult paused = graph.compile(options(store, Checkpointing.ON_EXIT, "c")).invoke(Map.of(), "t").join();
    RunResult resumed = graph.compile(options(store, Checkpointing.ON_EXIT, "c")).resume(RunConfig.forThread("t")).join();

    assertThat(paused.interrupted()).isTrue();
    assertThat(paused.nextNode()).isEqualTo("c");
    assertThat(resumed.state().asMap()).containsEntry("trail", List.of("a", "b", "c"));
    assertThat(store.puts).hasValue(2);
  }

  @Test
  void latest_checkpoint_only_keeps_one_checkpoint_per_thread_however_many_steps_and_runs() {
    for (Checkpointing mode : Checkpointing.values()) {
      CountingStore store = new CountingStore();
      CompiledAgentGraph graph = threeSteps(AsyncNode.sync((s, c) -> Map.of("trail", "c")))
          .compile(GraphOptions.builder().checkpointStore(store).checkpointing(mode).latestCheckpointOnly(true).build());

      graph.invoke(Map.of(), "conv").join();
      RunResult second = graph.invoke(Map.of(), "conv").join();

      assertThat(second.state().asMap()).as(mode.name()).containsEntry("trail", List.of("a", "b", "c", "a", "b", "c"));
      assertThat(store.threads.get("conv")).as(mode + ": one stored checkpoint").hasSize(1);
      assertThat(store.threads.get("conv").get(0).state()).containsEntry("trail", List.of("a", "b", "c", "a", "b", "c"));
      assertThat(graph.history("conv", 10).join()).hasSize(1);
    }
  }

  @Test
  void latest_checkpoint_only_still_pauses_at_an_interrupt_and_resumes() {
    CountingStore store = new CountingStore();
    GraphOptions options = GraphOptions.builder().checkpointStore(store).latestCheckpointOnly(true).interruptBefore("c").build();
    AgentGraph graph = threeSteps(AsyncNode.sync((s, c) -> Map.of("trail", "c")));

    RunResult paused = graph.compile(options).invoke(Map.of(), "t").join();
    RunResult resumed = graph.compile(options).resume(RunConfig.forThread("t")).join();

    assertThat(paused.interrupted()).isTrue();
    assertThat(resumed.state().asMap()).containsEntry("trail", List.of("a", "b", "c"));
    assertThat(store.threads.get("t")).hasSize(1);
  }

  @Test
  void a_node_can_skip_the_exit_checkpoint_so_the_run_leaves_the_store_untouched() {
    CountingStore store = new CountingStore();
    CompiledAgentGraph graph = threeSteps((s, c) -> {
      c.skipExitCheckpoint();
      return CompletableFuture.completedFuture(Map.of("trail", "c"));
    }).compile(options(store, Checkpointing.ON_EXIT));

    RunResult result = graph.invoke(Map.of(), "t").join();

    assertThat(result.state().asMap()).containsEntry("trail", List.of("a", "b", "c"));
    assertThat(store.puts).hasValue(0);
    assertThat(store.threads).doesNotContainKey("t");
  }

  /** Stands in for what a run carries but must never store: a listener, a credential. */
  record Secret(String value) {}

  @Test
  void attachments_reach_every_node_and_never_a_checkpoint() {
    CountingStore store = new CountingStore();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    AsyncNode reading = AsyncNode.sync((s, c) -> {
      seen.add(c.nodeId() + "=" + c.attachment(Secret.class).map(Secret::value).orElse("none"));
      return Map.of("trail", c.nodeId());
    });
    CompiledAgentGraph graph = AgentGraph.builder("attached")
        .channel("trail", StateChannel.appending())
        .node("a", reading).node("b", reading)
        .edge(AgentGraph.START, "a").edge("a", "b").edge("b", AgentGraph.END)
        .build().compile(options(store, Checkpointing.EVERY_STEP));

    graph.invoke(Map.of(), RunConfig.builder("t").attach(Secret.class, new Secret("s3cret")).build()).join();
    graph.invoke(Map.of(), RunConfig.forThread("t")).join();

    assertThat(seen).containsExactly("a=s3cret", "b=s3cret", "a=none", "b=none");
    assertThat(store.threads.get("t")).allSatisfy(checkpoint ->
        assertThat(checkpoint.state().toString()).doesNotContain("s3cret"));
  }
}
