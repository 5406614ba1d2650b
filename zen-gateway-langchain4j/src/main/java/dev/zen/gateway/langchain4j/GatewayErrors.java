package dev.zen.gateway.langchain4j;

import dev.zen.internal.Checks;
import dev.zen.internal.Futures;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.zen.AuthenticationException;
import dev.zen.ContextLengthExceededException;
import dev.zen.InvalidRequestException;
import dev.zen.ModelNotFoundException;
import dev.zen.NonRetriableException;
import dev.zen.OperationTimeoutException;
import dev.zen.RateLimitedException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns what langchain4j and the JDK HTTP client throw into Zen's exceptions, with messages that
 * name the endpoint and the model and say what to do.
 */
final class GatewayErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String where;
  private final String keyHint;
  private final @Nullable Duration requestTimeout;

  /**
   * @param where the endpoint as a phrase ("the gateway at http://host/v1")
   * @param keyHint what to do about rejected credentials
   * @param requestTimeout the HTTP request timeout, reported when it elapses
   */
  GatewayErrors(String where, String keyHint, @Nullable Duration requestTimeout) {
    this.where = where;
    this.keyHint = keyHint;
    this.requestTimeout = requestTimeout;
  }

  String where() {
    return where;
  }

  /** Maps {@code error}, raised by a call for {@code model}; Zen exceptions pass unchanged. */
  ZenException map(Throwable error, String model) {
    Throwable unwrapped = Futures.unwrap(error);
    if (unwrapped instanceof ZenException zen) {
      return zen;
    }
    HttpStatusException status = find(unwrapped, HttpStatusException.class);
    if (status != null) {
      return fromStatus(status.statusCode(), status.body(), retryAfter(status), model, unwrapped);
    }
    HttpException http = find(unwrapped, HttpException.class);
    if (http != null) {
      return fromStatus(http.statusCode(), String.valueOf(http.getMessage()), null, model, unwrapped);
    }
    TruncatedStreamException truncated = find(unwrapped, TruncatedStreamException.class);
    if (truncated != null) {
      return new ServiceUnavailableException(where + " ended the answer stream of model '" + model
          + "' early (after " + truncated.events() + " events, no [DONE]); the answer is incomplete, call again",
          unwrapped);
    }
    if (find(unwrapped, HttpConnectTimeoutException.class) != null) {
      return new ServiceUnavailableException("could not connect to " + where + " in time for model '" + model
          + "'; check that it is running and reachable from this host", unwrapped);
    }
    if (find(unwrapped, HttpTimeoutException.class) != null
        || find(unwrapped, dev.langchain4j.exception.TimeoutException.class) != null) {
      Duration timeout = requestTimeout == null ? Duration.ZERO : requestTimeout;
      return new OperationTimeoutException(where + " did not answer model '" + model + "' within "
          + Checks.describe(timeout) + "; the request was abandoned. Raise the gateway's timeout for slow (reasoning) "
          + "models, or try again", timeout, unwrapped);
    }
    if (find(unwrapped, UnresolvedAddressException.class) != null
        || find(unwrapped, UnknownHostException.class) != null
        || find(unwrapped, UnresolvedModelServerException.class) != null) {
      return new ServiceUnavailableException("the host of " + where + " could not be resolved; check the base URL",
          unwrapped);
    }
    if (find(unwrapped, ConnectException.class) != null) {
      return new ServiceUnavailableException("could not connect to " + where + " (" + rootMessage(unwrapped)
          + "); check that it is running and that the base URL is right", unwrapped);
    }
    JsonProcessingException badJson = find(unwrapped, JsonProcessingException.class);
    if (badJson != null) {
      return new ServiceUnavailableException(where + " answered model '" + model
          + "' with a body that is not valid OpenAI JSON (" + HttpStatusException.abbreviate(
              String.valueOf(badJson.getOriginalMessage())) + "); a proxy in between may be failing, call again",
          unwrapped);
    }
    if (find(unwrapped, IOException.class) != null) {
      return new ServiceUnavailableException("the connection to " + where + " broke during the call to model '"
          + model + "' (" + rootMessage(unwrapped) + "); call again", unwrapped);
    }
    if (unwrapped instanceof dev.langchain4j.exception.AuthenticationException) {
      return new AuthenticationException(where + " rejected the credentials for model '" + model + "'; " + keyHint,
          unwrapped);
    }
    if (unwrapped instanceof dev.langchain4j.exception.RateLimitException) {
      return new RateLimitedException(where + " is rate limiting calls to model '" + model
          + "'; wait, lower the concurrency, or raise the quota", null, unwrapped);
    }
    if (unwrapped instanceof dev.langchain4j.exception.ModelNotFoundException) {
      return modelNotFound(model, rootMessage(unwrapped), unwrapped);
    }
    if (unwrapped instanceof dev.langchain4j.exception.InvalidRequestException) {
      return invalidRequest(400, rootMessage(unwrapped), model, unwrapped);
    }
    if (unwrapped instanceof dev.langchain4j.exception.RetriableException
        || unwrapped instanceof dev.langchain4j.exception.InternalServerException) {
      return new ServiceUnavailableException(where + " failed the call to model '" + model + "' ("
          + rootMessage(unwrapped) + "); call again", unwrapped);
    }
    return new NonRetriableException("the call to model '" + model + "' on " + where + " failed unexpectedly: "
        + rootMessage(unwrapped), unwrapped);
  }

  private ZenException fromStatus(int status, String body, @Nullable Duration retryAfter, String model,
      Throwable cause) {
    ProviderError provider = ProviderError.parse(body);
    String detail = "HTTP " + status + (provider.message().isEmpty() ? "" : ": " + provider.message());
    if (status == 401) {
      return new AuthenticationException(where + " rejected the API key (" + detail + "); " + keyHint, cause);
    }
    if (status == 403) {
      return new AuthenticationException(where + " refused model '" + model + "' for this API key (" + detail
          + "); use a key that is allowed to call it, or pick another model", cause);
    }
    if (status == 429) {
      if (provider.mentions("insufficient_quota")) {
        return new NonRetriableException(where + " has no quota left for this API key (" + detail
            + "); add credit or use another key", cause);
      }
      String when = retryAfter == null ? "later" : "after " + Checks.describe(retryAfter);
      return new RateLimitedException(where + " is rate limiting calls to model '" + model + "' (" + detail
          + "); retry " + when + ", lower the concurrency limit, or raise the quota", retryAfter, cause);
    }
    if (status == 404) {
      if (provider.mentions("model")) {
        return modelNotFound(model, detail, cause);
      }
      return new InvalidRequestException(where + " has no chat-completions endpoint there (" + detail
          + "); check that the base URL ends with the API root, e.g. http://host:4000/v1", cause);
    }
    if (status == 408 || status / 100 == 5) {
      return new ServiceUnavailableException(where + " failed on its side for model '" + model + "' (" + detail
          + "); call again later", cause);
    }
    return invalidRequest(status, detail, model, cause);
  }

  private ZenException invalidRequest(int status, String detail, String model, Throwable cause) {
    String lower = detail.toLowerCase(Locale.ROOT);
    if (lower.contains("context_length") || lower.contains("context length") || lower.contains("context window")
        || lower.contains("maximum context") || lower.contains("too many tokens")
        || lower.contains("prompt is too long")) {
      return new ContextLengthExceededException(where + " says the prompt for model '" + model
          + "' does not fit its context window (" + detail
          + "); shorten the conversation, send fewer files, or pick a model with a larger window", cause);
    }
    if (lower.contains("model_not_found") || lower.contains("does not exist") || lower.contains("unknown model")
        || lower.contains("invalid model")) {
      return modelNotFound(model, detail, cause);
    }
    return new InvalidRequestException(where + " rejected the request to model '" + model + "' (" + detail
        + (status == 400 ? "" : ", status " + status)
        + "); check the parameters this model accepts (temperature, max tokens) and the message contents", cause);
  }

  private ZenException modelNotFound(String model, String detail, Throwable cause) {
    return new ModelNotFoundException(where + " does not serve model '" + model + "' (" + detail
        + "); list the models it serves (GET /v1/models, or the listmodels tool) and pick one of them", model,
        List.of(), cause);
  }

  /**
   * The wait a 429 asked for: {@code retry-after-ms} (OpenAI's millisecond header) when present,
   * else {@code Retry-After} as seconds or an HTTP date.
   */
  static @Nullable Duration retryAfter(HttpStatusException status) {
    Optional<String> millis = status.header("retry-after-ms");
    if (millis.isPresent()) {
      try {
        return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.get().trim())));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    Optional<String> header = status.header("retry-after");
    if (header.isEmpty()) {
      return null;
    }
    String value = header.get().trim();
    try {
      return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(value) * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  private static @Nullable <T extends Throwable> T find(Throwable error, Class<T> type) {
    Throwable current = error;
    for (int depth = 0; current != null && depth < 20; depth++) {
      if (type.isInstance(current)) {
        return type.cast(current);
      }
      current = current.getCause();
    }
    return null;
  }

  private static String rootMessage(Throwable error) {
    Throwable current = error;
    while (current.getCause() != null && current.getCause() != current) {
      current = current.getCause();
    }
    String message = current.getMessage();
    return message == null || message.isBlank() ? current.getClass().getSimpleName()
        : HttpStatusException.abbreviate(message);
  }

  /** The {@code {"error": {"message", "code", "type"}}} body OpenAI-compatible servers send. */
  private record ProviderError(String message, String raw) {
    static ProviderError parse(String body) {
      try {
        JsonNode root = JSON.readTree(body);
        JsonNode error = root == null ? null : root.get("error");
        if (error != null && error.isObject()) {
          String message = error.path("message").asText("");
          String code = error.path("code").asText("");
          String type = error.path("type").asText("");
          String joined = message + (code.isEmpty() ? "" : " [" + code + "]")
              + (type.isEmpty() || type.equals(code) ? "" : " [" + type + "]");
          return new ProviderError(HttpStatusException.abbreviate(joined.trim()), body);
        }
        if (error != null && error.isTextual()) {
          return new ProviderError(HttpStatusException.abbreviate(error.asText()), body);
        }
      } catch (IOException | RuntimeException notJson) {
        // fall back to the raw text below
      }
      return new ProviderError(HttpStatusException.abbreviate(body), body);
    }

    boolean mentions(String word) {
      return raw.toLowerCase(Locale.ROOT).contains(word);
    }
  }
}
