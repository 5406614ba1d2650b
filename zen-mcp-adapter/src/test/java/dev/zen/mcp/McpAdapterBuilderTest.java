package dev.zen.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import dev.zen.agent.ZenAgent;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.graph.AgentGraph;
import dev.zen.graph.AsyncNode;
import dev.zen.graph.CompiledAgentGraph;
import dev.zen.testkit.ScriptedModelGateway;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The builders validate at once, and build() refuses tools that do not fit together. */
class McpAdapterBuilderTest {
  private static final ToolHandler NOTHING = call -> CompletableFuture.completedFuture(ToolResult.error("unused"));
  private static final CompiledAgentGraph GRAPH = AgentGraph.builder("g")
      .node("n", AsyncNode.sync((state, ctx) -> Map.of("done", true)))
      .edge(AgentGraph.START, "n").edge("n", AgentGraph.END)
      .build().compile();

  private static ToolSpec spec(String name) {
    return new ToolSpec(name, "A tool.", Map.of("type", "object"));
  }

  @Test
  void a_tool_name_served_twice_is_a_build_error_naming_both_sources() {
    McpAdapter.Builder builder = McpAdapter.builder().serverInfo("s", "1")
        .tool(spec("review"), NOTHING)
        .graph(GraphTool.builder("review", GRAPH).description("Reviews.").build());
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessage("tool 'review' is served twice, by tool(...) and by graph(...); tool names must be unique: rename one");
  }

  @Test
  void an_applications_tool_named_like_one_of_the_agents_is_a_build_error() {
    try (MemoryCheckpointStore store = MemoryCheckpointStore.create();
        ZenAgent agent = ZenAgent.builder().gateway(ScriptedModelGateway.builder().build()).checkpointStore(store).build()) {
      McpAdapter.Builder builder = McpAdapter.builder().serverInfo("s", "1").agent(agent).tool(spec("chat"), NOTHING);
      assertThatThrownBy(builder::build).hasMessageStartingWith("tool 'chat' is served twice, by the Zen agent and by tool(...)");
      assertThatThrownBy(() -> builder.agent(agent)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("at most one Zen agent");
    }
  }

  @Test
  void build_needs_server_info_and_at_least_one_tool() {
    assertThatThrownBy(() -> McpAdapter.builder().tool(spec("a"), NOTHING).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("serverInfo(name, version)");
    assertThatThrownBy(() -> McpAdapter.builder().serverInfo("s", "1").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no tools");
    assertThatThrownBy(() -> McpAdapter.builder().serverInfo(" ", "1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tools_are_listed_in_the_order_they_were_added() {
    McpAdapter adapter = McpAdapter.builder().serverInfo("s", "1")
        .graph(GraphTool.builder("second", GRAPH).description("Runs g.").build())
        .tool(spec("first"), NOTHING)
        .build();
    assertThat(adapter.tools()).extracting(ToolSpec::name).containsExactly("second", "first");
  }

  @Test
  void a_graph_tool_checks_its_name_and_schemas_at_once_and_needs_a_description() {
    assertThatThrownBy(() -> GraphTool.builder("Review!", GRAPH)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tool name must match");
    GraphTool.Builder builder = GraphTool.builder("review", GRAPH);
    assertThatThrownBy(() -> builder.inputSchema(Map.of("type", "string"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inputSchema must have \"type\": \"object\"");
    assertThatThrownBy(() -> builder.outputSchema(Map.of("type", "array"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outputSchema must have \"type\": \"object\"");
    assertThatThrownBy(() -> builder.description(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("needs a description");
    GraphTool tool = builder.description("Reviews.").build();
    assertThat(tool.spec().inputSchema()).isEqualTo(Map.of("type", "object"));
    assertThat(tool.spec().outputSchema()).isNull();
  }
}
