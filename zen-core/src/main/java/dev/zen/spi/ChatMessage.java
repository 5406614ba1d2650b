package dev.zen.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One message of a chat: who said it and what, as content parts (text, and images in user
 * messages). Most messages are one text part, which the {@code String} constructor and the
 * factories build.
 *
 * @param role the author
 * @param parts the content, in order; at least one part; images only in {@link Role#USER} messages
 */
public record ChatMessage(Role role, List<ContentPart> parts) {

  /** The author of a message. */
  public enum Role {
    SYSTEM,
    USER,
    ASSISTANT
  }

  public ChatMessage {
    Objects.requireNonNull(role, "role");
    parts = List.copyOf(Objects.requireNonNull(parts, "parts"));
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a " + role + " message needs at least one part");
    }
    if (role != Role.USER && parts.stream().anyMatch(ContentPart.Image.class::isInstance)) {
      throw new IllegalArgumentException("only user messages carry images; this one is " + role);
    }
  }

  /** A message of one text part. */
  public ChatMessage(Role role, String text) {
    this(role, List.of(new ContentPart.Text(text)));
  }

  public static ChatMessage system(String text) {
    return new ChatMessage(Role.SYSTEM, text);
  }

  public static ChatMessage user(String text) {
    return new ChatMessage(Role.USER, text);
  }

  /** A user message of {@code text} followed by {@code images}. */
  public static ChatMessage user(String text, List<ContentPart.Image> images) {
    List<ContentPart> parts = new ArrayList<>(1 + images.size());
    parts.add(new ContentPart.Text(text));
    parts.addAll(images);
    return new ChatMessage(Role.USER, parts);
  }

  public static ChatMessage assistant(String text) {
    return new ChatMessage(Role.ASSISTANT, text);
  }

  /** The text parts, concatenated in order ({@code ""} when the message holds only images). */
  public String text() {
    if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text only) {
      return only.text();
    }
    StringBuilder text = new StringBuilder();
    for (ContentPart part : parts) {
      if (part instanceof ContentPart.Text piece) {
        text.append(piece.text());
      }
    }
    return text.toString();
  }

  /** The image parts, in order. */
  public List<ContentPart.Image> images() {
    return parts.stream().filter(ContentPart.Image.class::isInstance).map(ContentPart.Image.class::cast).toList();
  }
}
