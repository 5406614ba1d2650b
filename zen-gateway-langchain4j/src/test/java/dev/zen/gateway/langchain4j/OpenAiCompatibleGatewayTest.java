package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zen.AuthenticationException;
import dev.zen.ContextLengthExceededException;
import dev.zen.ModelNotFoundException;
import dev.zen.OperationTimeoutException;
import dev.zen.RateLimitedException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.fake.openai.FakeOpenAiServer.ClientAbort;
import dev.zen.fake.openai.FakeOpenAiServer.Fault;
import dev.zen.fake.openai.FakeOpenAiServer.RecordedRequest;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.gateway.ModelFanOut;
import dev.zen.gateway.ModelOutcome;
import dev.zen.gateway.ModelRegistry;
import dev.zen.gateway.ModelSpec;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ContentPart;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.ModelGateways;
import dev.zen.spi.ModelInfo;
import dev.zen.spi.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link OpenAiCompatibleGateway} against a real HTTP server. */
class OpenAiCompatibleGatewayTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ANSWER = "The quick brown fox jumps over the lazy dog";

  private FakeOpenAiServer server;
  private OpenAiCompatibleGateway gateway;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.builder()
        .apiKey("sk-test")
        .models("gpt-5", "o3", "local-llama", "my-finetune")
        .reply("(?i)fox", ANSWER)
        .start();
    gateway = OpenAiCompatibleGateway.builder(server.baseUrl())
        .apiKey("sk-test")
        .header("X-Team", "zen")
        .build();
  }

  @AfterEach
  void stop() {
    gateway.close();
    server.close();
  }

  @Test
  void sequential_calls_to_a_plain_http_endpoint_reuse_one_connection() throws Exception {
    // Keep-alive works, whatever the client offers (the JDK's default offers an h2c upgrade).
    for (int i = 0; i < 3; i++) {
      gateway.stream(ChatRequest.of("gpt-5", "the fox " + i), chunk -> {}).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      gateway.complete(ChatRequest.of("gpt-5", "the fox again " + i)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    assertThat(server.acceptedConnections()).isEqualTo(1);
  }

  @Test
  void stream_chunks_arrive_on_the_gateway_s_own_few_http_threads() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    List<CompletableFuture<ChatReply>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(gateway.stream(ChatRequest.of("gpt-5", "the fox " + i),
          chunk -> threads.add(Thread.currentThread().getName())));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    // The gateway's executor (or the client's selector thread), never the JDK client's default
    // cached pool ("HttpClient-N-Worker-M"), which grows with the exchanges in flight.
    assertThat(threads).isNotEmpty().allSatisfy(name -> assertThat(name.startsWith("zen-http-")
        || name.endsWith("-SelectorManager")).as(name).isTrue());
    assertThat(threads.stream().distinct().count()).isLessThanOrEqualTo(5);
  }

  @Test
  void images_reach_the_endpoint_as_image_url_parts_after_the_text() {
    ContentPart.Image png = ContentPart.Image.of(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "image/png");
    ContentPart.Image remote = new ContentPart.Image(java.net.URI.create("https://example.com/diagram.jpg"));

    gateway.complete(ChatRequest.builder("gpt-5")
        .addMessage(ChatMessage.user("What does the fox diagram show?", List.of(png, remote)))
        .build()).join();

    ChatMessage sent = server.chatRequests().get(0).messages().get(0);
    assertThat(sent.parts()).containsExactly(new ContentPart.Text("What does the fox diagram show?"), png, remote);
  }

  @Test
  void a_reasoning_effort_and_a_thinking_budget_reach_the_endpoint_in_the_request_body() throws Exception {
    gateway.complete(ChatRequest.builder("o3").addMessage(ChatMessage.user("the fox?")).reasoningEffort("high")
        .build()).join();
    gateway.complete(ChatRequest.builder("gpt-5").addMessage(ChatMessage.user("the fox?")).thinkingBudgetTokens(2621)
        .build()).join();

    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode effort = json.readTree(server.chatRequests().get(0).body());
    com.fasterxml.jackson.databind.JsonNode budget = json.readTree(server.chatRequests().get(1).body());
    assertThat(effort.path("reasoning_effort").asText()).isEqualTo("high");
    assertThat(effort.has("thinking")).isFalse();
    assertThat(budget.at("/thinking/type").asText()).isEqualTo("enabled");
    assertThat(budget.at("/thinking/budget_tokens").asInt()).isEqualTo(2621);
    assertThat(budget.has("reasoning_effort")).isFalse();
  }

  @Test
  void complete_returns_the_answer_with_usage_latency_and_finish_reason() {
    ChatReply reply = gateway.complete(ChatRequest.builder("gpt-5")
        .addMessage(ChatMessage.system("You are terse."))
        .addMessage(ChatMessage.user("Tell me about the fox"))
        .build()).join();

    assertThat(reply.text()).isEqualTo(ANSWER);
    assertThat(reply.model()).isEqualTo("gpt-5");
    assertThat(reply.finishReason()).isEqualTo("stop");
    assertThat(reply.usage()).isEqualTo(new TokenUsage(FakeOpenAiServer.countTokens("You are terse. Tell me about the fox"),
        FakeOpenAiServer.countTokens(ANSWER)));
    assertThat(reply.usage().totalTokens()).isEqualTo(8 + 9);
    assertThat(reply.latency()).isPositive();
  }

  @Test
  void the_request_carries_model_messages_parameters_key_and_extra_headers() {
    gateway.complete(ChatRequest.builder("o3")
        .addMessage(ChatMessage.system("sys"))
        .addMessage(ChatMessage.user("u1"))
        .addMessage(ChatMessage.assistant("a1"))
        .addMessage(ChatMessage.user("u2"))
        .temperature(0.7)
        .maxOutputTokens(123)
        .build()).join();

    RecordedRequest sent = server.chatRequests().get(0);
    assertThat(sent.model()).isEqualTo("o3");
    assertThat(sent.messages()).containsExactly(ChatMessage.system("sys"), ChatMessage.user("u1"),
        ChatMessage.assistant("a1"), ChatMessage.user("u2"));
    assertThat(sent.temperature()).isEqualTo(0.7);
    assertThat(sent.maxTokens()).isEqualTo(123);
    assertThat(sent.header("authorization")).contains("Bearer sk-test");
    assertThat(sent.header("x-team")).contains("zen");
    assertThat(sent.stream()).isFalse();
  }

  @Test
  void max_completion_tokens_can_replace_max_tokens_for_reasoning_models() {
    try (OpenAiCompatibleGateway reasoning = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey("sk-test")
        .maxCompletionTokens(true).build()) {
      reasoning.complete(ChatRequest.builder("o3").addMessage(ChatMessage.user("hi")).maxOutputTokens(50).build())
          .join();
    }

    RecordedRequest sent = server.chatRequests().get(0);
    assertThat(sent.body()).contains("\"max_completion_tokens\"").doesNotContain("\"max_tokens\"");
    assertThat(sent.maxTokens()).isEqualTo(50);
  }

  @Test
  void stream_delivers_the_answer_word_by_word_and_completes_with_usage() {
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    ChatReply reply = gateway.stream(ChatRequest.of("gpt-5", "the fox please"), chunks::add).join();

    assertThat(chunks).hasSize(9);
    assertThat(chunks).extracting(ChatChunk::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(String.join("", chunks.stream().map(ChatChunk::text).toList())).isEqualTo(ANSWER);
    assertThat(reply.text()).isEqualTo(ANSWER);
    assertThat(reply.usage()).isEqualTo(new TokenUsage(3, 9));
    assertThat(reply.finishReason()).isEqualTo("stop");
    assertThat(server.chatRequests().get(0).stream()).isTrue();
    assertThat(server.chatRequests().get(0).includeUsage()).isTrue();
  }

  @Test
  void calls_reuse_one_pooled_connection() {
    for (int i = 0; i < 5; i++) {
      gateway.complete(ChatRequest.of("gpt-5", "call " + i)).join();
      gateway.stream(ChatRequest.of("gpt-5", "stream " + i), chunk -> {}).join();
    }

    assertThat(server.acceptedConnections()).isEqualTo(1);
    assertThat(server.chatRequests()).extracting(RecordedRequest::connectionId).containsOnly(1);
  }

  @Test
  void models_lists_what_the_server_serves() {
    assertThat(gateway.models().join()).containsExactly(new ModelInfo("gpt-5"), new ModelInfo("o3"),
        new ModelInfo("local-llama"), new ModelInfo("my-finetune"));
    assertThat(server.requests().get(0).header("authorization")).contains("Bearer sk-test");
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of(Fault.serverError(), ServiceUnavailableException.class, "failed on its side"),
        Arguments.of(Fault.serviceUnavailable(), ServiceUnavailableException.class, "HTTP 503"),
        Arguments.of(Fault.rateLimited(Duration.ofSeconds(2)), RateLimitedException.class, "retry after 2 s"),
        Arguments.of(Fault.unauthorized(), AuthenticationException.class, "rejected the API key"),
        Arguments.of(Fault.contextLengthExceeded(), ContextLengthExceededException.class,
            "does not fit its context window"),
        Arguments.of(Fault.modelNotFound(), ModelNotFoundException.class, "does not serve model 'gpt-5'"),
        Arguments.of(Fault.connectionReset(), ServiceUnavailableException.class, "broke during the call"),
        Arguments.of(Fault.malformedJson(), ServiceUnavailableException.class, "not valid OpenAI JSON"),
        Arguments.of(Fault.truncatedStream(), ServiceUnavailableException.class, "gpt-5"));
  }

  @ParameterizedTest(name = "{0} fails a completion with {1}")
  @MethodSource("faults")
  void each_fault_fails_a_completion_with_the_matching_exception_and_a_clear_message(Fault fault,
      Class<? extends ZenException> expected, String message) {
    server.failNext(1, "gpt-5", fault);

    CompletableFuture<ChatReply> call = gateway.complete(ChatRequest.of("gpt-5", "hi"));

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(expected).withMessageContaining(message)
        .withMessageContaining(server.baseUrl().substring(0, 10));
  }

  @ParameterizedTest(name = "{0} fails a stream with {1}")
  @MethodSource("faults")
  void each_fault_fails_a_stream_with_the_matching_exception(Fault fault, Class<? extends ZenException> expected,
      String message) {
    server.failNext(1, "gpt-5", fault);

    CompletableFuture<ChatReply> call = gateway.stream(ChatRequest.of("gpt-5", "the fox"), chunk -> {});

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(expected).withMessageContaining(message);
  }

  @Test
  void a_truncated_stream_is_an_incomplete_answer_not_a_short_one() {
    server.failNext(1, "gpt-5", Fault.truncatedStream());
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    CompletableFuture<ChatReply> call = gateway.stream(ChatRequest.of("gpt-5", "the fox"), chunks::add);

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(ServiceUnavailableException.class).withMessageContaining("ended the answer stream")
        .withMessageContaining("no [DONE]");
    assertThat(chunks).isNotEmpty().hasSizeLessThan(9);
  }

  @Test
  void a_wrong_key_names_the_gateway_and_says_how_to_fix_it() {
    try (OpenAiCompatibleGateway wrongKey = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey("nope").build()) {
      assertThat(wrongKey.complete(ChatRequest.of("gpt-5", "hi"))).failsWithin(WAIT)
          .withThrowableOfType(ExecutionException.class).havingCause()
          .isInstanceOf(AuthenticationException.class)
          .withMessageContaining("the gateway at " + server.baseUrl() + " rejected the API key")
          .withMessageContaining("apiKey(...)");
      assertThat(wrongKey.models()).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(AuthenticationException.class);
    }
  }

  @Test
  void a_server_that_is_not_running_is_reported_as_unavailable() {
    String url = server.baseUrl();
    server.close();

    assertThat(gateway.complete(ChatRequest.of("gpt-5", "hi"))).failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class).havingCause()
        .isInstanceOf(ServiceUnavailableException.class).withMessageContaining(url);
  }

  @Test
  void the_http_timeout_ends_a_hanging_request_and_the_server_sees_the_abort() throws InterruptedException {
    server.failNext(1, Fault.hang());
    try (OpenAiCompatibleGateway impatient = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey("sk-test")
        .firstByteTimeout(Duration.ofMillis(300)).build()) {

      assertThat(impatient.complete(ChatRequest.of("gpt-5", "hi"))).failsWithin(WAIT)
          .withThrowableOfType(ExecutionException.class).havingCause()
          .isInstanceOfSatisfying(OperationTimeoutException.class,
              e -> assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300)));
    }
    assertThat(server.awaitAborts(1, WAIT)).isTrue();
  }

  @Test
  void cancelling_a_completion_while_the_server_hangs_aborts_the_request_at_the_server() throws Exception {
    server.failNext(1, Fault.hang());
    CompletableFuture<ChatReply> call = gateway.complete(ChatRequest.of("gpt-5", "hi"));
    awaitRequests(1);

    call.cancel(true);

    assertThat(server.awaitAborts(1, WAIT)).isTrue();
    assertThat(server.aborts().get(0).phase()).isEqualTo(ClientAbort.Phase.WAITING);
  }

  @Test
  void cancelling_a_stream_before_its_first_chunk_aborts_the_request_at_the_server() throws Exception {
    server.failNext(1, Fault.hang());
    CompletableFuture<ChatReply> call = gateway.stream(ChatRequest.of("gpt-5", "hi"), chunk -> {});
    awaitRequests(1);

    call.cancel(true);

    assertThat(server.awaitAborts(1, WAIT)).isTrue();
    assertThat(server.aborts().get(0).phase()).isEqualTo(ClientAbort.Phase.WAITING);
  }

  @Test
  void cancelling_mid_stream_closes_the_stream_at_the_server() throws Exception {
    // 30 chunks 100 ms apart: the stream is still running when the test cancels it, however busy the machine.
    try (FakeOpenAiServer slowStream = FakeOpenAiServer.builder().chunkInterval(Duration.ofMillis(100))
        .reply("long", "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 w21 w22 w23 w24 "
            + "w25 w26 w27 w28 w29 w30")
        .start();
        OpenAiCompatibleGateway streaming = OpenAiCompatibleGateway.builder(slowStream.baseUrl()).build()) {
      CountDownLatch threeChunks = new CountDownLatch(3);
      List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
      CompletableFuture<ChatReply> call = streaming.stream(ChatRequest.of("gpt-5", "long please"), chunk -> {
        chunks.add(chunk);
        threeChunks.countDown();
      });
      assertThat(threeChunks.await(10, TimeUnit.SECONDS)).isTrue();

      call.cancel(true);

      assertThat(slowStream.awaitAborts(1, WAIT)).isTrue();
      assertThat(slowStream.aborts().get(0).phase()).isEqualTo(ClientAbort.Phase.STREAMING);
      int seenAtCancel = chunks.size();
      Thread.sleep(200);
      assertThat(chunks).hasSize(seenAtCancel).hasSizeLessThan(30);
    }
  }

  @Test
  void the_registry_resolves_aliases_fixes_temperatures_and_uses_models_the_gateway_lists() {
    ModelRegistry registry = ModelRegistry.bundled().withModelsOf(gateway).join();
    ModelGateway fitted = ModelGateways.intercepted(gateway, List.of(registry.interceptor()));

    fitted.complete(ChatRequest.builder("GPT5").addMessage(ChatMessage.user("hi")).temperature(0.2).build()).join();
    fitted.complete(ChatRequest.builder("my-finetune").addMessage(ChatMessage.user("hi")).temperature(0.2).build())
        .join();
    fitted.complete(ChatRequest.of("llama3.2", "hi")).join();

    assertThat(server.chatRequests()).extracting(RecordedRequest::model)
        .containsExactly("gpt-5", "my-finetune", "local-llama");
    assertThat(server.chatRequests()).extracting(RecordedRequest::temperature).containsExactly(1.0, 0.2, null);
    assertThat(registry.resolve("my-finetune").origin()).isEqualTo(ModelSpec.Origin.GATEWAY);
    assertThat(registry.resolve("llama3.2").name()).isEqualTo("local-llama");
    assertThat(registry.resolve("llama3.2").contextWindow()).isEqualTo(131_072);
    assertThat(registry.models()).extracting(ModelSpec::name).contains("my-finetune", "local-llama", "gpt-5");
    assertThatThrownBy(() -> registry.resolve("gpt-6")).isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("Did you mean 'gpt-5'?");
  }

  @Test
  void fan_out_asks_every_model_independently_and_accounts_usage_per_model() {
    server.failNext(1, "o3", Fault.unauthorized());

    List<ModelOutcome> outcomes = ModelFanOut.ask(gateway, List.of("gpt-5", "o3", "local-llama"),
        List.of(ChatMessage.user("the fox question"))).join();

    assertThat(outcomes).extracting(ModelOutcome::model).containsExactly("gpt-5", "o3", "local-llama");
    assertThat(outcomes.get(1)).isInstanceOfSatisfying(ModelOutcome.Failed.class,
        failed -> assertThat(failed.error()).isInstanceOf(AuthenticationException.class));
    TokenUsage total = outcomes.stream()
        .flatMap(outcome -> outcome instanceof ModelOutcome.Answered answered ? Stream.of(answered.reply().usage())
            : Stream.empty())
        .reduce(TokenUsage.ZERO, TokenUsage::plus);
    assertThat(total).isEqualTo(new TokenUsage(2 * 3, 2 * 9));
    assertThat(server.chatRequests()).allSatisfy(request ->
        assertThat(request.messages()).containsExactly(ChatMessage.user("the fox question")));
  }

  @Test
  void the_builder_validates_at_once() {
    assertThatThrownBy(() -> OpenAiCompatibleGateway.builder("localhost:4000")).isInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> OpenAiCompatibleGateway.builder("http://x/v1").header("Authorization", "Bearer x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiKey");
    assertThatThrownBy(() -> OpenAiCompatibleGateway.builder("http://x/v1").firstByteTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(OpenAiCompatibleGateway.builder("http://x:1/v1/").build().baseUrl()).isEqualTo("http://x:1/v1");
  }

  private void awaitRequests(int count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (server.chatRequests().size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server did not receive " + count + " requests");
      }
      Thread.sleep(5);
    }
  }
}
