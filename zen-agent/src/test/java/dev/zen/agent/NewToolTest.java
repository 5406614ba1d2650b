package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.ZenExecutors;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How a later tool (a workflow, clink) plugs in: its own node, its own state on the thread. */
class NewToolTest {
  /** A workflow in miniature: counts its steps on the thread. */
  static final class StepCounter extends ZenTool {
    StepCounter() {
      super("stepper", "Counts its steps on the conversation thread.", List.of(PROMPT, CONTINUATION));
    }

    @Override
    boolean usesModel() {
      return false;
    }

    @Override
    ToolNode node() {
      return (turn, node) -> {
        int step = turn.toolState.get("steps") instanceof Integer steps ? steps + 1 : 1;
        return CompletableFuture.completedFuture(
            Outcome.answer("step " + step + ": " + turn.prompt(), null, Map.of("step", step))
                .withToolState(Map.of("steps", step)));
      };
    }
  }

  @Test
  void a_tool_gets_its_own_graph_node_and_keeps_its_own_state_on_the_thread_between_calls() {
    ZenTool stepper = new StepCounter();
    ZenTool chat = new ChatTool();
    MemoryCheckpointStore store = MemoryCheckpointStore.create();
    Agents.Reports reports = new Agents.Reports();
    try (AgentEngine engine = new AgentEngine(new GatewayDouble(), Agents.registry(), store,
        ZenAgentOptions.defaults(), ZenExecutors.defaultRuntime(), Clock.systemUTC(),
        Map.of("stepper", stepper, "chat", chat))) {
      ToolResult first = engine.call(stepper, ToolCall.of("stepper", Map.of("prompt", "look"))).join();
      String thread = first.continuationId();
      engine.call(chat, ToolCall.of("chat", Map.of("prompt", "meanwhile", "continuation_id", thread))).join();
      ToolResult third = engine.call(stepper, ToolCall.builder("stepper")
          .arguments(Map.of("prompt", "again", "continuation_id", thread)).progressListener(reports.all::add).build())
          .join();

      assertThat(third.structuredContent()).containsEntry("step", 2).containsEntry("content", "step 2: again");
      assertThat(reports.messages()).containsExactly("supervisor: checking the request", "stepper: working",
          "response: preparing the answer");
    }
  }
}
