package dev.zen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.GraphExecutionException;
import dev.zen.UnknownThreadException;
import dev.zen.graph.AgentGraph;
import dev.zen.graph.AsyncNode;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.graph.GraphOptions;
import dev.zen.graph.RunConfig;
import dev.zen.graph.RunResult;
import dev.zen.graph.StateChannel;
import dev.zen.spi.Checkpoint;
import dev.zen.spi.CheckpointStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The graph-level half of the checkpoint contract: whole graphs run through the store under test.
 * Extend it next to {@link CheckpointStoreContract}, implementing the same
 * {@link CheckpointStoreFixture} hooks:
 *
 * <pre>{@code
 * class MyStoreGraphTest extends GraphCheckpointContract {
 *   protected CheckpointStore create() { return MyCheckpointStore.create(); }
 *   protected CheckpointStore createAnotherInstance() { return MyCheckpointStore.create(); }
 *   protected DataSharing dataSharing() { return DataSharing.PER_INSTANCE; }
 * }
 * }</pre>
 */
public abstract class GraphCheckpointContract extends CheckpointStoreFixture {

  private static AgentGraph approvalGraph() {
    return AgentGraph.builder("approval")
        .channel("log", StateChannel.appending())
        .node("draft", AsyncNode.sync((state, ctx) -> Map.of("draft", "v1", "log", "draft")))
        .node("publish", AsyncNode.sync((state, ctx) -> Map.of(
            "published", state.value("approved", Boolean.class).orElse(false),
            "log", "publish")))
        .edge(AgentGraph.START, "draft").edge("draft", "publish").edge("publish", AgentGraph.END)
        .build();
  }

  private static CompiledAgentGraph compile(AgentGraph graph, CheckpointStore store, String... interruptBefore) {
    return graph.compile(GraphOptions.builder().checkpointStore(store).interruptBefore(interruptBefore).build());
  }

  @Test
  void an_interrupted_run_resumes_through_a_fresh_store_instance() {
    CheckpointStore first = open();
    RunResult paused = await(compile(approvalGraph(), first, "publish").invoke(Map.of(), "approval-1"));
    assertThat(paused.interrupted()).isTrue();
    assertThat(paused.nextNode()).isEqualTo("publish");

    CheckpointStore second = openAnother();
    CompletableFuture<RunResult> resumed = compile(approvalGraph(), second, "publish")
        .resume(RunConfig.forThread("approval-1"), Map.of("approved", true));

    if (dataSharing() == DataSharing.SHARED_BY_INSTANCES) {
      RunResult done = await(resumed);
      assertThat(done.interrupted()).isFalse();
      assertThat(done.state().asMap()).containsEntry("published", true).containsEntry("log", List.of("draft", "publish"));
    } else {
      // A store that does not share data across instances must say the thread is unknown, not invent one.
      assertThatThrownBy(() -> await(resumed)).isInstanceOf(UnknownThreadException.class).hasMessageContaining("approval-1");
      RunResult done = await(compile(approvalGraph(), first, "publish")
          .resume(RunConfig.forThread("approval-1"), Map.of("approved", true)));
      assertThat(done.state().asMap()).containsEntry("published", true);
    }
  }

  @Test
  void a_thread_continues_across_runs_with_its_state_and_history() {
    CheckpointStore store = open();
    CompiledAgentGraph graph = compile(approvalGraph(), store);

    await(graph.invoke(Map.of("approved", false), "conversation"));
    RunResult second = await(graph.invoke(Map.of("approved", true), "conversation"));

    assertThat(second.state().asMap()).containsEntry("published", true)
        .containsEntry("log", List.of("draft", "publish", "draft", "publish"));
    List<Checkpoint> history = await(graph.history("conversation", 100));
    assertThat(history).isNotEmpty();
    assertThat(history.get(0).state()).containsEntry("published", true);
    assertThat(history).extracting(Checkpoint::nodeId).containsSubsequence("publish", "draft", "publish", "draft");
  }

  @Test
  void a_failing_node_keeps_the_checkpoints_written_before_it() {
    CheckpointStore store = open();
    AgentGraph graph = AgentGraph.builder("fragile")
        .node("ok", AsyncNode.sync((state, ctx) -> Map.of("step", 1)))
        .node("boom", (state, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("boom")))
        .edge(AgentGraph.START, "ok").edge("ok", "boom").edge("boom", AgentGraph.END)
        .build();

    assertThatThrownBy(() -> await(compile(graph, store).invoke(Map.of(), "fragile-1")))
        .isInstanceOf(GraphExecutionException.class).hasMessageContaining("boom").hasMessageContaining("fragile-1");

    Checkpoint latest = await(store.latest("fragile-1")).orElseThrow();
    assertThat(latest.nodeId()).isEqualTo("ok");
    assertThat(latest.nextNodeId()).isEqualTo("boom");
    assertThat(latest.state()).containsEntry("step", 1);
  }

  @Test
  void parallel_branches_are_merged_into_one_checkpoint_after_the_join() {
    CheckpointStore store = open();
    AgentGraph graph = AgentGraph.builder("fan")
        .channel("seen", StateChannel.appending())
        .node("fork", AsyncNode.sync((state, ctx) -> Map.of()))
        .node("a", AsyncNode.sync((state, ctx) -> Map.of("seen", "a")))
        .node("b", AsyncNode.sync((state, ctx) -> Map.of("seen", "b")))
        .node("join", AsyncNode.sync((state, ctx) -> Map.of("joined", true)))
        .edge(AgentGraph.START, "fork").edge("fork", "a").edge("fork", "b")
        .edge("a", "join").edge("b", "join").edge("join", AgentGraph.END)
        .build();

    await(compile(graph, store).invoke(Map.of(), "fan-1"));

    Checkpoint latest = await(store.latest("fan-1")).orElseThrow();
    assertThat(latest.state()).containsEntry("joined", true);
    assertThat(latest.state().get("seen")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).containsExactlyInAnyOrder("a", "b");
  }
}
