package dev.zen.gateway.langchain4j;

import dev.zen.gateway.AnsweredFailure;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * An answer the endpoint completed (status 200) that holds no text a caller can use: no choices,
 * no content, only tool calls or reasoning, withheld by a content filter, or not an OpenAI answer
 * at all (an HTML page).
 */
final class UnusableAnswerException extends IOException implements AnsweredFailure {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the answer. */
  enum Reason {
    /** {@code choices} missing or empty. */
    NO_CHOICES,
    /** A choice without text ({@code content} null or empty) and nothing else. */
    NO_TEXT,
    /** Tool calls and no text. */
    TOOL_CALLS_ONLY,
    /** Reasoning and no text. */
    REASONING_ONLY,
    /** {@code finish_reason: "content_filter"}. */
    CONTENT_FILTER,
    /** Not an OpenAI answer: HTML or other text. */
    NOT_AN_ANSWER
  }

  private final Reason reason;
  private final String detail;
  private final @Nullable String finishReason;
  private final long chars;

  /**
   * @param detail what the message adds: the tool names, the content type and title of a page
   * @param chars characters of text (answer, or reasoning for {@link Reason#REASONING_ONLY}) that came
   */
  UnusableAnswerException(Reason reason, String detail, @Nullable String finishReason, long chars) {
    super(reason + (detail.isEmpty() ? "" : " (" + detail + ")")
        + (finishReason == null ? "" : ", finish_reason " + finishReason) + ", " + chars + " characters");
    this.reason = reason;
    this.detail = detail;
    this.finishReason = finishReason;
    this.chars = chars;
  }

  Reason reason() {
    return reason;
  }

  String detail() {
    return detail;
  }

  @Nullable String finishReason() {
    return finishReason;
  }

  long chars() {
    return chars;
  }
}
