package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.gateway.ModelRegistry;
import dev.zen.gateway.ModelSpec;
import dev.zen.gateway.ToolCategory;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ContentPart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images sent as content parts to models that see them, and thinking modes mapped to what a model takes. */
class ImagesAndThinkingTest {
  final GatewayDouble gateway = new GatewayDouble();
  final MemoryCheckpointStore store = MemoryCheckpointStore.create();
  @TempDir Path dir;

  /** vision (sees images, reasons by effort), budget (reasons by token budget), plain (neither). */
  ZenAgent agent() {
    return ZenAgent.builder().gateway(gateway).checkpointStore(store).models(ModelRegistry.builder().withoutBundled()
        .add(ModelSpec.builder("vision").contextWindow(64_000).maxOutputTokens(4_000).supportsImages(true)
            .maxImageSizeMb(1).supportsThinking(true).categories(ToolCategory.FAST, ToolCategory.BALANCED,
                ToolCategory.EXTENDED_REASONING).intelligenceScore(15).build())
        .add(ModelSpec.builder("budget").contextWindow(64_000).maxOutputTokens(4_000).supportsThinking(true)
            .maxThinkingTokens(32_768).build())
        .add(ModelSpec.builder("plain").contextWindow(64_000).maxOutputTokens(4_000).build())
        .build()).build();
  }

  private ToolResult chat(ZenAgent agent, Map<String, Object> arguments) {
    return Agents.call(agent, "chat", arguments);
  }

  private ChatMessage lastUserMessage() {
    List<ChatMessage> messages = gateway.requests.get(gateway.requests.size() - 1).messages();
    return messages.get(messages.size() - 1);
  }

  @Test
  void an_image_file_and_a_data_url_reach_a_vision_model_as_image_parts_after_the_text() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    Path file = Files.write(dir.resolve("diagram.png"), png);
    String inline = "data:image/gif;base64," + Base64.getEncoder().encodeToString(new byte[] {'G', 'I', 'F'});
    try (ZenAgent agent = agent()) {
      ToolResult result = chat(agent, Map.of("prompt", "What does this show?", "model", "vision",
          "images", List.of(file.toString(), inline)));

      assertThat(result.isError()).as(result.text()).isFalse();
      ChatMessage user = lastUserMessage();
      assertThat(user.parts().get(0)).isInstanceOf(ContentPart.Text.class);
      assertThat(user.images()).containsExactly(ContentPart.Image.of(png, "image/png"),
          new ContentPart.Image(java.net.URI.create(inline)));
    }
  }

  @Test
  void a_model_without_vision_is_refused_naming_models_that_see_images() throws Exception {
    Path file = Files.write(dir.resolve("shot.jpg"), new byte[] {1, 2, 3});
    try (ZenAgent agent = agent()) {
      ToolResult result = chat(agent, Map.of("prompt", "Look", "model", "plain", "images", List.of(file.toString())));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("model 'plain' does not accept images").contains("(vision)");
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void too_many_too_large_malformed_or_non_image_files_are_refused_with_the_reason() throws Exception {
    Path big = Files.write(dir.resolve("big.png"), new byte[2 * 1024 * 1024]);
    Path text = Files.writeString(dir.resolve("notes.txt"), "not an image");
    List<String> six = List.of("data:image/png;base64,AA==", "data:image/png;base64,AA==",
        "data:image/png;base64,AA==", "data:image/png;base64,AA==", "data:image/png;base64,AA==",
        "data:image/png;base64,AA==");
    try (ZenAgent agent = agent()) {
      ToolResult tooMany = chat(agent, Map.of("prompt", "Look", "model", "vision", "images", six));
      ToolResult tooLarge = chat(agent, Map.of("prompt", "Look", "model", "vision", "images", List.of(big.toString())));
      ToolResult notImage = chat(agent, Map.of("prompt", "Look", "model", "vision", "images",
          List.of(text.toString())));
      ToolResult malformed = chat(agent, Map.of("prompt", "Look", "model", "vision", "images",
          List.of("data:text/html,<script>")));

      assertThat(tooMany.text()).contains("'images' has 6 items; at most 5");
      assertThat(tooLarge.text()).contains("2.0 MB").contains("at most 1.0 MB");
      assertThat(notImage.text()).contains("is not a PNG, JPEG, GIF or WebP image");
      assertThat(malformed.text()).contains("not a valid image data URL");
      assertThat(gateway.requests).isEmpty();
    }
  }

  @Test
  void a_thinking_mode_becomes_an_effort_or_a_budget_and_is_noted_as_ignored_by_a_model_that_does_not_reason() {
    try (ZenAgent agent = agent()) {
      chat(agent, Map.of("prompt", "q", "model", "vision", "thinking_mode", "max"));
      ChatRequest effort = gateway.requests.get(0);
      chat(agent, Map.of("prompt", "q", "model", "budget", "thinking_mode", "high"));
      ChatRequest budget = gateway.requests.get(1);
      ToolResult plain = chat(agent, Map.of("prompt", "q", "model", "plain", "thinking_mode", "low"));
      chat(agent, Map.of("prompt", "q", "model", "vision"));

      assertThat(effort.reasoningEffort()).hasValue("high");
      assertThat(effort.thinkingBudgetTokens()).isEmpty();
      assertThat(budget.thinkingBudgetTokens()).hasValue((int) Math.round(32_768 * 0.67));
      assertThat(budget.reasoningEffort()).isEmpty();
      assertThat(gateway.requests.get(2).reasoningEffort()).isEmpty();
      assertThat(plain.structuredContent().get("notes").toString())
          .contains("thinking_mode 'low' was ignored: model 'plain' does not reason");
      assertThat(gateway.requests.get(3).reasoningEffort()).as("no mode asked, none sent").isEmpty();
    }
  }

  @Test
  void a_workflow_expert_thinks_high_unless_the_call_says_otherwise() {
    try (ZenAgent agent = agent()) {
      Map<String, Object> last = Map.of("step", "Decide", "step_number", 1, "total_steps", 1,
          "next_step_required", false, "findings", "reads dominate", "model", "vision");
      Agents.call(agent, "thinkdeep", last);
      Map<String, Object> lowered = new java.util.HashMap<>(last);
      lowered.put("thinking_mode", "minimal");
      lowered.put("step", "Decide again");
      Agents.call(agent, "thinkdeep", lowered);

      assertThat(gateway.requests.get(0).reasoningEffort()).hasValue("high");
      assertThat(gateway.requests.get(1).reasoningEffort()).hasValue("minimal");
    }
  }
}
