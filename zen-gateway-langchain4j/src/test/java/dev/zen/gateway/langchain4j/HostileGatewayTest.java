package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.AuthenticationException;
import dev.zen.ContextLengthExceededException;
import dev.zen.NonRetriableException;
import dev.zen.RateLimitedException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.fake.openai.FakeOpenAiServer.Fault;
import dev.zen.fake.openai.FakeOpenAiServer.Fault.EmptyAnswer;
import dev.zen.fake.openai.FakeOpenAiServer.Fault.ErrorPlacement;
import dev.zen.fake.openai.FakeOpenAiServer.RecordedRequest;
import dev.zen.gateway.GatewayResilience;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hostile suite of issue 13 for the OpenAI-compatible gateway: a misbehaving endpoint on
 * loopback (the fake server's faults), each answer asked for both ways (a completion and a
 * stream), and behind {@link GatewayResilience} where retrying would be the bug.
 */
class HostileGatewayTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String ANSWER = "The quick brown fox jumps over the lazy dog";
  private static final String KEY = "sk-secret-key";

  private FakeOpenAiServer server;
  private FakeOpenAiServer elsewhere;
  private OpenAiCompatibleGateway gateway;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.builder().apiKey(KEY).reply("(?i)fox", ANSWER).start();
    elsewhere = FakeOpenAiServer.builder().reply("(?i)fox", "an answer from the wrong host").start();
    gateway = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey(KEY).build();
  }

  @AfterEach
  void stop() {
    gateway.close();
    server.close();
    elsewhere.close();
  }

  /** How a test asks: a completion, or a stream. */
  enum Mode {
    COMPLETE,
    STREAM;

    CompletableFuture<ChatReply> ask(ModelGateway gateway, List<ChatChunk> chunks) {
      ChatRequest request = ChatRequest.of("gpt-5", "the fox, please");
      return this == COMPLETE ? gateway.complete(request) : gateway.stream(request, chunks::add);
    }
  }

  private CompletableFuture<ChatReply> ask(Mode mode) {
    return mode.ask(gateway, new CopyOnWriteArrayList<>());
  }

  private static ThrowableAssertAlternative<?> failure(CompletableFuture<ChatReply> call) {
    return assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class);
  }

  private static ModelGateway resilient(ModelGateway gateway) {
    return GatewayResilience.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(50)).maxRetries(3).build()
        .applyTo(gateway);
  }

  // --- Item 1: redirects ------------------------------------------------------------------------

  static Stream<Arguments> redirectsElsewhere() {
    return Stream.of(301, 302, 303, 307, 308).flatMap(status -> Stream.of(Mode.values())
        .map(mode -> Arguments.of(status, mode)));
  }

  @ParameterizedTest(name = "HTTP {0} to another host, {1}")
  @MethodSource("redirectsElsewhere")
  void a_redirect_to_another_host_is_refused_naming_the_target_and_the_key_never_leaves_the_origin(int status,
      Mode mode) {
    String target = "http://localhost:" + elsewhere.port() + "/v1/chat/completions";
    server.failNext(1, Fault.redirect(status, target));

    failure(ask(mode)).havingCause().isInstanceOf(NonRetriableException.class)
        .withMessageContaining("HTTP " + status).withMessageContaining(target)
        .withMessageNotContaining(KEY);
    assertThat(elsewhere.requests()).isEmpty();
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void a_redirect_is_never_retried_and_never_followed_behind_resilience() {
    server.failNext(5, Fault.redirect(307, "http://localhost:" + elsewhere.port() + "/v1/chat/completions"));

    failure(resilient(gateway).stream(ChatRequest.of("gpt-5", "fox"), chunk -> {})).havingCause()
        .isInstanceOf(NonRetriableException.class);
    assertThat(server.chatRequests()).hasSize(1);
    assertThat(elsewhere.requests()).isEmpty();
  }

  @Test
  void credentials_in_a_redirect_target_are_not_repeated_in_the_error() {
    server.failNext(1, Fault.redirect(302, "http://admin:hunter2@localhost:" + elsewhere.port() + "/v1/x"));

    failure(ask(Mode.COMPLETE)).havingCause().withMessageNotContaining("hunter2")
        .withMessageContaining("localhost:" + elsewhere.port());
  }

  @Test
  void a_signed_redirect_target_has_its_signature_and_key_hidden_in_the_error() {
    // What a gateway fronting object storage answers: a pre-signed URL whose query is the credential.
    server.failNext(1, Fault.redirect(307, "http://localhost:" + elsewhere.port()
        + "/bucket/answer?X-Amz-Credential=AKIDEXAMPLE&X-Amz-Signature=f00dfeed&key=AIzaLEAK&part=2"));

    failure(ask(Mode.COMPLETE)).havingCause().withMessageNotContaining("AKIDEXAMPLE")
        .withMessageNotContaining("f00dfeed").withMessageNotContaining("AIzaLEAK")
        .withMessageContaining("localhost:" + elsewhere.port() + "/bucket/answer?").withMessageContaining("part=2");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Mode.class)
  void a_same_origin_redirect_is_refused_by_default_and_says_how_to_allow_it(Mode mode) {
    server.failNext(1, Fault.redirect(307, "/chat/completions"));

    failure(ask(mode)).havingCause().isInstanceOf(NonRetriableException.class)
        .withMessageContaining(server.baseUrl().replace("/v1", "") + "/chat/completions")
        .withMessageContaining("followSameOriginRedirects");
    assertThat(server.chatRequests()).hasSize(1);
  }

  static Stream<Arguments> sameOriginRedirects() {
    return Stream.of(301, 302, 307, 308).flatMap(status -> Stream.of(Mode.values())
        .map(mode -> Arguments.of(status, mode)));
  }

  @ParameterizedTest(name = "HTTP {0}, {1}")
  @MethodSource("sameOriginRedirects")
  void when_allowed_a_same_origin_redirect_is_followed_with_the_same_method_body_and_key(int status, Mode mode) {
    server.failNext(1, Fault.redirect(status, "/chat/completions"));
    try (OpenAiCompatibleGateway following = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey(KEY)
        .followSameOriginRedirects(true).build()) {

      ChatReply reply = mode.ask(following, new CopyOnWriteArrayList<>()).join();

      assertThat(reply.text()).isEqualTo(ANSWER);
      List<RecordedRequest> requests = server.chatRequests();
      assertThat(requests).hasSize(2);
      assertThat(requests.get(1).path()).isEqualTo("/chat/completions");
      assertThat(requests.get(1).method()).isEqualTo("POST");
      assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
      assertThat(requests.get(1).header("authorization")).contains("Bearer " + KEY);
    }
  }

  @Test
  void allowing_same_origin_redirects_never_lets_the_key_go_to_another_origin_or_follows_a_loop() {
    try (OpenAiCompatibleGateway following = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey(KEY)
        .followSameOriginRedirects(true).build()) {
      server.failNext(1, Fault.redirect(308, "http://localhost:" + elsewhere.port() + "/v1/chat/completions"));
      failure(following.complete(ChatRequest.of("gpt-5", "fox"))).havingCause()
          .isInstanceOf(NonRetriableException.class).withMessageContaining("localhost:" + elsewhere.port());
      server.failNext(1, Fault.redirect(307, "http://user:pw@127.0.0.1:" + server.port() + "/chat/completions"));
      failure(following.complete(ChatRequest.of("gpt-5", "fox"))).havingCause()
          .isInstanceOf(NonRetriableException.class).withMessageNotContaining("pw@");
      server.failNext(20, Fault.redirect(307, "/chat/completions"));
      failure(following.stream(ChatRequest.of("gpt-5", "fox"), chunk -> {})).havingCause()
          .isInstanceOf(NonRetriableException.class).withMessageContaining("more than 5 times");
    }
    assertThat(elsewhere.requests()).isEmpty();
    assertThat(server.chatRequests()).hasSize(2 + 6);
  }

  // --- Item 5: errors inside a 200 answer -------------------------------------------------------

  static Stream<Arguments> errorsInAnswers() {
    return Stream.of(
        Arguments.of(ErrorPlacement.FIRST_THEN_DONE, "rate_limit_exceeded", RateLimitedException.class),
        Arguments.of(ErrorPlacement.FIRST_THEN_DONE, "invalid_api_key", AuthenticationException.class),
        Arguments.of(ErrorPlacement.FIRST_THEN_DONE, "context_length_exceeded", ContextLengthExceededException.class),
        Arguments.of(ErrorPlacement.FIRST_THEN_DONE, "401", AuthenticationException.class),
        Arguments.of(ErrorPlacement.AFTER_CONTENT, "server_error", ServiceUnavailableException.class),
        Arguments.of(ErrorPlacement.AFTER_CONTENT, "429", RateLimitedException.class),
        Arguments.of(ErrorPlacement.FINISH_REASON_ERROR, "502", ServiceUnavailableException.class),
        Arguments.of(ErrorPlacement.NAMED_EVENT, "overloaded", ServiceUnavailableException.class),
        Arguments.of(ErrorPlacement.JSON_BODY, "rate_limit_exceeded", RateLimitedException.class),
        Arguments.of(ErrorPlacement.JSON_BODY, "mystery", ServiceUnavailableException.class),
        Arguments.of(ErrorPlacement.OBJECT_ERROR, "400", dev.zen.InvalidRequestException.class),
        Arguments.of(ErrorPlacement.OBJECT_ERROR, "context_length_exceeded", ContextLengthExceededException.class));
  }

  static Stream<Arguments> errorsInAnswersBothWays() {
    return errorsInAnswers().flatMap(arguments -> Stream.of(Mode.values()).map(mode -> {
      Object[] values = arguments.get();
      return Arguments.of(values[0], values[1], values[2], mode);
    }));
  }

  @ParameterizedTest(name = "{0} {1}, {3}")
  @MethodSource("errorsInAnswersBothWays")
  void an_error_inside_a_200_answer_fails_the_call_with_the_kind_it_names_and_the_gateways_own_words(
      ErrorPlacement placement, String code, Class<? extends ZenException> kind, Mode mode) {
    server.failNext(1, Fault.errorInAnswer(placement, code, "upstream says: " + code + " for {model}"));
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    failure(mode.ask(gateway, chunks)).havingCause().isInstanceOf(kind)
        .withMessageContaining("upstream says: " + code + " for gpt-5")
        .withMessageContaining(server.baseUrl());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("errorsInAnswers")
  void an_error_inside_a_200_answer_is_never_retried(ErrorPlacement placement, String code,
      Class<? extends ZenException> kind) {
    server.failNext(5, Fault.errorInAnswer(placement, code, "upstream says no"));

    failure(resilient(gateway).stream(ChatRequest.of("gpt-5", "fox"), chunk -> {})).havingCause().isInstanceOf(kind);
    assertThat(server.chatRequests()).hasSize(1);
  }

  // --- Item 6: empty and filtered answers, truncation -------------------------------------------

  static Stream<Arguments> emptyAnswers() {
    return Stream.of(
        Arguments.of(EmptyAnswer.NO_CHOICES, "no choices"),
        Arguments.of(EmptyAnswer.EMPTY_CHOICES, "no choices"),
        Arguments.of(EmptyAnswer.NULL_CONTENT, "no text"),
        Arguments.of(EmptyAnswer.TOOL_CALLS_ONLY, "get_weather"),
        Arguments.of(EmptyAnswer.REASONING_ONLY, "only reasoned"))
        .flatMap(arguments -> Stream.of(Mode.values()).map(mode -> Arguments.of(arguments.get()[0],
            arguments.get()[1], mode)));
  }

  @ParameterizedTest(name = "{0}, {2}")
  @MethodSource("emptyAnswers")
  void an_empty_answer_is_an_error_that_says_which_and_is_not_retried(EmptyAnswer shape, String which, Mode mode) {
    server.failNext(5, Fault.emptyAnswer(shape));

    failure(mode.ask(resilient(gateway), new CopyOnWriteArrayList<>())).havingCause()
        .isInstanceOf(NonRetriableException.class).withMessageContaining("gpt-5").withMessageContaining(which);
    assertThat(server.chatRequests()).hasSize(1);
  }

  @ParameterizedTest(name = "after {0} words")
  @ValueSource(ints = {0, 3})
  void a_filtered_answer_is_an_error_even_when_part_of_it_arrived(int words) {
    for (Mode mode : Mode.values()) {
      server.failNext(1, Fault.finishReason("content_filter", words));

      failure(ask(mode)).havingCause().isInstanceOf(NonRetriableException.class)
          .withMessageContaining("content filter").withMessageContaining("gpt-5");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Mode.class)
  void an_answer_cut_at_the_length_limit_comes_back_with_a_truncation_notice(Mode mode) {
    server.failNext(1, Fault.finishReason("length", 4));

    ChatReply reply = ask(mode).join();

    assertThat(reply.finishReason()).isEqualTo("length");
    assertThat(reply.text()).startsWith("The quick brown fox").contains("truncated").contains("output limit");
  }

  // --- Item 7: plain JSON where a stream was asked for, HTML pages ------------------------------

  @Test
  void a_json_completion_in_place_of_a_stream_is_the_answer_paid_for_once() {
    server.failNext(5, Fault.plainJson());
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    ChatReply reply = resilient(gateway).stream(ChatRequest.of("gpt-5", "the fox"), chunks::add).join();

    assertThat(reply.text()).isEqualTo(ANSWER);
    assertThat(reply.usage()).isEqualTo(new TokenUsage(2, 9));
    assertThat(String.join("", chunks.stream().map(ChatChunk::text).toList())).isEqualTo(ANSWER);
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void an_event_stream_in_place_of_a_json_answer_is_the_answer_paid_for_once() {
    server.failNext(5, Fault.alwaysStream());

    ChatReply reply = resilient(gateway).complete(ChatRequest.of("gpt-5", "the fox")).join();

    assertThat(reply.text()).isEqualTo(ANSWER);
    assertThat(reply.usage()).isEqualTo(new TokenUsage(2, 9));
    assertThat(server.chatRequests()).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Mode.class)
  void an_html_page_with_status_200_is_reported_as_such_and_not_retried(Mode mode) {
    server.failNext(5, Fault.htmlPage(200));

    failure(mode.ask(resilient(gateway), new CopyOnWriteArrayList<>())).havingCause()
        .isInstanceOf(NonRetriableException.class).withMessageContaining("HTML")
        .withMessageContaining("Sign in - Corporate Proxy").withMessageContaining("base URL");
    assertThat(server.chatRequests()).hasSize(1);
  }

  // --- Item 8: what a complete answer may look like ---------------------------------------------

  static Stream<Arguments> wellFormedVariants() {
    return Stream.of(Fault.withoutDone(), Fault.contentParts(), Fault.gzip(), Fault.keepAliveComments(),
            Fault.crlfLines())
        .flatMap(fault -> Stream.of(Mode.values()).map(mode -> Arguments.of(fault, mode)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("wellFormedVariants")
  void a_complete_answer_in_an_unusual_but_valid_form_is_the_answer(Fault fault, Mode mode) {
    server.failNext(1, fault);
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    ChatReply reply = mode.ask(resilient(gateway), chunks).join();

    assertThat(reply.text()).isEqualTo(ANSWER);
    assertThat(reply.finishReason()).isEqualTo("stop");
    assertThat(reply.usage().outputTokens()).isEqualTo(9);
    if (mode == Mode.STREAM) {
      assertThat(String.join("", chunks.stream().map(ChatChunk::text).toList())).isEqualTo(ANSWER);
    }
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void a_stream_whose_body_stays_open_after_done_is_answered_at_done_not_at_the_idle_timeout() {
    server.failNext(1, Fault.doneThenHold());
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    ChatReply reply = gateway.stream(ChatRequest.of("gpt-5", "the fox"), chunks::add)
        .orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();

    assertThat(reply.text()).isEqualTo(ANSWER);
    assertThat(chunks).hasSize(9);
  }

  @Test
  void a_stream_that_ends_with_neither_finish_reason_nor_done_is_still_truncated() {
    server.failNext(1, Fault.truncatedStream());

    failure(ask(Mode.STREAM)).havingCause().isInstanceOf(ServiceUnavailableException.class)
        .withMessageContaining("ended the answer stream");
  }

  // --- Item 4: credentials in the URL -----------------------------------------------------------

  @Test
  void a_base_url_with_credentials_is_refused_without_repeating_them() {
    assertThatThrownBy(() -> OpenAiCompatibleGateway.builder("http://alice:s3cret@localhost:4000/v1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiKey")
        .hasMessageNotContaining("s3cret").hasMessageNotContaining("alice");
  }

  @Test
  void every_request_carries_the_key_to_the_origin_only() {
    gateway.complete(ChatRequest.of("gpt-5", "fox")).join();

    RecordedRequest sent = server.chatRequests().get(0);
    assertThat(sent.header("authorization")).contains("Bearer " + KEY);
  }
}
