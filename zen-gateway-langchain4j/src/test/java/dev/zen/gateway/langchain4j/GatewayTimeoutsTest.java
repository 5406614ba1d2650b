package dev.zen.gateway.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.OperationTimeoutException;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.fake.openai.FakeOpenAiServer.ClientAbort;
import dev.zen.fake.openai.FakeOpenAiServer.Fault;
import dev.zen.gateway.GatewayResilience;
import dev.zen.spi.ChatChunk;
import dev.zen.spi.ChatReply;
import dev.zen.spi.ChatRequest;
import dev.zen.spi.ModelGateway;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The timeouts of issue 13 (item 9), each against the endpoint behaviour it exists for: one that
 * accepts and never answers (first byte), one that stalls after its headers (idle), one that drips
 * a byte at a time (the call's deadline). Small configured values; only the outcome's kind is
 * asserted, with generous upper bounds on waiting.
 */
class GatewayTimeoutsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String ANSWER = "alpha beta gamma delta epsilon zeta eta theta";

  private FakeOpenAiServer server;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.builder().reply("greek", ANSWER).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static CompletableFuture<ChatReply> ask(ModelGateway gateway, boolean stream) {
    ChatRequest request = ChatRequest.of("gpt-5", "greek letters");
    return stream ? gateway.stream(request, chunk -> {}) : gateway.complete(request);
  }

  private static OperationTimeoutException timeout(CompletableFuture<ChatReply> call) {
    Throwable cause = org.assertj.core.api.Assertions.catchThrowable(() -> call.get(WAIT.toSeconds(),
        java.util.concurrent.TimeUnit.SECONDS));
    assertThat(cause).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(OperationTimeoutException.class);
    return (OperationTimeoutException) cause.getCause();
  }

  @Test
  void a_stream_that_arrives_a_byte_at_a_time_is_read_whole() throws Exception {
    // Every line of the event stream is split across pieces (the parser joins ranges of them).
    server.failNext(1, Fault.dripBytes(Duration.ofMillis(1)));
    try (OpenAiCompatibleGateway gateway = OpenAiCompatibleGateway.builder(server.baseUrl()).build()) {
      StringBuilder chunks = new StringBuilder();

      ChatReply reply = gateway.stream(ChatRequest.of("gpt-5", "greek letters"), chunk -> chunks.append(chunk.text()))
          .get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

      assertThat(reply.text()).isEqualTo(ANSWER);
      assertThat(chunks.toString()).isEqualTo(ANSWER);
    }
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void an_endpoint_that_accepts_and_never_answers_is_cut_at_the_first_byte_timeout(boolean stream)
      throws InterruptedException {
    server.failNext(1, Fault.hang());
    try (OpenAiCompatibleGateway gateway = OpenAiCompatibleGateway.builder(server.baseUrl())
        .firstByteTimeout(Duration.ofMillis(300)).idleTimeout(Duration.ofMinutes(1)).build()) {

      OperationTimeoutException timedOut = timeout(ask(gateway, stream));

      assertThat(timedOut.timeout()).isEqualTo(Duration.ofMillis(300));
      assertThat(timedOut).hasMessageContaining("first-byte timeout")
          .hasMessageContaining("firstByteTimeout(...)");
    }
    assertThat(server.awaitAborts(1, WAIT)).isTrue();
    assertThat(server.aborts().get(0).phase()).isEqualTo(ClientAbort.Phase.WAITING);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void an_answer_that_stalls_after_its_headers_is_cut_at_the_idle_timeout(boolean stream)
      throws InterruptedException {
    server.failNext(1, Fault.stallAfterHeaders());
    try (OpenAiCompatibleGateway gateway = OpenAiCompatibleGateway.builder(server.baseUrl())
        .firstByteTimeout(Duration.ofMinutes(1)).idleTimeout(Duration.ofMillis(300)).build()) {

      OperationTimeoutException timedOut = timeout(ask(gateway, stream));

      assertThat(timedOut.timeout()).isEqualTo(Duration.ofMillis(300));
      assertThat(timedOut).hasMessageContaining("idle timeout").hasMessageContaining("idleTimeout(...)");
    }
    assertThat(server.awaitAborts(1, WAIT)).isTrue();
    assertThat(server.aborts().get(0).phase()).isEqualTo(ClientAbort.Phase.STREAMING);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void an_answer_that_drips_a_byte_at_a_time_is_ended_by_the_call_deadline(boolean stream)
      throws InterruptedException {
    // A byte every 30 ms never trips the idle timeout; the whole answer would take over half a minute.
    server.failNext(1, Fault.dripBytes(Duration.ofMillis(30)));
    try (OpenAiCompatibleGateway http = OpenAiCompatibleGateway.builder(server.baseUrl())
        .idleTimeout(Duration.ofSeconds(10)).build()) {
      ModelGateway gateway = GatewayResilience.builder().deadline(Duration.ofSeconds(1)).build().applyTo(http);

      OperationTimeoutException timedOut = timeout(ask(gateway, stream));

      assertThat(timedOut.timeout()).isEqualTo(Duration.ofSeconds(1));
      assertThat(timedOut).hasMessageContaining("deadline").hasMessageContaining("deadline(...)");
    }
    assertThat(server.awaitAborts(1, WAIT)).isTrue();
    assertThat(server.chatRequests()).hasSize(1);
  }

  @Test
  void the_call_deadline_bounds_all_attempts_together() {
    server.failNext(50, Fault.hang());
    try (OpenAiCompatibleGateway http = OpenAiCompatibleGateway.builder(server.baseUrl()).build()) {
      ModelGateway gateway = GatewayResilience.builder().timeout(Duration.ofMillis(200)).maxRetries(40)
          .backoff(Duration.ofMillis(10), Duration.ofMillis(20)).deadline(Duration.ofMillis(900)).build()
          .applyTo(http);

      OperationTimeoutException timedOut = timeout(ask(gateway, false));

      assertThat(timedOut.timeout()).isEqualTo(Duration.ofMillis(900));
      assertThat(timedOut).hasMessageContaining("attempts").hasMessageContaining("the last one failed");
    }
    assertThat(server.chatRequests().size()).isBetween(2, 10);
  }

  @Test
  void a_slow_but_steady_stream_and_keep_alive_comments_never_trip_the_idle_timeout() {
    try (FakeOpenAiServer slow = FakeOpenAiServer.builder().reply("greek", ANSWER)
        .chunkInterval(Duration.ofMillis(150)).start();
        OpenAiCompatibleGateway gateway = OpenAiCompatibleGateway.builder(slow.baseUrl())
            .idleTimeout(Duration.ofMillis(600)).build()) {
      slow.failNext(1, Fault.keepAliveComments());
      List<ChatChunk> chunks = new CopyOnWriteArrayList<>();

      ChatReply withComments = gateway.stream(ChatRequest.of("gpt-5", "greek"), chunks::add).join();
      ChatReply plain = gateway.stream(ChatRequest.of("gpt-5", "greek"), chunk -> {}).join();

      assertThat(withComments.text()).isEqualTo(ANSWER);
      assertThat(plain.text()).isEqualTo(ANSWER);
      assertThat(chunks).hasSize(8);
    }
  }
}
