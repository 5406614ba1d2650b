package dev.zen.agent;

import dev.zen.ZenException;
import dev.zen.internal.Futures;
import dev.zen.spi.StateValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a tool's {@link ZenTool#run run} produced; the agent turns it into the {@link ToolResult}
 * (adding the continuation footer, the files report, the tool name) and, when
 * {@link #remembered()}, stores the exchange as two turns of the conversation. Immutable: the
 * {@code with...} methods return changed copies.
 */
public final class ToolOutcome {
  private final String status;
  private final String content;
  private final Map<String, Object> extra;
  private final boolean error;
  private final @Nullable String model;
  private final boolean remembered;
  private final @Nullable Map<String, Object> state;
  private final @Nullable String structuredText;

  private ToolOutcome(String status, String content, Map<String, Object> extra, boolean error, @Nullable String model,
      boolean remembered, @Nullable Map<String, Object> state) {
    this(status, content, extra, error, model, remembered, state, null);
  }

  private ToolOutcome(String status, String content, Map<String, Object> extra, boolean error, @Nullable String model,
      boolean remembered, @Nullable Map<String, Object> state, @Nullable String structuredText) {
    this.status = Objects.requireNonNull(status, "status");
    if (status.isBlank()) {
      throw new IllegalArgumentException("status must not be blank");
    }
    this.content = Objects.requireNonNull(content, "content");
    this.extra = extra;
    this.error = error;
    this.model = model;
    this.remembered = remembered;
    this.state = state;
    this.structuredText = structuredText;
  }

  /** A model's answer: status {@code success}, stored in the conversation. */
  public static ToolOutcome answer(String content, @Nullable String model) {
    return new ToolOutcome("success", content, Map.of(), false, model, true, null);
  }

  /** A failed call: status {@code error}, not stored; {@code message} says what to do. */
  public static ToolOutcome error(String message) {
    return new ToolOutcome("error", message, Map.of(), true, null, false, null);
  }

  /**
   * A failed model call, in words that say whether calling again can help: a temporary failure
   * (timeout, rate limit, outage) invites a retry; a refused request (authentication, a bad or too
   * long request, an unknown model, an empty or filtered answer) says to change something instead.
   */
  public static ToolOutcome modelFailure(String model, Throwable failure) {
    Throwable cause = Futures.unwrap(failure);
    return error("The model '" + model + "' failed: " + Futures.describe(cause) + ". " + (ZenException.isRetriable(cause)
        ? "This is likely temporary: try again, or choose another model (see listmodels)."
        : "Calling again the same way will not help: change the request or choose another model (see listmodels)."));
  }

  /**
   * A non-error answer with its own status that is not part of the conversation (instructions to
   * the client, a listing); {@link #remembered(boolean)} changes that.
   */
  public static ToolOutcome notice(String status, String content) {
    return new ToolOutcome(status, content, Map.of(), false, null, false, null);
  }

  /** This outcome with tool-specific structured content added (JSON-like values; later keys win). */
  public ToolOutcome withExtra(Map<String, ?> more) {
    Map<String, Object> merged = new LinkedHashMap<>(extra);
    more.forEach((key, value) -> merged.put(Objects.requireNonNull(key, "key"), value));
    @SuppressWarnings("unchecked")
    Map<String, Object> frozen = (Map<String, Object>) (Map<String, ?>) StateValues.freezeMap(merged);
    return new ToolOutcome(status, content, frozen, error, model, remembered, state, structuredText);
  }

  /** This outcome, stored in the conversation or not. */
  public ToolOutcome remembered(boolean remember) {
    return new ToolOutcome(status, content, extra, error, model, remember, state, structuredText);
  }

  /**
   * This outcome, also replacing the tool's state on the thread (kept only when the outcome is
   * {@linkplain #remembered() remembered}, so a rejected step leaves the previous state).
   */
  public <T> ToolOutcome withState(T value, ToolStateCodec<T> codec) {
    @SuppressWarnings("unchecked")
    Map<String, Object> encoded = (Map<String, Object>) (Map<String, ?>) StateValues.freezeMap(
        Objects.requireNonNull(codec.encode(Objects.requireNonNull(value, "value")), "encoded state"));
    return new ToolOutcome(status, content, extra, error, model, remembered, encoded, structuredText);
  }

  /**
   * This outcome with a shorter text for the structured content's {@code content} field, when the
   * answer text repeats what other structured fields already hold (a consensus's individual
   * answers, a workflow's required actions or parsed expert analysis). Clients read either the
   * text or the structured content; neither should carry the same long passage twice.
   */
  public ToolOutcome withStructuredText(String text) {
    return new ToolOutcome(status, content, extra, error, model, remembered, state,
        Objects.requireNonNull(text, "text"));
  }

  /** What the structured content's {@code content} field holds: {@link #withStructuredText} or the content. */
  public String structuredText() {
    return structuredText == null ? content : structuredText;
  }

  /** {@code success}, {@code error}, or a tool's own status ({@code challenge_accepted}, ...). */
  public String status() {
    return status;
  }

  /** The answer text, without the footer the agent adds. */
  public String content() {
    return content;
  }

  /** Tool-specific structured content. */
  public Map<String, Object> extra() {
    return extra;
  }

  public boolean isError() {
    return error;
  }

  /** The model that answered, stored with the turn. */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /** Whether the exchange is stored as two turns of the conversation. */
  public boolean remembered() {
    return remembered;
  }

  /** The encoded tool state to keep on the thread, if the tool set one. */
  Optional<Map<String, Object>> state() {
    return Optional.ofNullable(state);
  }

  @Override
  public String toString() {
    return "ToolOutcome[" + status + (error ? ", error" : "") + (remembered ? ", remembered" : "") + ", "
        + content.length() + " chars]";
  }
}
