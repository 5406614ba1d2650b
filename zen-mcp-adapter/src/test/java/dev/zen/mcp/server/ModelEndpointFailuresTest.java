package dev.zen.mcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zen.agent.ToolCall;
import dev.zen.agent.ToolResult;
import dev.zen.fake.openai.FakeOpenAiServer;
import dev.zen.fake.openai.FakeOpenAiServer.Fault;
import dev.zen.fake.openai.FakeOpenAiServer.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A misbehaving model endpoint seen through the server's own runtime (its configuration, gateway,
 * resilience and agent), in process: what reaches the user, what is kept in a conversation, and in
 * whose words (issue 13, items 5, 6 and 18).
 */
class ModelEndpointFailuresTest {
  private static final String PARTIAL = "PARTIAL-ANSWER-TEXT that the endpoint sent before it failed mid-stream";

  private FakeOpenAiServer fake;
  private FakeOpenAiServer elsewhere;
  private final List<ZenRuntime> runtimes = new ArrayList<>();

  @BeforeEach
  void start() {
    fake = FakeOpenAiServer.builder().reply("(?i)second", PARTIAL).start();
    elsewhere = FakeOpenAiServer.start();
  }

  @AfterEach
  void stop() {
    runtimes.forEach(ZenRuntime::close);
    fake.close();
    elsewhere.close();
  }

  private ZenRuntime runtime(String... extra) {
    Map<String, String> env = new HashMap<>(Map.of(ServerConfig.CUSTOM_API_URL, fake.baseUrl(),
        ServerConfig.CUSTOM_MODEL_NAME, "gpt-5"));
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    ZenRuntime runtime = ZenRuntime.start(ServerConfig.parse(List.of(), env));
    runtimes.add(runtime);
    return runtime;
  }

  private static ToolResult chat(ZenRuntime runtime, String prompt, String continuation) throws Exception {
    Map<String, Object> arguments = new HashMap<>(Map.of("prompt", prompt));
    if (continuation != null) {
      arguments.put("continuation_id", continuation);
    }
    return runtime.agent().call(ToolCall.of("chat", arguments)).get(30, TimeUnit.SECONDS);
  }

  @Test
  void an_error_inside_a_200_stream_fails_the_call_in_the_endpoints_words_and_is_not_kept_in_the_conversation()
      throws Exception {
    ZenRuntime runtime = runtime();
    ToolResult first = chat(runtime, "Remember the codeword AMBER-42.", null);
    String thread = first.continuationId();
    assertThat(first.isError()).isFalse();
    fake.failNext(1, Fault.errorInAnswer(Fault.ErrorPlacement.AFTER_CONTENT, "server_error",
        "upstream exploded while streaming"));

    ToolResult failed = chat(runtime, "The second question, please.", thread);
    ToolResult third = chat(runtime, "Which codeword did I give you?", thread);

    assertThat(failed.isError()).isTrue();
    assertThat(failed.text()).contains("upstream exploded while streaming").doesNotContain("PARTIAL-ANSWER-TEXT");
    assertThat(third.isError()).isFalse();
    List<RecordedRequest> requests = fake.chatRequests();
    assertThat(requests).hasSize(3);
    String history = requests.get(2).messages().toString();
    assertThat(history).contains("AMBER-42").doesNotContain("PARTIAL-ANSWER-TEXT");
  }

  @Test
  void an_empty_answer_is_a_failure_saying_which_and_is_asked_for_once() throws Exception {
    ZenRuntime runtime = runtime();
    fake.failNext(5, Fault.emptyAnswer(Fault.EmptyAnswer.REASONING_ONLY));

    ToolResult result = chat(runtime, "Think hard about this.", null);

    assertThat(result.isError()).isTrue();
    assertThat(result.text()).contains("only reasoned");
    assertThat(fake.chatRequests()).hasSize(1);
  }

  @Test
  void consensus_never_synthesises_empty_answers() throws Exception {
    ZenRuntime runtime = runtime();
    Map<String, Object> arguments = Map.of("prompt", "Should we adopt virtual threads?", "models", List.of(
        Map.of("model", "gpt-5", "stance", "for"), Map.of("model", "o3", "stance", "against")));
    fake.failNext(1, "o3", Fault.emptyAnswer(Fault.EmptyAnswer.EMPTY_CHOICES));

    ToolResult oneEmpty = runtime.agent().call(ToolCall.of("consensus", arguments)).get(30, TimeUnit.SECONDS);
    String synthesisPrompt = fake.chatRequests().get(fake.chatRequests().size() - 1).messages().toString();
    fake.clearRecords();
    fake.failNext(1, "gpt-5", Fault.emptyAnswer(Fault.EmptyAnswer.NULL_CONTENT));
    fake.failNext(1, "o3", Fault.finishReason("content_filter", 0));
    ToolResult allEmpty = runtime.agent().call(ToolCall.of("consensus", arguments)).get(30, TimeUnit.SECONDS);

    assertThat(oneEmpty.isError()).isFalse();
    assertThat(oneEmpty.text()).contains("no choices");
    assertThat(synthesisPrompt).contains("no answer");
    assertThat(allEmpty.isError()).isTrue();
    assertThat(allEmpty.text()).contains("no text").contains("content filter");
    assertThat(fake.chatRequests()).hasSize(2);
  }

  @Test
  void error_texts_name_the_servers_variables_and_never_a_java_builder() throws Exception {
    ZenRuntime runtime = runtime(ServerConfig.CUSTOM_API_KEY, "sk-wrong");
    fake.failNext(1, Fault.unauthorized());
    fake.failNext(1, Fault.redirect(307, elsewhere.baseUrl() + "/chat/completions"));

    ToolResult unauthorized = chat(runtime, "hello", null);
    ToolResult redirected = chat(runtime, "hello", null);

    assertThat(unauthorized.text()).contains("CUSTOM_API_KEY").doesNotContain("apiKey(").doesNotContain("builder");
    assertThat(redirected.text()).contains(elsewhere.baseUrl()).contains("CUSTOM_API_URL")
        .doesNotContain("builder").doesNotContain("followSameOriginRedirects").doesNotContain("sk-wrong");
    assertThat(elsewhere.requests()).isEmpty();
  }

  @Test
  void timeouts_come_from_the_environment_and_their_messages_name_the_variables() throws Exception {
    ZenRuntime runtime = runtime(ServerConfig.ZEN_FIRST_BYTE_TIMEOUT_SECONDS, "1",
        ServerConfig.ZEN_CALL_TIMEOUT_SECONDS, "3");
    fake.failNext(10, Fault.hang());

    long started = System.nanoTime();
    ToolResult result = chat(runtime, "hello", null);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(result.isError()).isTrue();
    assertThat(result.text()).contains("ZEN_CALL_TIMEOUT_SECONDS").contains("ZEN_FIRST_BYTE_TIMEOUT_SECONDS")
        .doesNotContain("GatewayResilience").doesNotContain("builder");
    assertThat(took).isLessThan(Duration.ofSeconds(25));
    assertThat(fake.chatRequests().size()).isBetween(2, 4);
  }
}
