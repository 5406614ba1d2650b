package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.AuthenticationException;
import dev.zen.ContextLengthExceededException;
import dev.zen.ModelNotFoundException;
import dev.zen.OperationTimeoutException;
import dev.zen.ServiceUnavailableException;
import dev.zen.ZenException;
import dev.zen.fake.openai.FakeOpenAiServer.ClientAbort;
import dev.zen.fake.openai.FakeOpenAiServer.Fault;
import dev.zen.fake.openai.FakeOpenAiServer.RecordedRequest;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.gateway.GatewayResilience;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link GatewayResilience} around an {@link OpenAiCompatibleGateway}, against a real HTTP server. */
class GatewayResilienceTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String ANSWER = "alpha beta gamma delta epsilon zeta eta theta";

  private FakeOpenAiServer server;
  private OpenAiCompatibleGateway http;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.builder().apiKey("k").reply("greek", ANSWER).start();
    http = OpenAiCompatibleGateway.builder(server.baseUrl()).apiKey("k").build();
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
  }

  private static GatewayResilience.Builder quick() {
    return GatewayResilience.builder().backoff(Duration.ofMillis(20), Duration.ofMillis(100)).timeout(Duration.ofSeconds(5));
  }

  static Stream<Arguments> transientFaults() {
    return Stream.of(Arguments.of(Fault.serverError()), Arguments.of(Fault.serviceUnavailable()),
        Arguments.of(Fault.connectionReset()), Arguments.of(Fault.malformedJson()),
        Arguments.of(Fault.truncatedStream()), Arguments.of(Fault.rateLimited(Duration.ZERO)));
  }

  @ParameterizedTest(name = "a completion recovers from {0}")
  @MethodSource("transientFaults")
  void a_completion_recovers_from_transient_faults_by_retrying(Fault fault) {
    server.failNext(2, "gpt-5", fault);

    ChatReply reply = quick().build().applyTo(http).complete(ChatRequest.of("gpt-5", "greek letters")).join();

    assertThat(reply.text()).isEqualTo(ANSWER);
    assertThat(server.chatRequests()).hasSize(3);
  }

  @Test
  void a_stream_recovers_from_failures_that_happen_before_its_first_chunk() {
    server.failNext(1, "gpt-5", Fault.serverError());
    server.failNext(1, "gpt-5", Fault.connectionReset());
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    ChatReply reply = quick().build().applyTo(http).stream(ChatRequest.of("gpt-5", "greek"), chunks::add).join();

    assertThat(reply.text()).isEqualTo(ANSWER);
    assertThat(String.join("", chunks.stream().map(ChatChunk::text).toList())).isEqualTo(ANSWER);
    assertThat(server.chatRequests()).hasSize(3);
  }

  @Test
  void a_stream_that_broke_after_delivering_chunks_is_not_retried() {
    server.failNext(1, "gpt-5", Fault.truncatedStream());
    List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

    CompletableFuture<ChatReply> call = quick().build().applyTo(http).stream(ChatRequest.of("gpt-5", "greek"),
        chunks::add);

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ServiceUnavailableException.class);
    assertThat(chunks).isNotEmpty();
    assertThat(server.chatRequests()).hasSize(1);
  }

  static Stream<Arguments> permanentFaults() {
    return Stream.of(Arguments.of(Fault.unauthorized(), AuthenticationException.class),
        Arguments.of(Fault.contextLengthExceeded(), ContextLengthExceededException.class),
        Arguments.of(Fault.modelNotFound(), ModelNotFoundException.class),
        Arguments.of(Fault.status(400, "invalid_value", "temperature is out of range"),
            dev.zen.InvalidRequestException.class));
  }

  @ParameterizedTest(name = "{0} is reported after one request")
  @MethodSource("permanentFaults")
  void permanent_failures_are_reported_after_a_single_request(Fault fault, Class<? extends ZenException> expected) {
    server.failNext(5, "gpt-5", fault);

    CompletableFuture<ChatReply> call = quick().build().applyTo(http).complete(ChatRequest.of("gpt-5", "hi"));

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).withCauseInstanceOf(expected);
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void a_rate_limit_is_retried_no_earlier_than_its_retry_after() {
    server.failNext(1, "gpt-5", Fault.rateLimited(Duration.ofSeconds(1)));

    quick().build().applyTo(http).complete(ChatRequest.of("gpt-5", "greek")).join();

    List<RecordedRequest> requests = server.chatRequests();
    assertThat(requests).hasSize(2);
    long gap = requests.get(1).receivedNanos() - requests.get(0).receivedNanos();
    assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void a_hanging_attempt_is_cut_at_the_timeout_aborted_at_the_server_and_retried() throws InterruptedException {
    server.failNext(1, "gpt-5", Fault.hang());

    ChatReply reply = quick().timeout(Duration.ofMillis(300)).build().applyTo(http)
        .complete(ChatRequest.of("gpt-5", "greek")).join();

    assertThat(reply.text()).isEqualTo(ANSWER);
    assertThat(server.awaitAborts(1, WAIT)).isTrue();
    assertThat(server.aborts().get(0).request().id()).isEqualTo(server.chatRequests().get(0).id());
    assertThat(server.chatRequests()).hasSize(2);
  }

  @Test
  void when_every_attempt_hangs_the_call_times_out_and_every_attempt_is_aborted() throws InterruptedException {
    server.failNext(3, "gpt-5", Fault.hang());

    CompletableFuture<ChatReply> call = quick().timeout(Duration.ofMillis(200)).maxRetries(2).build().applyTo(http)
        .stream(ChatRequest.of("gpt-5", "greek"), chunk -> {});

    assertThat(call).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingCause()
        .isInstanceOf(OperationTimeoutException.class).withMessageContaining("did not answer within 200 ms");
    assertThat(server.awaitAborts(3, WAIT)).isTrue();
    assertThat(server.aborts()).extracting(ClientAbort::phase).containsOnly(ClientAbort.Phase.WAITING);
  }

  @Test
  void cancelling_the_call_while_the_server_hangs_aborts_the_request_at_the_server() throws Exception {
    server.failNext(1, "gpt-5", Fault.hang());
    CompletableFuture<ChatReply> call = quick().build().applyTo(http).complete(ChatRequest.of("gpt-5", "greek"));
    awaitChatRequests(1);

    call.cancel(true);

    assertThat(server.awaitAborts(1, WAIT)).isTrue();
    Thread.sleep(200);
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void the_concurrency_limit_caps_requests_in_flight_at_the_server() {
    try (FakeOpenAiServer slow = FakeOpenAiServer.builder().latency(Duration.ofMillis(50)).start();
        OpenAiCompatibleGateway gateway = OpenAiCompatibleGateway.builder(slow.baseUrl()).build()) {
      ModelGateway limited = quick().maxConcurrentCalls(4).build().applyTo(gateway);

      List<CompletableFuture<ChatReply>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        calls.add(i % 2 == 0 ? limited.complete(ChatRequest.of("m", "call " + i))
            : limited.stream(ChatRequest.of("m", "call " + i), chunk -> {}));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();

      assertThat(slow.chatRequests()).hasSize(50);
      assertThat(slow.peakActiveRequests()).isEqualTo(4);
      assertThat(slow.peakConnections()).isLessThanOrEqualTo(4);
    }
  }

  @Test
  void without_a_limit_concurrent_calls_open_as_many_connections() throws InterruptedException {
    // Hanging answers keep every call in flight at once, however slowly a busy machine sends them.
    server.failNext(20, Fault.hang());
    List<CompletableFuture<ChatReply>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(http.complete(ChatRequest.of("m", "call " + i)));
    }
    awaitChatRequests(20);

    assertThat(server.activeRequests()).isEqualTo(20);
    assertThat(server.openConnections()).isEqualTo(20);
    calls.forEach(call -> call.cancel(true));
    assertThat(server.awaitAborts(20, WAIT)).isTrue();
  }

  private void awaitChatRequests(int count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (server.chatRequests().size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server did not receive " + count + " requests");
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }
}
