package dev.zen.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.spi.ChatMessage.Role;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatMessageTest {

  @Test
  void a_missing_role_or_text_is_rejected_by_name() {
    assertThatThrownBy(() -> new ChatMessage(null, "hi"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("role");
    assertThatThrownBy(() -> new ChatMessage(Role.USER, (String) null))
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

  @Test
  void a_user_message_carries_text_then_images_in_order() {
    ContentPart.Image png = ContentPart.Image.of(new byte[] {1, 2, 3}, "image/png");
    ContentPart.Image remote = new ContentPart.Image(URI.create("https://example.com/a.jpg"));

    ChatMessage message = ChatMessage.user("what is in these?", List.of(png, remote));

    assertThat(message.parts()).containsExactly(new ContentPart.Text("what is in these?"), png, remote);
    assertThat(message.text()).isEqualTo("what is in these?");
    assertThat(message.images()).containsExactly(png, remote);
    assertThat(png.inline()).isTrue();
    assertThat(png.mediaType()).hasValue("image/png");
    assertThat(png.base64Data()).hasValue(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
    assertThat(remote.inline()).isFalse();
    assertThat(remote.mediaType()).isEmpty();
  }

  @Test
  void images_belong_only_to_user_messages_and_a_message_is_never_empty() {
    ContentPart.Image png = ContentPart.Image.of(new byte[] {1}, "image/png");
    assertThatThrownBy(() -> new ChatMessage(Role.ASSISTANT, List.of(png)))
        .hasMessageContaining("only user messages carry images");
    assertThatThrownBy(() -> new ChatMessage(Role.USER, List.of())).hasMessageContaining("at least one part");
  }

  @Test
  void an_image_is_an_http_url_or_a_well_formed_data_uri() {
    assertThatThrownBy(() -> new ContentPart.Image(URI.create("file:///etc/passwd")))
        .hasMessageContaining("not 'file:'");
    assertThatThrownBy(() -> new ContentPart.Image(URI.create("data:text/plain,hello")))
        .hasMessageContaining("data:<media type>;base64,<data>");
    assertThatThrownBy(() -> ContentPart.Image.of(new byte[] {1}, "text/html"))
        .hasMessageContaining("starts with image/");
  }

  @Test
  void an_inline_image_prints_its_size_not_its_bytes() {
    ContentPart.Image big = ContentPart.Image.of(new byte[30_000], "image/png");
    assertThat(big.toString()).isEqualTo("Image[image/png, 40000 base64 chars]");
  }
}
