package dev.zen.gateway.langchain4j;

import dev.zen.gateway.internal.JsonMappers;
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
import dev.zen.gateway.SettingNames;
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
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns what langchain4j and the JDK HTTP client throw into Zen's exceptions, with messages that
 * name the endpoint and the model and say what to do, in the words of their reader
 * ({@link SettingNames}: builder methods for embedders, an application's variables for its users).
 */
final class GatewayErrors {
  private static final ObjectMapper JSON = JsonMappers.create();

  private final String where;
  private final String keyHint;
  private final SettingNames names;
  private final @Nullable Duration connectTimeout;
  private final @Nullable Duration firstByteTimeout;

  /**
   * @param where the endpoint as a phrase ("the gateway at http://host/v1")
   * @param keyHint what to do about rejected credentials
   * @param requestTimeout the HTTP request (first-byte) timeout, reported when it elapses
   */
  GatewayErrors(String where, String keyHint, @Nullable Duration requestTimeout) {
    this(where, keyHint, SettingNames.builderMethods(), null, requestTimeout);
  }

  GatewayErrors(String where, String keyHint, SettingNames names, @Nullable Duration connectTimeout,
      @Nullable Duration firstByteTimeout) {
    this.where = where;
    this.keyHint = keyHint;
    this.names = names;
    this.connectTimeout = connectTimeout;
    this.firstByteTimeout = firstByteTimeout;
  }

  String where() {
    return where;
  }

  /** How the reader names {@code setting}, or {@code fallback} when they cannot change it. */
  private String name(SettingNames.Setting setting, String fallback) {
    return names.of(setting).orElse(fallback);
  }

  /** "{@code verb} X for {@code why}, or " when the reader can change X, else "". */
  private String advice(String verb, SettingNames.Setting setting, String why) {
    return names.of(setting).map(name -> verb + " " + name + " " + why + ", or ").orElse("");
  }

  /** Maps {@code error}, raised by a call for {@code model}; Zen exceptions pass unchanged. */
  ZenException map(Throwable error, String model) {
    Throwable unwrapped = Futures.unwrap(error);
    if (unwrapped instanceof ZenException zen) {
      return zen;
    }
    RedirectException redirect = find(unwrapped, RedirectException.class);
    if (redirect != null) {
      return redirected(redirect, model, unwrapped);
    }
    InBandErrorException inBand = find(unwrapped, InBandErrorException.class);
    if (inBand != null) {
      String detail = "an error inside its 200 answer"
          + (inBand.deliveredChars() > 0 ? " after " + inBand.deliveredChars() + " characters of text" : "")
          + ": " + inBand.description();
      return fromStatus(inBand.status().orElseGet(() -> statusNamedBy(inBand.words())), detail, inBand.words(),
          null, model, inBand);
    }
    UnusableAnswerException unusable = find(unwrapped, UnusableAnswerException.class);
    if (unusable != null) {
      return unusable(unusable, model);
    }
    IdleTimeoutException idle = find(unwrapped, IdleTimeoutException.class);
    if (idle != null) {
      return new OperationTimeoutException(where + " stopped sending the answer of model '" + model + "' for "
          + Checks.describe(idle.timeout()) + " (the idle timeout, "
          + (idle.receivedBytes() > 0 ? "after " + idle.receivedBytes() + " bytes" : "right after its headers")
          + "); the request was abandoned. " + advice("Raise", SettingNames.Setting.IDLE_TIMEOUT,
              "for models that think long without sending anything") + "call again", idle.timeout(), unwrapped);
    }
    HttpStatusException status = find(unwrapped, HttpStatusException.class);
    if (status != null) {
      ProviderError provider = ProviderError.parse(status.body());
      String detail = "HTTP " + status.statusCode() + (provider.message().isEmpty() ? "" : ": " + provider.message());
      return fromStatus(status.statusCode(), detail, provider.raw(), retryAfter(status), model, unwrapped);
    }
    HttpException http = find(unwrapped, HttpException.class);
    if (http != null) {
      String body = String.valueOf(http.getMessage());
      ProviderError provider = ProviderError.parse(body);
      String detail = "HTTP " + http.statusCode() + (provider.message().isEmpty() ? "" : ": " + provider.message());
      return fromStatus(http.statusCode(), detail, provider.raw(), null, model, unwrapped);
    }
    TruncatedStreamException truncated = find(unwrapped, TruncatedStreamException.class);
    if (truncated != null) {
      return new ServiceUnavailableException(where + " ended the answer stream of model '" + model
          + "' early (after " + truncated.events() + " events, no [DONE] and no finish reason); the answer is "
          + "incomplete, call again", unwrapped);
    }
    if (find(unwrapped, HttpConnectTimeoutException.class) != null) {
      return new ServiceUnavailableException("could not connect to " + where + " in time"
          + (connectTimeout == null ? "" : " (" + Checks.describe(connectTimeout) + ")") + " for model '" + model
          + "'; check that it is running and reachable from this host, "
          + advice("raise", SettingNames.Setting.CONNECT_TIMEOUT, "for a slow network") + "call again", unwrapped);
    }
    if (find(unwrapped, HttpTimeoutException.class) != null
        || find(unwrapped, dev.langchain4j.exception.TimeoutException.class) != null) {
      Duration timeout = firstByteTimeout == null ? Duration.ZERO : firstByteTimeout;
      return new OperationTimeoutException(where + " did not start answering model '" + model + "' within "
          + Checks.describe(timeout) + " (the first-byte timeout); the request was abandoned. "
          + advice("Raise", SettingNames.Setting.FIRST_BYTE_TIMEOUT, "for slow (reasoning) models") + "try again",
          timeout, unwrapped);
    }
    if (find(unwrapped, UnresolvedAddressException.class) != null
        || find(unwrapped, UnknownHostException.class) != null
        || find(unwrapped, UnresolvedModelServerException.class) != null) {
      return new ServiceUnavailableException("the host of " + where + " could not be resolved; check "
          + name(SettingNames.Setting.BASE_URL, "the base URL"), unwrapped);
    }
    if (find(unwrapped, ConnectException.class) != null) {
      return new ServiceUnavailableException("could not connect to " + where + " (" + rootMessage(unwrapped)
          + "); check that it is running and that " + name(SettingNames.Setting.BASE_URL, "the base URL")
          + " is right", unwrapped);
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

  private ZenException fromStatus(int status, String detail, String raw, @Nullable Duration retryAfter, String model,
      Throwable cause) {
    String lower = raw.toLowerCase(Locale.ROOT);
    if (status == 401) {
      return new AuthenticationException(where + " rejected the API key (" + detail + "); " + keyHint, cause);
    }
    if (status == 403) {
      return new AuthenticationException(where + " refused model '" + model + "' for this API key (" + detail
          + "); use a key that is allowed to call it, or pick another model", cause);
    }
    if (status == 402 || lower.contains("insufficient_quota")) {
      return new NonRetriableException(where + " has no quota left for this API key (" + detail
          + "); add credit or use another key", cause);
    }
    if (status == 429) {
      String when = retryAfter == null ? "later" : "after " + Checks.describe(retryAfter);
      return new RateLimitedException(where + " is rate limiting calls to model '" + model + "' (" + detail
          + "); retry " + when + ", " + names.of(SettingNames.Setting.MAX_CONCURRENT_CALLS)
              .map(name -> "lower " + name + ", ").orElse("send fewer calls at once, ")
          + "or raise the quota", retryAfter, cause);
    }
    if (status == 404) {
      if (lower.contains("model")) {
        return modelNotFound(model, detail, cause);
      }
      return new InvalidRequestException(where + " has no chat-completions endpoint there (" + detail
          + "); check that " + name(SettingNames.Setting.BASE_URL, "the base URL")
          + " is the API root, e.g. http://host:4000/v1", cause);
    }
    if (status == 408 || status / 100 == 5) {
      return new ServiceUnavailableException(where + " failed on its side for model '" + model + "' (" + detail
          + "); call again later", cause);
    }
    return invalidRequest(status, detail, model, cause);
  }

  /** The HTTP status an error inside a 200 answer stands for, from its words (code, type, message). */
  static int statusNamedBy(String words) {
    if (words.contains("insufficient_quota")) {
      return 429;
    }
    if (words.contains("context_length") || words.contains("context length") || words.contains("context window")
        || words.contains("maximum context") || words.contains("too many tokens")
        || words.contains("prompt is too long")) {
      return 400;
    }
    if (words.contains("rate_limit") || words.contains("rate limit") || words.contains("ratelimit")
        || words.contains("too many requests") || words.contains("resource_exhausted")) {
      return 429;
    }
    if (words.contains("invalid_api_key") || words.contains("invalid api key") || words.contains("incorrect api key")
        || words.contains("authentication") || words.contains("unauthorized") || words.contains("unauthenticated")) {
      return 401;
    }
    if (words.contains("permission") || words.contains("forbidden")) {
      return 403;
    }
    if (words.contains("model_not_found") || words.contains("model not found")) {
      return 404;
    }
    if (words.contains("invalid_request") || words.contains("bad request") || words.contains("invalid_argument")) {
      return 400;
    }
    // Server errors, overloads, and what no word identifies: the endpoint failed on its side.
    return 500;
  }

  private ZenException redirected(RedirectException redirect, String model, Throwable cause) {
    String to = redirect.target() == null ? "an address it did not give (no usable Location)"
        : Urls.redact(Objects.requireNonNull(redirect.target()));
    String baseUrl = name(SettingNames.Setting.BASE_URL, "the base URL");
    if (redirect.tooMany()) {
      return new NonRetriableException(where + " redirected model '" + model + "' more than "
          + ZenHttpClient.MAX_REDIRECTS + " times (the last time to " + to + "); set " + baseUrl
          + " to the endpoint itself", cause);
    }
    StringBuilder message = new StringBuilder(where).append(" answered model '").append(model).append("' with HTTP ")
        .append(redirect.status()).append(", a redirect to ").append(to)
        .append(". Zen does not follow redirects of API calls, so the API key and the prompt never go to an address "
            + "you did not configure");
    if (redirect.status() == 303) {
      message.append(" (and a 303 would turn the call into a GET the API cannot answer)");
    }
    message.append(". If that address is the endpoint, set ").append(baseUrl).append(" to it");
    if (redirect.sameOrigin() && redirect.status() != 303) {
      names.of(SettingNames.Setting.SAME_ORIGIN_REDIRECTS).ifPresent(name ->
          message.append(", or allow redirects within the same origin with ").append(name));
    }
    return new NonRetriableException(message.toString(), cause);
  }

  private ZenException unusable(UnusableAnswerException unusable, String model) {
    String finish = unusable.finishReason() == null ? "" : ", finish_reason " + unusable.finishReason();
    return switch (unusable.reason()) {
      case NO_CHOICES -> new NonRetriableException(where + " answered model '" + model + "' with no choices (\"choices\" "
          + "missing or empty), so there is no answer: the endpoint or the provider behind it dropped it. Pick "
          + "another model, or look at the endpoint's logs", unusable);
      case NO_TEXT -> new NonRetriableException(where + " answered model '" + model + "' with no text ("
          + unusable.detail() + finish + "); rephrase the request or pick another model", unusable);
      case TOOL_CALLS_ONLY -> new NonRetriableException("model '" + model + "' on " + where
          + " answered only with tool calls (" + unusable.detail() + ") and no text; Zen offers it no tools, so "
          + "there is nothing to show. Rephrase the request so it asks for a written answer, or pick another model",
          unusable);
      case REASONING_ONLY -> new NonRetriableException("model '" + model + "' on " + where + " only reasoned ("
          + unusable.chars() + " characters of reasoning" + finish + ") and gave no answer"
          + ("length".equals(unusable.finishReason())
              ? "; it reached its output limit while thinking: allow more output tokens or use a lower thinking mode"
              : "; rephrase the request, use a lower thinking mode, or pick another model"), unusable);
      case CONTENT_FILTER -> new NonRetriableException("the content filter of " + where + " withheld the answer of "
          + "model '" + model + "' (finish_reason content_filter"
          + (unusable.chars() > 0 ? ", after " + unusable.chars() + " characters" : "")
          + "); rephrase the request or pick another model", unusable);
      case NOT_AN_ANSWER -> new NonRetriableException(where + " answered model '" + model + "' with "
          + unusable.detail() + " instead of an OpenAI answer; check that "
          + name(SettingNames.Setting.BASE_URL, "the base URL") + " is the API root (for example "
          + "http://localhost:4000/v1) and that no proxy or login page sits in between", unusable);
    };
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
