package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.spi.ModelInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** challenge, apilookup, listmodels and version: the tools that answer without a model. */
class SmallToolsTest {
  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();

  @Test
  void challenge_returns_critical_instructions_around_the_statement_without_calling_a_model() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "challenge", Map.of("prompt", "Redis is always faster than Postgres"));

      assertThat(result.structuredContent()).containsEntry("status", "challenge_accepted")
          .containsEntry("original_statement", "Redis is always faster than Postgres");
      assertThat(result.text()).contains("CRITICAL REASSESSMENT").contains("Redis is always faster than Postgres");
      assertThat(result.continuationId()).as("a challenge is part of the conversation").isNotNull();
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void apilookup_returns_a_research_plan_with_todays_date_and_no_continuation() {
    Agents.MovableClock clock = new Agents.MovableClock();
    try (ZenAgent agent = Agents.builder(gateway, store).clock(clock).build()) {
      ToolResult result = Agents.call(agent, "apilookup", Map.of("prompt", "latest langchain4j ChatModel API"));

      assertThat(result.text()).contains("Today is 2025-06-01").contains("latest langchain4j ChatModel API")
          .contains("web search");
      assertThat(result.continuationId()).isNull();
      assertThat(store.threads().toCompletableFuture().join()).isEmpty();
    }
  }

  @Test
  void listmodels_shows_catalogue_models_marks_those_the_gateway_serves_and_adds_gateway_only_models() {
    gateway.models = CompletableFuture.completedFuture(List.of(new ModelInfo("alpha"), new ModelInfo("local-llama")));
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "listmodels", Map.of());

      assertThat(result.isError()).isFalse();
      assertThat(result.text()).contains("alpha").contains("local-llama").contains("served by the gateway");
      assertThat(result.structuredContent().get("gateway_models")).isEqualTo(List.of("alpha", "local-llama"));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> models = (List<Map<String, Object>>) result.structuredContent().get("models");
      assertThat(models).anySatisfy(m -> assertThat(m).containsEntry("name", "local-llama")
          .containsEntry("origin", "gateway").containsEntry("served_by_gateway", true));
      assertThat(models).anySatisfy(m -> assertThat(m).containsEntry("name", "beta")
          .containsEntry("served_by_gateway", false));
      assertThat(store.threads().toCompletableFuture().join()).isEmpty();
    }
  }

  @Test
  void listmodels_still_answers_with_the_catalogue_when_the_gateway_cannot_list() {
    gateway.models = CompletableFuture.failedFuture(new dev.zen.ServiceUnavailableException("connection refused", null));
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "listmodels", Map.of());

      assertThat(result.isError()).isFalse();
      assertThat(result.text()).contains("did not list its models (connection refused)").contains("beta");
      assertThat(result.structuredContent()).containsEntry("gateway_error", "connection refused");
    }
  }

  @Test
  void a_model_only_the_gateway_lists_can_be_named_in_chat() {
    gateway.models = CompletableFuture.completedFuture(List.of(new ModelInfo("local-llama")));
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "hi", "model", "local-llama"));

      assertThat(result.structuredContent()).containsEntry("model", "local-llama");
    }
  }

  @Test
  void version_reports_the_runtime_and_configuration() {
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().defaultModel("beta").disabledTools("chat").build()).build()) {
      ToolResult result = Agents.call(agent, "version", Map.of());

      assertThat(result.structuredContent()).containsEntry("default_model", "beta")
          .containsEntry("disabled_tools", List.of("chat")).containsKey("java").containsKey("version");
      assertThat(result.text()).startsWith("Zen ").contains("checkpoint_store: MemoryCheckpointStore");
      assertThat(result.continuationId()).isNull();
    }
  }
}
