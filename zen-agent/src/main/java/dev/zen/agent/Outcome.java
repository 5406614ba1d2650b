package dev.zen.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a call produced before the response node turns it into a {@link ToolResult}.
 *
 * @param status the result's status ({@code success}, {@code error}, {@code resend_prompt}, ...)
 * @param content the answer text
 * @param extra tool-specific structured content (JSON-like)
 * @param error whether the call failed
 * @param model the model that answered, stored with the turn
 * @param remember whether the exchange is stored as turns of the conversation
 * @param toolState what the tool keeps on the thread for its next call (a workflow's steps and
 *     findings), stored with the turns when {@code remember} is set; empty keeps the previous
 */
record Outcome(String status, String content, Map<String, Object> extra, boolean error, @Nullable String model,
    boolean remember, Map<String, Object> toolState) {

  Outcome {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(content, "content");
    extra = new LinkedHashMap<>(extra);
    toolState = new LinkedHashMap<>(toolState);
  }

  Outcome(String status, String content, Map<String, Object> extra, boolean error, @Nullable String model,
      boolean remember) {
    this(status, content, extra, error, model, remember, Map.of());
  }

  static Outcome answer(String content, @Nullable String model, Map<String, Object> extra) {
    return new Outcome("success", content, extra, false, model, true);
  }

  static Outcome error(String message) {
    return new Outcome("error", message, Map.of(), true, null, false);
  }

  /** A non-error answer that is not part of the conversation (instructions to the client). */
  static Outcome notice(String status, String content, Map<String, Object> extra) {
    return new Outcome(status, content, extra, false, null, false);
  }

  /** This outcome, also keeping {@code state} on the thread for the tool's next call. */
  Outcome withToolState(Map<String, Object> state) {
    return new Outcome(status, content, extra, error, model, remember, state);
  }
}
