package dev.zen.gateway.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zen.gateway.AnsweredFailure;
import java.io.IOException;
import java.util.Locale;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * An error the endpoint reported inside an answer it sent with status 200: a
 * {@code {"error": {...}}} event or body (LiteLLM, OpenRouter), an SSE event named {@code error},
 * or a chunk whose {@code finish_reason} is {@code error}. Its words are the endpoint's own.
 */
final class InBandErrorException extends IOException implements AnsweredFailure {
  private static final long serialVersionUID = 1L;

  private final String errorMessage;
  private final String code;
  private final String type;
  private final @Nullable Integer status;
  private final String raw;
  private final long deliveredChars;

  private InBandErrorException(String errorMessage, String code, String type, @Nullable Integer status, String raw,
      long deliveredChars) {
    super("error inside a 200 answer" + (deliveredChars > 0 ? " after " + deliveredChars + " characters" : "")
        + ": " + describe(errorMessage, code, type));
    this.errorMessage = errorMessage;
    this.code = code;
    this.type = type;
    this.status = status;
    this.raw = raw;
    this.deliveredChars = deliveredChars;
  }

  /**
   * From the {@code error} member of an answer: an object with {@code message}, {@code code},
   * {@code type} (and maybe {@code status}), or a bare string; {@code null} when the endpoint
   * only said {@code finish_reason: "error"}.
   */
  static InBandErrorException of(@Nullable JsonNode error, long deliveredChars) {
    if (error == null || error.isNull() || error.isMissingNode()) {
      return new InBandErrorException("the answer ended with finish_reason \"error\" and no explanation", "", "",
          null, "", deliveredChars);
    }
    if (!error.isObject()) {
      return new InBandErrorException(error.asText(), "", "", null, error.toString(), deliveredChars);
    }
    String message = text(error.get("message"));
    String code = text(error.get("code"));
    String type = text(error.get("type"));
    Integer status = status(error.get("status"));
    if (status == null) {
      status = status(error.get("status_code"));
    }
    if (status == null) {
      status = status(error.get("code"));
    }
    if (message.isEmpty()) {
      message = error.toString();
    }
    return new InBandErrorException(message, code, type, status, error.toString(), deliveredChars);
  }

  /** From an SSE event named {@code error} whose data is not JSON. */
  static InBandErrorException ofText(String data, long deliveredChars) {
    return new InBandErrorException(data.isBlank() ? "an error event without text" : data.strip(), "", "", null,
        data, deliveredChars);
  }

  /** The endpoint's own description: its message, then its code and type. */
  String description() {
    return describe(errorMessage, code, type);
  }

  /** The HTTP status the error names, when it names one (OpenRouter's numeric {@code code}). */
  OptionalInt status() {
    return status == null ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /** Everything the endpoint said, lower-cased, for matching the kind of the error. */
  String words() {
    return (errorMessage + " " + code + " " + type + " " + raw).toLowerCase(Locale.ROOT);
  }

  /** Characters of answer text delivered before the error. */
  long deliveredChars() {
    return deliveredChars;
  }

  private static String describe(String message, String code, String type) {
    return HttpStatusException.abbreviate(message + (code.isEmpty() ? "" : " [" + code + "]")
        + (type.isEmpty() || type.equals(code) ? "" : " [" + type + "]"));
  }

  private static String text(@Nullable JsonNode node) {
    return node == null || node.isNull() || node.isContainerNode() ? "" : node.asText("").strip();
  }

  private static @Nullable Integer status(@Nullable JsonNode node) {
    if (node == null) {
      return null;
    }
    String text = node.asText("").strip();
    if (text.matches("[1-5]\\d\\d")) {
      return Integer.parseInt(text);
    }
    return null;
  }
}
