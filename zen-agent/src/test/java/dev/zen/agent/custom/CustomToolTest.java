package dev.zen.agent.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolContext;
import dev.zen.agent.ToolOutcome;
import dev.zen.agent.ToolParam;
import dev.zen.agent.ToolProgress;
import dev.zen.agent.ToolResult;
import dev.zen.agent.ToolSpec;
import dev.zen.agent.ToolStateCodec;
import dev.zen.agent.ZenAgent;
import dev.zen.agent.ZenAgentOptions;
import dev.zen.agent.ZenTool;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelInfo;
import dev.zen.spi.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A user's own tool, written in the user's package against the public SPI only: how a workflow
 * tool or clink plugs in, with its own typed state on the conversation thread.
 */
class CustomToolTest {

  /** What the stepper keeps between calls. */
  record Steps(int count, List<String> prompts) {}

  static final ToolStateCodec<Steps> STEPS = new ToolStateCodec<>() {
    @Override
    public Map<String, Object> encode(Steps state) {
      return Map.of("count", state.count(), "prompts", state.prompts());
    }

    @Override
    @SuppressWarnings("unchecked")
    public Steps decode(Map<String, Object> stored) {
      return new Steps(((Number) stored.get("count")).intValue(), (List<String>) stored.get("prompts"));
    }
  };

  /** A workflow in miniature: counts its steps on the thread. */
  static final class StepCounter extends ZenTool {
    StepCounter() {
      super("stepper", "Counts its steps on the conversation thread.", List.of(ToolParam.PROMPT, ToolParam.CONTINUATION));
    }

    @Override
    protected boolean usesModel() {
      return false;
    }

    @Override
    protected CompletableFuture<ToolOutcome> run(ToolContext context) {
      Steps before = context.state(STEPS).orElse(new Steps(0, List.of()));
      int step = before.count() + 1;
      List<String> prompts = new java.util.ArrayList<>(before.prompts());
      prompts.add(context.prompt());
      return CompletableFuture.completedFuture(ToolOutcome.answer("step " + step + ": " + context.prompt(), null)
          .withExtra(Map.of("step", step, "earlier", before.prompts()))
          .withState(new Steps(step, prompts), STEPS));
    }
  }

  /** Answers every request at once, naming the model. */
  static final class EchoGateway implements ModelGateway {
    @Override
    public CompletableFuture<ChatReply> complete(ChatRequest request) {
      return CompletableFuture.completedFuture(new ChatReply(request.model(), "answer from " + request.model(),
          new TokenUsage(1, 1), Duration.ZERO, "stop"));
    }

    @Override
    public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<dev.zen.spi.ChatChunk> onChunk) {
      return complete(request);
    }

    @Override
    public CompletableFuture<List<ModelInfo>> models() {
      return CompletableFuture.completedFuture(List.of());
    }
  }

  private static ZenAgent agent(MemoryCheckpointStore store) {
    return ZenAgent.builder().gateway(new EchoGateway()).checkpointStore(store).tool(new StepCounter()).build();
  }

  @Test
  void a_tool_gets_its_own_graph_node_and_keeps_its_own_state_on_the_thread_between_calls() {
    MemoryCheckpointStore store = MemoryCheckpointStore.create();
    List<ToolProgress> reports = new CopyOnWriteArrayList<>();
    try (ZenAgent agent = agent(store)) {
      ToolResult first = agent.call(ToolCall.of("stepper", Map.of("prompt", "look"))).join();
      String thread = first.continuationId();
      agent.call(ToolCall.of("challenge", Map.of("prompt", "meanwhile", "continuation_id", thread))).join();
      ToolResult third = agent.call(ToolCall.builder("stepper")
          .arguments(Map.of("prompt", "again", "continuation_id", thread)).progressListener(reports::add).build())
          .join();

      assertThat(third.structuredContent()).containsEntry("step", 2).containsEntry("content", "step 2: again")
          .containsEntry("earlier", List.of("look"));
      assertThat(reports).extracting(ToolProgress::message).containsExactly("supervisor: checking the request",
          "stepper: working", "response: preparing the answer");
    }
  }

  @Test
  void the_state_survives_a_new_agent_on_the_same_store_and_never_crosses_threads() {
    MemoryCheckpointStore store = MemoryCheckpointStore.create();
    String thread;
    try (ZenAgent agent = agent(store)) {
      thread = agent.call(ToolCall.of("stepper", Map.of("prompt", "one"))).join().continuationId();
      agent.call(ToolCall.of("stepper", Map.of("prompt", "two", "continuation_id", thread))).join();
    }
    try (ZenAgent restarted = agent(store)) {
      ToolResult continued = restarted.call(ToolCall.of("stepper", Map.of("prompt", "three", "continuation_id", thread)))
          .join();
      ToolResult other = restarted.call(ToolCall.of("stepper", Map.of("prompt", "elsewhere"))).join();

      assertThat(continued.structuredContent()).containsEntry("step", 3).containsEntry("earlier", List.of("one", "two"));
      assertThat(other.structuredContent()).containsEntry("step", 1).containsEntry("earlier", List.of());
    }
  }

  @Test
  void a_user_tool_is_listed_after_the_built_in_ones_with_its_schema() {
    try (ZenAgent agent = agent(MemoryCheckpointStore.create())) {
      List<String> names = agent.tools().stream().map(ToolSpec::name).toList();

      assertThat(names).endsWith("stepper").contains("chat", "consensus", "version");
      assertThat(agent.tool("stepper").orElseThrow().inputSchema()).containsEntry("required", List.of("prompt"));
    }
  }

  @Test
  void a_user_tool_cannot_take_a_built_in_name_unless_that_one_is_disabled() {
    ZenTool impostor = new ZenTool("chat", "Not the real chat.", List.of(ToolParam.PROMPT)) {
      @Override
      protected boolean usesModel() {
        return false;
      }

      @Override
      protected CompletableFuture<ToolOutcome> run(ToolContext context) {
        return CompletableFuture.completedFuture(ToolOutcome.notice("success", "impostor: " + context.prompt()));
      }
    };
    MemoryCheckpointStore store = MemoryCheckpointStore.create();

    assertThatThrownBy(() -> ZenAgent.builder().gateway(new EchoGateway()).checkpointStore(store).tool(impostor).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two tools are named 'chat'").hasMessageContaining("disabledTools");

    try (ZenAgent replaced = ZenAgent.builder().gateway(new EchoGateway()).checkpointStore(store).tool(impostor)
        .options(ZenAgentOptions.builder().disabledTools("chat").build()).build()) {
      assertThat(replaced.call(ToolCall.of("chat", Map.of("prompt", "hi"))).join().text()).isEqualTo("impostor: hi");
    }
  }
}
