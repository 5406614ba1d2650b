package dev.zen.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.fake.openai.FakeOpenAiServer.Fault;
import dev.zen.fake.openai.FakeOpenAiServer.RecordedRequest;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.gateway.ModelRegistry;
import dev.zen.gateway.langchain4j.OpenAiCompatibleGateway;
import dev.zen.spi.ChatMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Zen agent against a real OpenAI-compatible HTTP server: what the MCP server runs on. */
class ZenAgentOverHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private FakeOpenAiServer server;
  private OpenAiCompatibleGateway gateway;
  private final MemoryCheckpointStore storage = MemoryCheckpointStore.create();

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.builder()
        .models("gpt-5", "o3", "gemini-2.5-pro", "my-finetune")
        .answer(request -> "answer from " + request.model() + " to: " + request.lastUserText().lines()
            .reduce((first, last) -> last).orElse(""))
        .latency(Duration.ofMillis(200))
        .start();
    gateway = OpenAiCompatibleGateway.builder(server.baseUrl()).build();
  }

  @AfterEach
  void stop() {
    gateway.close();
    server.close();
  }

  private ZenAgent agent() {
    return ZenAgent.builder()
        .gateway(gateway)
        .models(ModelRegistry.bundled())
        .checkpointStore(storage)
        .build();
  }

  private static ToolResult call(ZenAgent agent, String tool, Map<String, ?> arguments) throws Exception {
    return agent.call(ToolCall.of(tool, arguments)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void chat_streams_the_answer_over_http_and_reports_chunk_batches_as_progress() throws Exception {
    List<ToolProgress> progress = new CopyOnWriteArrayList<>();
    try (ZenAgent agent = agent()) {
      ToolResult result = agent.call(ToolCall.builder("chat")
              .arguments(Map.of("prompt", "Explain the outbox pattern", "model", "gpt-5"))
              .progressListener(progress::add).build())
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(result.isError()).as(result.text()).isFalse();
      assertThat(result.structuredContent()).containsEntry("content", "answer from gpt-5 to: Explain the outbox pattern");
      assertThat(server.chatRequests()).singleElement().satisfies(request -> assertThat(request.stream()).isTrue());
      assertThat(progress).extracting(ToolProgress::message).anyMatch(m -> m.startsWith("chat (gpt-5): received"));
    }
  }

  @Test
  void chat_without_a_progress_listener_asks_for_the_whole_answer_and_gets_the_same_result() throws Exception {
    try (ZenAgent agent = agent()) {
      ToolResult result = call(agent, "chat", Map.of("prompt", "Explain the outbox pattern", "model", "gpt-5"));

      assertThat(result.isError()).as(result.text()).isFalse();
      assertThat(result.structuredContent()).containsEntry("content", "answer from gpt-5 to: Explain the outbox pattern");
      assertThat(server.chatRequests()).singleElement().satisfies(request -> assertThat(request.stream()).isFalse());
    }
  }

  @Test
  void chat_without_a_progress_listener_reports_a_failing_model_as_before() throws Exception {
    server.failNext(1, "gpt-5", Fault.status(400, "invalid_request_error", "temperature is not supported"));
    try (ZenAgent agent = agent()) {
      ToolResult result = call(agent, "chat", Map.of("prompt", "Explain the outbox pattern", "model", "gpt-5"));

      assertThat(result.isError()).isTrue();
      assertThat(result.text()).contains("temperature is not supported");
      assertThat(server.chatRequests()).singleElement().satisfies(request -> assertThat(request.stream()).isFalse());
    }
  }

  @Test
  void a_conversation_continues_across_calls_and_across_an_agent_restart_on_a_persistent_store() throws Exception {
    String thread;
    try (ZenAgent agent = agent()) {
      thread = call(agent, "chat", Map.of("prompt", "first question", "model", "o3")).continuationId();
      call(agent, "chat", Map.of("prompt", "second question", "model", "o3", "continuation_id", thread));
    }
    // A new agent over the same storage stands in for a restarted server.
    try (ZenAgent restarted = agent()) {
      ToolResult third = call(restarted, "chat", Map.of("prompt", "third question", "model", "o3",
          "continuation_id", thread));

      assertThat(third.continuationId()).isEqualTo(thread);
    }

    RecordedRequest last = server.chatRequests().get(2);
    assertThat(last.messages()).extracting(ChatMessage::role).containsExactly(ChatMessage.Role.SYSTEM,
        ChatMessage.Role.USER, ChatMessage.Role.ASSISTANT, ChatMessage.Role.USER, ChatMessage.Role.ASSISTANT,
        ChatMessage.Role.USER);
    assertThat(last.messages().get(2).text()).isEqualTo("answer from o3 to: first question");
    assertThat(last.messages().get(4).text()).isEqualTo("answer from o3 to: second question");
  }

  @Test
  void consensus_sends_every_model_request_before_any_answer_arrives() throws Exception {
    // Consulted models answer after a second: far longer than sending three requests takes, so
    // the peak shows whether they were in flight together.
    try (FakeOpenAiServer slow = FakeOpenAiServer.builder()
            .models("gpt-5", "o3", "gemini-2.5-pro")
            .latency("o3", Duration.ofSeconds(1)).latency("gemini-2.5-pro", Duration.ofSeconds(1))
            .latency("gpt-5", Duration.ofSeconds(1))
            .start();
        OpenAiCompatibleGateway slowGateway = OpenAiCompatibleGateway.builder(slow.baseUrl()).build();
        ZenAgent agent = ZenAgent.builder().gateway(slowGateway).checkpointStore(storage).build()) {
      ToolResult result = call(agent, "consensus", Map.of("prompt", "Adopt gRPC for internal APIs?",
          "model", "gpt-5",
          "models", List.of(Map.of("model", "gpt-5", "stance", "for"), Map.of("model", "o3", "stance", "against"),
              Map.of("model", "gemini-2.5-pro", "stance", "neutral"))));

      assertThat(result.isError()).as(result.text()).isFalse();
      assertThat(slow.peakActiveRequests()).as("consulted models in flight together").isEqualTo(3);
      assertThat(slow.chatRequests()).hasSize(4);
      assertThat(result.text()).contains("## Consensus of 3 models (3 answered)");
    }
  }

  @Test
  void a_model_failing_with_http_500_is_reported_and_the_consensus_still_answers() throws Exception {
    server.failNext(1, "o3", Fault.serverError());
    try (ZenAgent agent = agent()) {
      ToolResult result = call(agent, "consensus", Map.of("prompt", "Split the monolith?", "model", "gpt-5",
          "models", List.of(Map.of("model", "gpt-5", "stance", "for"), Map.of("model", "o3", "stance", "against"))));

      assertThat(result.isError()).isFalse();
      assertThat(result.text()).contains("(1 answered)").contains("### o3 (against) - FAILED");
    }
  }

  @Test
  void cancelling_a_call_aborts_its_http_request() throws Exception {
    server.failNext(1, "gpt-5", Fault.hang());
    try (ZenAgent agent = agent()) {
      CompletableFuture<ToolResult> call = agent.call(ToolCall.of("chat", Map.of("prompt", "hang", "model", "gpt-5")));
      awaitChatRequests(1);

      call.cancel(true);

      assertThat(server.awaitAborts(1, WAIT)).as("the server saw the client hang up").isTrue();
    }
  }

  @Test
  void listmodels_includes_models_only_the_gateway_serves() throws Exception {
    try (ZenAgent agent = agent()) {
      ToolResult result = call(agent, "listmodels", Map.of());

      assertThat(result.structuredContent().get("gateway_models"))
          .isEqualTo(List.of("gpt-5", "o3", "gemini-2.5-pro", "my-finetune"));
      assertThat(result.text()).contains("my-finetune");
      ToolResult chat = call(agent, "chat", Map.of("prompt", "hi", "model", "my-finetune"));
      assertThat(chat.structuredContent()).containsEntry("model", "my-finetune");
    }
  }

  private void awaitChatRequests(int count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (server.chatRequests().size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the server did not receive " + count + " chat requests");
      }
      Thread.sleep(5);
    }
  }
}
