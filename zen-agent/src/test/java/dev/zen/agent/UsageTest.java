package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.gateway.ModelRegistry;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.ToolCategory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens and cost per answer, running totals per conversation, and the agent's lifetime totals. */
class UsageTest {
  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();

  /** priced: $2 in / $10 out per million tokens; free: no prices. GatewayDouble reports 10 in, 5 out. */
  ZenAgent agent() {
    return ZenAgent.builder().gateway(gateway).checkpointStore(store).models(ModelRegistry.builder().withoutBundled()
        .add(ModelSpec.builder("priced").contextWindow(32_000).maxOutputTokens(4_000).prices(2.0, 10.0)
            .categories(ToolCategory.FAST, ToolCategory.BALANCED, ToolCategory.EXTENDED_REASONING).build())
        .add(ModelSpec.builder("free").contextWindow(32_000).maxOutputTokens(4_000).build())
        .build()).build();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @Test
  void an_answer_carries_its_tokens_and_cost_per_model() {
    try (ZenAgent agent = agent()) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "hi", "model", "priced"));

      Map<String, Object> usage = map(result.structuredContent().get("usage"));
      assertThat(usage).containsEntry("input_tokens", 10L).containsEntry("output_tokens", 5L)
          .containsEntry("calls", 1L).containsEntry("cost_usd", (10 * 2.0 + 5 * 10.0) / 1_000_000);
      assertThat(map(map(usage.get("models")).get("priced"))).containsEntry("calls", 1L);
    }
  }

  @Test
  void consensus_counts_every_consulted_model_and_the_synthesis_and_says_when_a_model_has_no_prices() {
    try (ZenAgent agent = agent()) {
      ToolResult result = Agents.call(agent, "consensus", Map.of("prompt", "Adopt it?", "model", "priced",
          "models", List.of(Map.of("model", "priced", "stance", "for"), Map.of("model", "free", "stance", "against"))));

      Map<String, Object> usage = map(result.structuredContent().get("usage"));
      assertThat(usage).containsEntry("calls", 3L).containsEntry("input_tokens", 30L).containsKey("cost_note");
      assertThat(map(map(usage.get("models")).get("priced"))).containsEntry("calls", 2L);
      assertThat(map(map(usage.get("models")).get("free"))).containsEntry("calls", 1L).doesNotContainKey("cost_usd");
    }
  }

  @Test
  void a_conversation_keeps_running_totals_that_listmodels_reports_with_the_servers_lifetime_totals() {
    try (ZenAgent agent = agent()) {
      String thread = Agents.call(agent, "chat", Map.of("prompt", "one", "model", "priced")).continuationId();
      Agents.call(agent, "chat", Map.of("prompt", "two", "model", "priced", "continuation_id", thread));
      Agents.call(agent, "chat", Map.of("prompt", "elsewhere", "model", "free"));

      ToolResult listing = Agents.call(agent, "listmodels", Map.of("continuation_id", thread));

      assertThat(map(listing.structuredContent().get("usage_conversation"))).containsEntry("calls", 2L)
          .containsEntry("input_tokens", 20L);
      assertThat(map(listing.structuredContent().get("usage_server"))).containsEntry("calls", 3L);
      assertThat(listing.text()).contains("Usage of this conversation:").contains("- priced: 2 calls");
      assertThat(agent.usage()).containsKeys("priced", "free");
      assertThat(agent.usage().get("free").costUsd()).isNull();
    }
  }
}
