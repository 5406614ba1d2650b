package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.spi.ChatMessage.Role;
import org.junit.jupiter.api.Test;

class ChatMessageTest {

  @Test
  void a_missing_role_or_text_is_rejected_by_name() {
    assertThatThrownBy(() -> new ChatMessage(null, "hi"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("role");
    assertThatThrownBy(() -> new ChatMessage(Role.USER, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text");
    assertThatThrownBy(() -> ChatMessage.user(null)).hasMessage("text");
  }

  @Test
  void factories_set_the_role_and_keep_the_text() {
    assertThat(ChatMessage.system("s")).isEqualTo(new ChatMessage(Role.SYSTEM, "s"));
    assertThat(ChatMessage.user("u")).isEqualTo(new ChatMessage(Role.USER, "u"));
    assertThat(ChatMessage.assistant("a")).isEqualTo(new ChatMessage(Role.ASSISTANT, "a"));
    assertThat(ChatMessage.user("")).extracting(ChatMessage::text).isEqualTo("");
  }
}
