package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.exception.HttpException;
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
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class GatewayErrorsTest {
  private static final URI URL = URI.create("http://llm.example:4000/v1/chat/completions");
  private final GatewayErrors errors = new GatewayErrors("the gateway at http://llm.example:4000/v1",
      "pass a valid key with apiKey(...)", Duration.ofSeconds(30));

  @Test
  void a_401_says_the_key_was_rejected_and_how_to_set_one() {
    ZenException mapped = errors.map(status(401, "{\"error\":{\"message\":\"Incorrect API key\",\"code\":\"invalid_api_key\"}}"),
        "gpt-5");

    assertThat(mapped).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("the gateway at http://llm.example:4000/v1 rejected the API key")
        .hasMessageContaining("Incorrect API key")
        .hasMessageContaining("apiKey(...)");
    assertThat(mapped.isRetriable()).isFalse();
  }

  @Test
  void a_429_carries_retry_after_in_seconds_or_milliseconds() {
    RateLimitedException seconds = (RateLimitedException) errors.map(status(429, "{}", "Retry-After", "3"), "o3");
    RateLimitedException millis = (RateLimitedException) errors.map(
        status(429, "{}", "Retry-After", "1", "retry-after-ms", "250"), "o3");

    assertThat(seconds.retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(seconds).hasMessageContaining("retry after 3 s");
    assertThat(millis.retryAfter()).contains(Duration.ofMillis(250));
  }

  @Test
  void a_429_retry_after_may_be_an_http_date() {
    String inTwoSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(5));

    RateLimitedException mapped = (RateLimitedException) errors.map(status(429, "", "Retry-After", inTwoSeconds), "o3");

    assertThat(mapped.retryAfter()).hasValueSatisfying(wait ->
        assertThat(wait).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(5)));
  }

  @Test
  void an_exhausted_quota_is_not_retriable() {
    ZenException mapped = errors.map(status(429,
        "{\"error\":{\"message\":\"You exceeded your current quota\",\"code\":\"insufficient_quota\"}}"), "gpt-5");

    assertThat(mapped).isInstanceOf(NonRetriableException.class).hasMessageContaining("no quota left");
  }

  @Test
  void a_400_about_context_length_becomes_context_length_exceeded() {
    ZenException mapped = errors.map(status(400,
        "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\","
            + "\"code\":\"context_length_exceeded\"}}"), "gpt-4.1");

    assertThat(mapped).isInstanceOf(ContextLengthExceededException.class)
        .hasMessageContaining("does not fit its context window")
        .hasMessageContaining("pick a model with a larger window");
  }

  @Test
  void an_unknown_model_and_a_wrong_url_are_told_apart_on_404() {
    ZenException model = errors.map(status(404,
        "{\"error\":{\"message\":\"The model `gpt-9` does not exist\",\"code\":\"model_not_found\"}}"), "gpt-9");
    ZenException url = errors.map(status(404, "<html>Not Found</html>"), "gpt-5");

    assertThat(model).isInstanceOf(ModelNotFoundException.class).hasMessageContaining("does not serve model 'gpt-9'");
    assertThat(((ModelNotFoundException) model).model()).isEqualTo("gpt-9");
    assertThat(url).isInstanceOf(InvalidRequestException.class).hasMessageContaining("check that the base URL");
  }

  @Test
  void a_5xx_is_a_retriable_unavailable_service() {
    ZenException mapped = errors.map(new CompletionException(status(502, "bad gateway")), "gpt-5");

    assertThat(mapped).isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("HTTP 502");
    assertThat(mapped.isRetriable()).isTrue();
  }

  @Test
  void other_4xx_are_invalid_requests_naming_the_model() {
    ZenException mapped = errors.map(status(422, "{\"error\":{\"message\":\"temperature must be <= 1\"}}"), "sonnet");

    assertThat(mapped).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("rejected the request to model 'sonnet'")
        .hasMessageContaining("temperature must be <= 1");
  }

  @Test
  void langchain4j_http_exceptions_without_headers_map_by_status() {
    ZenException mapped = errors.map(new dev.langchain4j.exception.RateLimitException(new HttpException(429, "slow down")),
        "gpt-5");

    assertThat(mapped).isInstanceOf(RateLimitedException.class);
    assertThat(((RateLimitedException) mapped).retryAfter()).isEmpty();
  }

  @Test
  void refused_connections_broken_connections_and_timeouts_are_retriable() {
    ZenException refused = errors.map(new RuntimeException(new ConnectException("Connection refused")), "gpt-5");
    ZenException broken = errors.map(new UncheckedIOException(new IOException("Connection reset")), "gpt-5");
    ZenException timedOut = errors.map(
        new dev.langchain4j.exception.TimeoutException(new HttpTimeoutException("request timed out")), "gpt-5");

    assertThat(refused).isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("could not connect");
    assertThat(broken).isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("Connection reset");
    assertThat(timedOut).isInstanceOfSatisfying(OperationTimeoutException.class,
        e -> assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(30)));
  }

  @Test
  void a_stream_without_done_is_reported_as_incomplete() {
    ZenException mapped = errors.map(new UncheckedIOException(new TruncatedStreamException(URL, 7)), "gpt-5");

    assertThat(mapped).isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("ended the answer stream of model 'gpt-5' early (after 7 events");
  }

  @Test
  void zen_exceptions_pass_through_unchanged() {
    AuthenticationException original = new AuthenticationException("already mapped", null);

    assertThat(errors.map(new CompletionException(original), "gpt-5")).isSameAs(original);
  }

  private static HttpStatusException status(int code, String body, String... headers) {
    Map<String, List<String>> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], List.of(headers[i + 1]));
    }
    return new HttpStatusException(code, body, map, URL);
  }
}
