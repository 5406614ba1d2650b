package dev.zen.agent;

import dev.zen.spi.StateValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a tool answered.
 *
 * <p>{@code structuredContent} always holds {@code "status"} ({@code "success"}, {@code "error"},
 * {@code "resend_prompt"}, or a tool's own status such as {@code "challenge_accepted"}) and
 * {@code "content"} (the answer text without the continuation footer); a reply that can be
 * continued also holds {@code "continuation_id"}, which the text repeats in its last line. Tools
 * add their own keys (consensus: {@code "responses"}, files: {@code "files"}).
 *
 * @param text the answer for the client to show or read
 * @param structuredContent the same answer as JSON-like maps and lists; deeply immutable
 * @param isError whether the call failed (bad arguments, unknown thread, model failure); the text
 *     says why and what to do
 * @param continuationId the conversation thread to pass back as {@code continuation_id}, when the
 *     reply can be continued
 */
public record ToolResult(String text, Map<String, Object> structuredContent, boolean isError,
    @Nullable String continuationId) {

  public ToolResult {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(structuredContent, "structuredContent");
    @SuppressWarnings("unchecked")
    Map<String, Object> frozen = (Map<String, Object>) (Map<String, ?>) StateValues.freezeMap(structuredContent);
    structuredContent = frozen;
    if (continuationId != null && continuationId.isBlank()) {
      throw new IllegalArgumentException("continuationId must not be blank");
    }
  }

  /** A failed call: {@code message} says what went wrong and what to do. */
  public static ToolResult error(String message) {
    Map<String, Object> structured = new LinkedHashMap<>();
    structured.put("status", "error");
    structured.put("content", message);
    return new ToolResult(message, structured, true, null);
  }
}
