package dev.zen.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.ModelNotFoundException;
import dev.zen.RateLimitedException;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ScriptedModelGatewayTest {

  @Test
  void replies_are_chosen_by_model_and_prompt_pattern_and_every_request_is_recorded() {
    ScriptedModelGateway gateway = ScriptedModelGateway.builder()
        .reply("gpt-5", "(?i)capital of france", "Paris")
        .reply("*", "capital", "somewhere")
        .defaultReply(request -> "echo: " + request.lastUserText())
        .build();

    assertThat(gateway.complete(ChatRequest.of("gpt-5", "What is the capital of France?")).join().text()).isEqualTo("Paris");
    assertThat(gateway.complete(ChatRequest.of("o3", "capital of Peru")).join().text()).isEqualTo("somewhere");
    assertThat(gateway.complete(ChatRequest.of("o3", "hello")).join().text()).isEqualTo("echo: hello");
    assertThat(gateway.requests()).extracting(ChatRequest::model).containsExactly("gpt-5", "o3", "o3");
  }

  @Test
  void an_unscripted_request_fails_naming_model_and_prompt() {
    ScriptedModelGateway gateway = ScriptedModelGateway.builder().reply("gpt-5", "x", "y").build();

    assertThat(gateway.complete(ChatRequest.of("other", "unknown prompt")))
        .failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(ModelNotFoundException.class).withMessageContaining("other").withMessageContaining("unknown prompt");
  }

  @Test
  void scripted_failures_come_first_then_replies_resume() {
    ScriptedModelGateway gateway = ScriptedModelGateway.builder().defaultReply(r -> "ok").build()
        .failNext("m", 2, () -> new RateLimitedException("slow down", Duration.ofSeconds(1), null));

    for (int i = 0; i < 2; i++) {
      assertThat(gateway.complete(ChatRequest.of("m", "hi"))).failsWithin(Duration.ofSeconds(1))
          .withThrowableOfType(ExecutionException.class).havingCause().isInstanceOf(RateLimitedException.class);
    }
    assertThat(gateway.complete(ChatRequest.of("m", "hi")).join().text()).isEqualTo("ok");
  }

  @Test
  void streaming_delivers_word_chunks_that_add_up_to_the_reply() {
    ScriptedModelGateway gateway = ScriptedModelGateway.builder().defaultReply(r -> "one two three").build();
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    ChatReply reply = gateway.stream(ChatRequest.of("m", "go"), chunks::add).join();

    assertThat(chunks).extracting(ChatChunk::text).containsExactly("one ", "two ", "three");
    assertThat(String.join("", chunks.stream().map(ChatChunk::text).toList())).isEqualTo(reply.text());
    assertThat(reply.usage().totalTokens()).isPositive();
  }

  @Test
  void latency_holds_no_thread_and_cancelling_a_pending_call_is_recorded() {
    ScriptedModelGateway gateway = ScriptedModelGateway.builder().defaultReply(r -> "late")
        .latency("slow", Duration.ofSeconds(30)).build();

    CompletableFuture<ChatReply> pending = gateway.complete(ChatRequest.of("slow", "hi"));
    assertThat(pending).isNotDone();
    pending.cancel(true);

    assertThat(gateway.cancelledRequests()).extracting(ChatRequest::model).containsExactly("slow");
  }

  @Test
  void models_lists_named_and_scripted_models() {
    ScriptedModelGateway gateway = ScriptedModelGateway.builder().models("extra").reply("gpt-5", "x", "y").build();

    assertThat(gateway.models().join()).extracting(info -> info.id()).containsExactlyInAnyOrder("extra", "gpt-5");
    assertThatThrownBy(() -> ScriptedModelGateway.builder().latency("m", Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
