package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.zen.OperationTimeoutException;
import dev.zen.RateLimitedException;
import dev.zen.RetriableException;
import dev.zen.ServiceUnavailableException;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.fake.openai.FakeOpenAiServer.ClientAbort;
import dev.zen.fake.openai.FakeOpenAiServer.Fault;
import dev.zen.fake.openai.FakeOpenAiServer.RecordedRequest;
import dev.zen.gateway.GatewayResilience;
import dev.zen.spi.ChatMessage;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ContentPart;
import dev.zen.spi.ModelGateway;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenAiCompatibleGateway#complete}: a non-streamed answer on the HTTP client's asynchronous
 * exchange, against a real HTTP server that misbehaves. No thread waits for the model, the request
 * is the one langchain4j's {@code OpenAiChatModel} sends, and failures map as they always did.
 */
class NonStreamedCompletionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ANSWER = "The quick brown fox jumps over the lazy dog";

  /** An executor that refuses everything: a call that needs one of its threads fails. */
  private static final Executor NO_THREADS = command -> {
    throw new RejectedExecutionException("complete must not need a runtime thread");
  };

  private FakeOpenAiServer server;
  private OpenAiCompatibleGateway gateway;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.builder()
        .apiKey("sk-test")
        .models("gpt-5", "o3")
        .reply("(?i)fox", ANSWER)
        .start();
    gateway = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey("sk-test").header("X-Team", "zen")
        .executor(NO_THREADS).build();
  }

  @AfterEach
  void stop() {
    gateway.close();
    server.close();
  }

  @Test
  void a_completion_asks_for_no_stream_and_needs_no_runtime_thread() {
    ChatReply reply = gateway.complete(ChatRequest.of("gpt-5", "the fox?")).join();

    assertThat(reply.text()).isEqualTo(ANSWER);
    assertThat(reply.usage().outputTokens()).isPositive();
    assertThat(reply.finishReason()).contains("stop");
    assertThat(server.chatRequests()).singleElement().satisfies(request -> assertThat(request.stream()).isFalse());
  }

  @Test
  void the_request_is_the_one_langchain4j_s_chat_model_sends() throws Exception {
    ChatRequest request = ChatRequest.builder("o3")
        .addMessage(ChatMessage.system("be brief"))
        .addMessage(ChatMessage.user("what is in it? the fox", List.of(
            ContentPart.Image.of(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "image/png"),
            new ContentPart.Image(java.net.URI.create("https://example.com/fox.png")))))
        .addMessage(ChatMessage.assistant("a fox"))
        .addMessage(ChatMessage.user("and the dog?"))
        .temperature(0.3)
        .maxOutputTokens(77)
        .reasoningEffort("high")
        .thinkingBudgetTokens(2048)
        .build();
    // The synchronous path as it was: langchain4j's own model and request mapping, on Zen's HTTP client.
    OpenAiChatModel model = OpenAiChatModel.builder()
        .httpClientBuilder(new ZenHttpClient.Builder(HttpClient.newHttpClient(), ZenHttpClient.Options.NONE))
        .baseUrl(server.baseUrl()).apiKey("sk-test").customHeaders(Map.of("X-Team", "zen")).maxRetries(0).build();
    LangChain4jGateway viaLangChain4j = LangChain4jGateway.create(LangChain4jGateway.builder().chatModel(model),
        asked -> OpenAiCompatibleGateway.parameters(asked, false), new GatewayErrors("the fake", "", null));
    viaLangChain4j.complete(request).join();
    gateway.complete(request).join();

    List<RecordedRequest> sent = server.chatRequests();
    assertThat(sent).hasSize(2);
    assertThat(JSON.readTree(sent.get(1).body())).isEqualTo(JSON.readTree(sent.get(0).body()));
    for (String header : List.of("authorization", "user-agent", "content-type", "x-team")) {
      assertThat(sent.get(1).header(header)).as(header).isEqualTo(sent.get(0).header(header)).isPresent();
    }
  }

  @Test
  void two_hundred_calls_in_flight_hold_no_thread_each() throws Exception {
    server.close();
    server = FakeOpenAiServer.builder().apiKey("sk-test").models("gpt-5").reply("(?i)fox", ANSWER)
        .latency(Duration.ofMillis(700)).start();
    try (OpenAiCompatibleGateway slow = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey("sk-test")
        .executor(NO_THREADS).build()) {
      slow.complete(ChatRequest.of("gpt-5", "warm the fox")).join();
      int before = Thread.activeCount();
      List<CompletableFuture<ChatReply>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        calls.add(slow.complete(ChatRequest.of("gpt-5", "the fox " + i)));
      }
      int peak = Thread.activeCount();
      while (!calls.stream().allMatch(CompletableFuture::isDone)) {
        peak = Math.max(peak, Thread.activeCount());
        Thread.sleep(20);
      }
      for (CompletableFuture<ChatReply> call : calls) {
        assertThat(call.get(WAIT.toSeconds(), TimeUnit.SECONDS).text()).isEqualTo(ANSWER);
      }
      // The gateway's HTTP client has a few threads of its own; the JDK adds its selector. Not 200.
      assertThat(peak - before).isLessThan(20);
    }
  }

  @Test
  void a_500_is_retriable_and_the_resilience_layer_retries_it_to_an_answer() {
    server.failNext(1, "gpt-5", Fault.serverError());
    ModelGateway resilient = GatewayResilience.builder().backoff(Duration.ofMillis(10), Duration.ofMillis(20))
        .build().applyTo(gateway);

    assertThat(resilient.complete(ChatRequest.of("gpt-5", "the fox?")).join().text()).isEqualTo(ANSWER);
    assertThat(server.chatRequests()).hasSize(2);
  }

  @Test
  void a_429_carries_its_retry_after_and_stays_retriable() {
    server.failNext(1, "gpt-5", Fault.rateLimited(Duration.ofSeconds(3)));

    assertThat(gateway.complete(ChatRequest.of("gpt-5", "the fox?"))).failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class).havingCause()
        .isInstanceOfSatisfying(RateLimitedException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(3)))
        .withMessageContaining("retry after 3 s");
  }

  @Test
  void a_garbage_body_is_a_retriable_unreadable_answer() {
    server.failNext(1, "gpt-5", Fault.malformedJson());

    assertThat(gateway.complete(ChatRequest.of("gpt-5", "the fox?"))).failsWithin(WAIT)
        .withThrowableOfType(ExecutionException.class).havingCause()
        .isInstanceOf(ServiceUnavailableException.class).isInstanceOf(RetriableException.class)
        .withMessageContaining("not valid OpenAI JSON");
  }

  @Test
  void a_hung_endpoint_is_cut_at_the_first_byte_timeout_and_sees_the_abort() throws Exception {
    server.failNext(1, Fault.hang());
    try (OpenAiCompatibleGateway impatient = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey("sk-test")
        .executor(NO_THREADS).firstByteTimeout(Duration.ofMillis(300)).build()) {

      assertThat(impatient.complete(ChatRequest.of("gpt-5", "hi"))).failsWithin(WAIT)
          .withThrowableOfType(ExecutionException.class).havingCause()
          .isInstanceOfSatisfying(OperationTimeoutException.class,
              e -> assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300)))
          .withMessageContaining("first-byte timeout");
    }
    assertThat(server.awaitAborts(1, WAIT)).isTrue();
  }

  @Test
  void an_answer_that_stalls_after_its_headers_is_cut_at_the_idle_timeout() {
    server.failNext(1, Fault.stallAfterHeaders());
    try (OpenAiCompatibleGateway impatient = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey("sk-test")
        .executor(NO_THREADS).idleTimeout(Duration.ofMillis(300)).build()) {

      assertThat(impatient.complete(ChatRequest.of("gpt-5", "hi"))).failsWithin(WAIT)
          .withThrowableOfType(ExecutionException.class).havingCause()
          .isInstanceOf(OperationTimeoutException.class).withMessageContaining("idle timeout");
    }
  }

  @Test
  void cancelling_while_the_endpoint_thinks_aborts_the_request_at_the_server() throws Exception {
    server.failNext(1, Fault.hang());
    CompletableFuture<ChatReply> call = gateway.complete(ChatRequest.of("gpt-5", "hi"));
    awaitRequests(1);

    call.cancel(true);

    assertThat(server.awaitAborts(1, WAIT)).isTrue();
    assertThat(server.aborts().get(0).phase()).isEqualTo(ClientAbort.Phase.WAITING);
  }

  @Test
  void cancelling_while_the_answer_is_arriving_closes_the_connection_at_the_server() throws Exception {
    server.failNext(1, Fault.stallAfterHeaders());
    CompletableFuture<ChatReply> call = gateway.complete(ChatRequest.of("gpt-5", "hi"));
    awaitRequests(1);
    Thread.sleep(200);

    call.cancel(true);

    assertThat(server.awaitAborts(1, WAIT)).isTrue();
  }

  @Test
  void the_answer_is_handled_on_the_gateway_s_own_http_threads_not_the_common_pool() {
    String thread = gateway.complete(ChatRequest.of("gpt-5", "the fox?"))
        .thenApply(reply -> Thread.currentThread().getName()).join();

    assertThat(thread).startsWith("zen-http-");
  }

  @Test
  void cancelling_after_a_followed_redirect_aborts_the_redirected_request() throws Exception {
    String target = server.baseUrl() + "/chat/completions";
    server.failNext(1, Fault.redirect(307, target));
    server.failNext(1, Fault.hang());
    try (OpenAiCompatibleGateway following = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey("sk-test")
        .executor(NO_THREADS).followSameOriginRedirects(true).build()) {
      CompletableFuture<ChatReply> call = following.complete(ChatRequest.of("gpt-5", "hi"));
      awaitRequests(2);

      call.cancel(true);

      assertThat(server.awaitAborts(1, WAIT)).isTrue();
      assertThat(server.chatRequests().get(1).body()).isEqualTo(server.chatRequests().get(0).body());
    }
  }

  @Test
  void a_gzip_answer_nobody_asked_for_is_decoded() {
    server.failNext(1, "gpt-5", Fault.gzip());

    assertThat(gateway.complete(ChatRequest.of("gpt-5", "the fox?")).join().text()).isEqualTo(ANSWER);
  }

  private void awaitRequests(int count) throws InterruptedException {
    AtomicInteger waited = new AtomicInteger();
    while (server.chatRequests().size() < count && waited.incrementAndGet() < 500) {
      Thread.sleep(10);
    }
    assertThat(server.chatRequests()).hasSizeGreaterThanOrEqualTo(count);
  }
}
