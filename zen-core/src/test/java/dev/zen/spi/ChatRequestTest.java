package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRequestTest {

  @Test
  void a_blank_or_null_model_is_rejected() {
    for (String bad : new String[] {null, "", "   "}) {
      assertThatThrownBy(() -> ChatRequest.builder(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("model must not be blank");
      assertThatThrownBy(() -> ChatRequest.builder("m").model(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("model must not be blank");
    }
  }

  @Test
  void a_request_without_messages_cannot_be_built() {
    assertThatThrownBy(() -> ChatRequest.builder("m").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a chat request needs at least one message");
  }

  @Test
  void temperature_outside_zero_to_two_is_rejected_with_the_value() {
    for (double bad : new double[] {-0.1, 2.0001, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> ChatRequest.builder("m").temperature(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("temperature must be within [0, 2], was " + bad);
    }
    assertThat(ChatRequest.builder("m").temperature(0.0).temperature(2.0).temperature(null)
        .addMessage(ChatMessage.user("x")).build().temperature()).isEmpty();
  }

  @Test
  void max_output_tokens_must_be_positive() {
    for (int bad : new int[] {0, -1}) {
      assertThatThrownBy(() -> ChatRequest.builder("m").maxOutputTokens(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxOutputTokens must be > 0, was " + bad);
    }
  }

  @Test
  void a_null_message_is_rejected_by_name() {
    assertThatThrownBy(() -> ChatRequest.builder("m").addMessage(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("message");
    assertThatThrownBy(() -> ChatRequest.builder("m").messages(Arrays.asList(ChatMessage.user("a"), null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("message");
  }

  @Test
  void to_builder_derives_a_changed_copy_and_leaves_the_original_alone() {
    ChatRequest original = ChatRequest.builder("gpt")
        .addMessage(ChatMessage.system("be brief"))
        .addMessage(ChatMessage.user("hi"))
        .temperature(0.5)
        .maxOutputTokens(100)
        .build();

    ChatRequest same = original.toBuilder().build();
    ChatRequest changed = original.toBuilder().model("claude").addMessage(ChatMessage.assistant("hello")).build();

    assertThat(same).isEqualTo(original).hasSameHashCodeAs(original);
    assertThat(changed.model()).isEqualTo("claude");
    assertThat(changed.messages()).hasSize(3);
    assertThat(changed.temperature()).contains(0.5);
    assertThat(changed.maxOutputTokens()).contains(100);
    assertThat(original.model()).isEqualTo("gpt");
    assertThat(original.messages()).hasSize(2);
    assertThat(changed).isNotEqualTo(original);
  }

  @Test
  void messages_are_copied_and_immutable() {
    List<ChatMessage> source = new ArrayList<>(List.of(ChatMessage.user("a")));
    ChatRequest request = ChatRequest.builder("m").messages(source).build();
    source.add(ChatMessage.user("b"));

    assertThat(request.messages()).containsExactly(ChatMessage.user("a"));
    assertThatThrownBy(() -> request.messages().add(ChatMessage.user("c")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void last_user_text_is_the_newest_user_message_or_empty() {
    ChatRequest request = ChatRequest.builder("m")
        .addMessage(ChatMessage.user("first"))
        .addMessage(ChatMessage.user("second"))
        .addMessage(ChatMessage.assistant("answer"))
        .build();

    assertThat(request.lastUserText()).isEqualTo("second");
    assertThat(ChatRequest.builder("m").addMessage(ChatMessage.system("s")).build().lastUserText()).isEmpty();
    assertThat(ChatRequest.of("m", "prompt").messages()).containsExactly(ChatMessage.user("prompt"));
  }

  @Test
  void to_string_names_the_model_without_leaking_the_prompt() {
    String text = ChatRequest.builder("m").addMessage(ChatMessage.user("secret")).temperature(1.0).build().toString();

    assertThat(text).contains("model=m", "messages=1", "temperature=1.0").doesNotContain("secret");
  }
}
