package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The seam's contract for adapters: tool listing, argument errors, unknown tools. */
class ToolContractTest {
  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();

  @Test
  void tools_lists_the_tools_in_the_anchors_order_with_object_schemas_and_short_descriptions() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      assertThat(agent.tools()).extracting(ToolSpec::name)
          .containsExactly("chat", "clink", "thinkdeep", "planner", "consensus", "codereview", "precommit", "debug", "secaudit",
              "docgen", "analyze", "refactor", "tracer", "testgen", "challenge", "apilookup", "listmodels", "version");
      for (ToolSpec spec : agent.tools()) {
        assertThat(spec.inputSchema()).containsEntry("type", "object").containsEntry("additionalProperties", false);
        assertThat(spec.description().split("(?<=\\.) ")).as(spec.name()).hasSizeLessThanOrEqualTo(2);
      }
      assertThat(agent.tool("chat")).isPresent();
      assertThat(agent.tool("nope")).isEmpty();
    }
  }

  @Test
  void the_tool_list_stays_compact_because_shared_fields_are_described_once_in_the_instructions() throws Exception {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ObjectMapper mapper = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
      // Name, description and input schema: the part the agent controls; the MCP server adds the
      // hints and output schemas in its own, compact form, and its test checks the whole tools/list.
      List<Map<String, Object>> listed = agent.tools().stream().map(spec -> Map.<String, Object>of("name", spec.name(),
          "description", spec.description(), "inputSchema", spec.inputSchema())).toList();
      String json = mapper.writeValueAsString(listed);
      StringBuilder sizes = new StringBuilder();
      for (Map<String, Object> spec : listed) {
        sizes.append(spec.get("name")).append('=').append(mapper.writeValueAsString(spec).length()).append(' ');
      }

      // MCP's tools/list must stay within 20,000 characters for all 18 tools, with annotations and output
      // schemas added by the server: the agent's own share is kept well below it.
      // 17,015 with clink (the 18th tool, 574); the server's whole list is checked against 20,000 in ZenMcpServerIT.
      assertThat(json.length()).as(sizes.toString()).isLessThan(17_500);
      assertThat(agent.instructions()).contains("continuation_id").contains("absolute_file_paths")
          .contains("60,000").contains("3 hours").contains("50 turns");
    }
  }

  @Test
  void disabled_tools_are_not_listed_and_calling_one_fails_with_unknown_tool_saying_it_is_disabled() {
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().disabledTools("consensus", "codereview").build()).build()) {
      assertThat(agent.tools()).extracting(ToolSpec::name).doesNotContain("consensus");

      assertThatThrownBy(() -> Agents.call(agent, "consensus", Map.of()))
          .isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(UnknownToolException.class).hasMessageContaining("'consensus' is disabled");
    }
  }

  @Test
  void an_unknown_tool_fails_the_future_with_unknown_tool_naming_it_and_listing_the_tools() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      assertThatThrownBy(() -> Agents.call(agent, "codereviewer", Map.of()))
          .cause().isInstanceOfSatisfying(UnknownToolException.class, e -> {
            assertThat(e.toolName()).isEqualTo("codereviewer");
            assertThat(e.available()).contains("chat", "version");
            assertThat(e.getMessage()).contains("unknown tool 'codereviewer'");
          });
    }
  }

  @Test
  void options_refuse_unknown_or_essential_tool_names_at_once() {
    assertThatThrownBy(() -> ZenAgentOptions.builder().disabledTools("chatt"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown tool 'chatt'");
    assertThatThrownBy(() -> ZenAgentOptions.builder().disabledTools("version"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be disabled");
    assertThatThrownBy(() -> ZenAgentOptions.builder().maxConversationTurns(1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_missing_required_argument_is_an_error_result_naming_it() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "chat", Map.of());

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("missing required argument 'prompt'");
      assertThat(result.structuredContent()).containsEntry("status", "error");
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void wrong_types_unknown_arguments_and_out_of_range_values_are_each_reported() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      Map<String, Object> arguments = new HashMap<>();
      arguments.put("prompt", 42);
      arguments.put("temperature", 3);
      arguments.put("absolute_file_paths", "/tmp/a");
      arguments.put("colour", "blue");
      ToolResult result = Agents.call(agent, "chat", arguments);

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("'prompt' must be a string, was the number 42")
          .contains("'temperature' must be between 0 and 2, was 3")
          .contains("'absolute_file_paths' must be an array of strings")
          .contains("unknown argument 'colour'");
    }
  }

  @Test
  void a_string_with_an_unpaired_surrogate_is_refused_naming_the_argument_instead_of_reaching_the_model_as_a_question_mark() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult lonePrompt = Agents.call(agent, "chat", Map.of("prompt", "why \ud800 here"));
      ToolResult lonePath = Agents.call(agent, "chat", Map.of("prompt", "hi",
          "absolute_file_paths", List.of("/tmp/ok", "/tmp/\udc00")));

      assertThat(lonePrompt.isError()).isTrue();
      assertThat(lonePrompt.text()).contains("argument 'prompt' is refused: it is not valid Unicode")
          .contains("\\ud800").contains("at character 4");
      assertThat(lonePath.text()).contains("argument 'absolute_file_paths[1]' is refused").contains("\\udc00");
      assertThat(gateway.requests).isEmpty();

      // A real pair (an emoji) is valid Unicode and goes through untouched.
      assertThat(Agents.call(agent, "chat", Map.of("prompt", "ship it \ud83d\ude80")).isError()).isFalse();
      assertThat(gateway.requests).singleElement().satisfies(request ->
          assertThat(request.messages().get(request.messages().size() - 1).text()).contains("ship it \ud83d\ude80"));
    }
  }

  @Test
  void null_arguments_count_as_absent() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      Map<String, Object> arguments = new HashMap<>();
      arguments.put("prompt", "hi");
      arguments.put("model", null);
      arguments.put("continuation_id", null);

      assertThat(Agents.call(agent, "chat", arguments).isError()).isFalse();
    }
  }

  @Test
  void a_relative_path_is_an_error_result_asking_for_absolute_paths() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "chat", Map.of("prompt", "hi", "absolute_file_paths", List.of("src/Main.java")));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("'src/Main.java'").contains("relative path").contains("FULL absolute paths");
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void consensus_entries_are_checked_field_by_field() {
    try (ZenAgent agent = Agents.agent(gateway, store)) {
      ToolResult result = Agents.call(agent, "consensus", Map.of("prompt", "p",
          "models", List.of(Map.of("model", "alpha", "stance", "sideways"), Map.of("stance", "for"))));

      assertThat(result.text()).contains("'models[0].stance' must be one of for, against, neutral")
          .contains("missing required argument 'models[1].model'");
    }
  }

  @Test
  void enabled_tools_offer_only_those_and_the_discovery_tools() {
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().enabledTools(List.of("chat", "Debug")).build()).build()) {
      assertThat(agent.tools()).extracting(ToolSpec::name).containsExactly("chat", "debug", "listmodels", "version");

      assertThatThrownBy(() -> Agents.call(agent, "consensus", Map.of()))
          .cause().isInstanceOf(UnknownToolException.class).hasMessageContaining("'consensus' is disabled");
    }
    assertThatThrownBy(() -> ZenAgentOptions.builder().enabledTools(List.of("chat", "codereviewer")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot enable unknown tool 'codereviewer'")
        .hasMessageContaining("codereview");
  }

  @Test
  void prompts_name_the_offered_tools_as_the_anchor_does_and_fill_their_arguments() {
    try (ZenAgent agent = Agents.builder(gateway, store)
        .options(ZenAgentOptions.builder().disabledTools("thinkdeep").build()).build()) {
      List<String> names = agent.prompts().stream().map(PromptSpec::name).toList();

      assertThat(names).contains("chat", "review", "debug", "planner", "continue").doesNotContain("thinkdeeper");
      PromptSpec review = agent.prompts().stream().filter(p -> p.name().equals("review")).findFirst().orElseThrow();
      assertThat(review.render(Map.of("model", "o3"))).contains("codereview tool with model o3 (thinking mode medium)");
      assertThat(review.render(Map.of())).contains("model auto");
    }
  }
}
