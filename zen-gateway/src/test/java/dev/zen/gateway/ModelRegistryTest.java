package dev.zen.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.InvalidRequestException;
import dev.zen.ModelNotFoundException;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelGateways;
import dev.zen.spi.ModelInfo;
import dev.zen.spi.TokenUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

  @Test
  void the_bundled_catalogue_loads_and_lists_models_best_first() {
    List<ModelSpec> models = ModelRegistry.bundled().models();

    assertThat(models).extracting(ModelSpec::name).contains("gpt-5", "o3", "gemini-2.5-pro", "gemini-2.5-flash");
    assertThat(models).allSatisfy(spec -> assertThat(spec.origin()).isEqualTo(ModelSpec.Origin.BUNDLED));
    assertThat(models).extracting(ModelSpec::intelligenceScore).isSortedAccordingTo((a, b) -> Integer.compare(b, a));
  }

  @Test
  void aliases_resolve_to_the_canonical_model_ignoring_case() {
    ModelRegistry registry = ModelRegistry.bundled();

    assertThat(registry.resolve("FLASH").name()).isEqualTo("gemini-2.5-flash");
    assertThat(registry.resolve(" Pro ").name()).isEqualTo("gemini-2.5-pro");
    assertThat(registry.resolve("GPT-5").name()).isEqualTo("gpt-5");
    assertThat(registry.find("no-such-model")).isEmpty();
  }

  @Test
  void an_unknown_model_fails_with_the_available_models_and_the_closest_name() {
    assertThatThrownBy(() -> ModelRegistry.bundled().resolve("gtp-5"))
        .isInstanceOfSatisfying(ModelNotFoundException.class, e -> {
          assertThat(e.model()).isEqualTo("gtp-5");
          assertThat(e.available()).contains("gpt-5", "o3");
          assertThat(e.getMessage()).contains("unknown model 'gtp-5'").contains("Did you mean 'gpt-5'?");
        });
  }

  @Test
  void a_partial_name_suggests_the_model_that_contains_it() {
    assertThatThrownBy(() -> ModelRegistry.bundled().resolve("sonet"))
        .hasMessageContaining("Did you mean 'claude-sonnet-4-5'?");
  }

  @Test
  void an_allow_list_hides_other_models_and_says_which_are_allowed() {
    ModelRegistry registry = ModelRegistry.builder().allow("flash", "o3").build();

    assertThat(registry.models()).extracting(ModelSpec::name).containsExactly("o3", "gemini-2.5-flash");
    assertThat(registry.resolve("gemini-2.5-flash").name()).isEqualTo("gemini-2.5-flash");
    assertThatThrownBy(() -> registry.resolve("gpt-5"))
        .isInstanceOfSatisfying(ModelNotFoundException.class, e -> {
          assertThat(e.available()).containsExactly("o3", "gemini-2.5-flash");
          assertThat(e.getMessage()).contains("known but not allowed").contains("allowed: o3, gemini-2.5-flash");
        });
  }

  @Test
  void auto_picks_the_best_model_meant_for_each_category() {
    ModelRegistry registry = ModelRegistry.builder().withoutBundled()
        .add(ModelSpec.builder("quick").intelligenceScore(8).categories(ToolCategory.FAST).build())
        .add(ModelSpec.builder("quicker").intelligenceScore(6).categories(ToolCategory.FAST).build())
        .add(ModelSpec.builder("steady").intelligenceScore(12).categories(ToolCategory.BALANCED).build())
        .add(ModelSpec.builder("deep").intelligenceScore(15).supportsThinking(true)
            .categories(ToolCategory.EXTENDED_REASONING).build())
        .build();

    assertThat(registry.resolve("auto", ToolCategory.FAST).name()).isEqualTo("quick");
    assertThat(registry.resolve("AUTO", ToolCategory.BALANCED).name()).isEqualTo("steady");
    assertThat(registry.resolve("auto", ToolCategory.EXTENDED_REASONING).name()).isEqualTo("deep");
    assertThat(registry.resolve("auto").name()).isEqualTo("steady");
  }

  @Test
  void auto_for_reasoning_falls_back_to_a_thinking_model_when_none_is_tagged() {
    ModelRegistry registry = ModelRegistry.builder().withoutBundled()
        .add(ModelSpec.builder("smart-but-plain").intelligenceScore(15).build())
        .add(ModelSpec.builder("thinker").intelligenceScore(9).supportsThinking(true).build())
        .build();

    assertThat(registry.auto(ToolCategory.EXTENDED_REASONING).name()).isEqualTo("thinker");
    assertThat(registry.auto(ToolCategory.FAST).name()).isEqualTo("smart-but-plain");
  }

  @Test
  void auto_respects_the_allow_list() {
    ModelRegistry registry = ModelRegistry.builder().allow("flash", "haiku").build();

    assertThat(registry.auto(ToolCategory.EXTENDED_REASONING).name()).isIn("gemini-2.5-flash", "claude-haiku-4-5");
    assertThat(registry.auto(ToolCategory.FAST).name()).isEqualTo("claude-haiku-4-5");
  }

  @Test
  void auto_with_nothing_allowed_fails_clearly() {
    ModelRegistry registry = ModelRegistry.builder().allow("not-a-model").build();

    assertThatThrownBy(() -> registry.auto(ToolCategory.FAST))
        .isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("no model is available for 'auto'");
  }

  @Test
  void models_a_gateway_lists_are_usable_with_conservative_defaults_and_auto_chooses_among_them() {
    ModelRegistry registry = ModelRegistry.bundled()
        .withGatewayModels(List.of(new ModelInfo("my-finetune"), new ModelInfo("gemini-2.5-flash")));

    ModelSpec discovered = registry.resolve("MY-FINETUNE");
    assertThat(discovered.origin()).isEqualTo(ModelSpec.Origin.GATEWAY);
    assertThat(discovered.contextWindow()).isEqualTo(ModelSpec.DEFAULT_CONTEXT_WINDOW);
    assertThat(discovered.supportsImages()).isFalse();
    assertThat(registry.models()).extracting(ModelSpec::name).contains("my-finetune", "gpt-5");
    assertThat(registry.auto(ToolCategory.EXTENDED_REASONING).name()).isEqualTo("gemini-2.5-flash");
    assertThat(registry.auto(ToolCategory.BALANCED).name()).isIn("gemini-2.5-flash", "my-finetune");
  }

  @Test
  void a_gateway_that_lists_a_known_model_under_an_alias_gets_requests_under_that_alias() {
    ModelRegistry registry = ModelRegistry.bundled().withGatewayModels(List.of(new ModelInfo("Flash")));

    ModelSpec flash = registry.resolve("gemini-2.5-flash");
    assertThat(flash.name()).isEqualTo("Flash");
    assertThat(flash.aliases()).contains("gemini-2.5-flash");
    assertThat(flash.origin()).isEqualTo(ModelSpec.Origin.BUNDLED);
    assertThat(registry.auto(ToolCategory.FAST).name()).isEqualTo("Flash");
  }

  @Test
  void with_models_of_asks_the_gateway_for_its_list() {
    ModelRegistry registry = ModelRegistry.bundled().withModelsOf(listing("local-model")).join();

    assertThat(registry.resolve("local-model").origin()).isEqualTo(ModelSpec.Origin.GATEWAY);
  }

  @Test
  void a_user_file_adds_models_and_overrides_bundled_ones(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("models.json");
    Files.writeString(file, """
        {"models": [
          {"name": "house-model", "aliases": ["house"], "contextWindow": 65536, "maxOutputTokens": 8192,
           "intelligenceScore": 19, "categories": ["balanced"]},
          {"name": "gpt-5", "aliases": ["gpt5"], "contextWindow": 1000, "maxOutputTokens": 100}
        ]}""");

    ModelRegistry registry = ModelRegistry.builder().addFile(file).build();

    assertThat(registry.resolve("house").origin()).isEqualTo(ModelSpec.Origin.USER);
    assertThat(registry.resolve("gpt-5").contextWindow()).isEqualTo(1000);
    assertThat(registry.auto(ToolCategory.BALANCED).name()).isEqualTo("house-model");
  }

  @Test
  void a_catalogue_with_an_unknown_field_is_rejected_with_the_field_named() {
    assertThatThrownBy(() -> ModelRegistry.builder().addJson("{\"models\": [{\"name\": \"x\", \"contextwindow\": 1}]}",
        "my.json"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("my.json models[0]")
        .hasMessageContaining("unknown field 'contextwindow'");
  }

  @Test
  void a_catalogue_that_is_not_json_is_rejected() {
    assertThatThrownBy(() -> ModelRegistry.builder().addJson("{models: oops", "broken.json"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("broken.json is not valid JSON");
  }

  @Test
  void two_models_claiming_one_alias_are_rejected() {
    ModelRegistry.Builder builder = ModelRegistry.builder()
        .add(ModelSpec.builder("mine").aliases("flash").build());

    assertThatThrownBy(builder::build)
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("'flash' is used by both");
  }

  @Test
  void prepare_resolves_the_alias_and_fixes_the_temperature_of_models_that_only_accept_one() {
    ChatRequest prepared = ModelRegistry.bundled()
        .prepare(ChatRequest.builder("gpt5").addMessage(dev.zen.spi.ChatMessage.user("hi")).temperature(0.2).build());

    assertThat(prepared.model()).isEqualTo("gpt-5");
    assertThat(prepared.temperature()).contains(1.0);
  }

  @Test
  void prepare_clamps_temperature_and_output_cap_to_what_the_model_accepts() {
    ChatRequest prepared = ModelRegistry.bundled().prepare(ChatRequest.builder("sonnet")
        .addMessage(dev.zen.spi.ChatMessage.user("hi")).temperature(1.7).maxOutputTokens(1_000_000).build());

    assertThat(prepared.model()).isEqualTo("claude-sonnet-4-5");
    assertThat(prepared.temperature()).contains(1.0);
    assertThat(prepared.maxOutputTokens()).contains(64_000);
  }

  @Test
  void prepare_drops_the_temperature_for_models_that_take_none() {
    ModelRegistry registry = ModelRegistry.builder().withoutBundled()
        .add(ModelSpec.builder("no-temp").supportsTemperature(false).build()).build();

    ChatRequest prepared = registry.prepare(ChatRequest.builder("no-temp")
        .addMessage(dev.zen.spi.ChatMessage.user("hi")).temperature(0.5).build());

    assertThat(prepared.temperature()).isEmpty();
  }

  @Test
  void the_interceptor_sends_prepared_requests_resolves_auto_and_fails_unknown_models_without_calling_the_gateway() {
    AtomicReference<ChatRequest> sent = new AtomicReference<>();
    ModelGateway recording = new ModelGateway() {
      @Override
      public CompletableFuture<ChatReply> complete(ChatRequest request) {
        sent.set(request);
        return CompletableFuture.completedFuture(
            new ChatReply(request.model(), "ok", TokenUsage.ZERO, Duration.ZERO, "stop"));
      }

      @Override
      public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
        return complete(request);
      }

      @Override
      public CompletableFuture<List<ModelInfo>> models() {
        return CompletableFuture.completedFuture(List.of());
      }
    };
    ModelGateway gateway = ModelGateways.intercepted(recording, List.of(ModelRegistry.bundled().interceptor()));

    gateway.complete(ChatRequest.builder("o3").addMessage(dev.zen.spi.ChatMessage.user("hi")).temperature(0.0).build())
        .join();
    CompletableFuture<ChatReply> unknown = gateway.complete(ChatRequest.of("nonsense-model", "hi"));

    assertThat(sent.get().model()).isEqualTo("o3");
    assertThat(sent.get().temperature()).contains(1.0);
    assertThat(unknown).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(Exception.class)
        .withCauseInstanceOf(ModelNotFoundException.class);
    ModelGateways.intercepted(recording, List.of(ModelRegistry.bundled().interceptor(ToolCategory.FAST)))
        .complete(ChatRequest.of("auto", "quick one")).join();
    assertThat(sent.get().model()).isEqualTo("gpt-5-mini");
  }

  @Test
  void model_specs_validate_their_limits() {
    assertThatThrownBy(() -> ModelSpec.builder("x").contextWindow(100).maxOutputTokens(200).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxOutputTokens");
    assertThatThrownBy(() -> ModelSpec.builder("x").intelligenceScore(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intelligenceScore");
  }

  private static ModelGateway listing(String... ids) {
    return new ModelGateway() {
      @Override
      public CompletableFuture<ChatReply> complete(ChatRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public CompletableFuture<ChatReply> stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
        throw new UnsupportedOperationException();
      }

      @Override
      public CompletableFuture<List<ModelInfo>> models() {
        return CompletableFuture.completedFuture(java.util.Arrays.stream(ids).map(ModelInfo::new).toList());
      }
    };
  }
}
